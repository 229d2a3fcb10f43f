// The webhooks Pulumi program: read the stack's config once, compose the components, export the outputs.
// Pulumi calls an exported function and awaits it; what it returns are the stack outputs, exactly the object the
// offline plan and the tests see (createWebhooksStack is async: it declares the stack tenant by tenant).
import { stackConfigFromPulumi } from "./components/config";
import { createWebhooksStack } from "./components/stack";

const config = stackConfigFromPulumi();

export = async () => createWebhooksStack(config);
