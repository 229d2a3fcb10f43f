// index.ts, the program `pulumi up` runs: it exports one async function (Pulumi awaits it), and what that returns
// are the stack outputs, exactly createWebhooksStack's, so every output ops reads and the README names is exported.
// (Before, index.ts re-exported a hand-written list that left out bodiesBucket, which ops `event` checks pointers
// against.)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { newSecret } from "../../local/sign";

describe("the program pulumi up runs (index.ts)", function () {
  this.timeout(120_000);
  const logRejection = (reason: unknown) => console.error("unhandledRejection", reason);
  before(() => process.on("unhandledRejection", logRejection));
  after(() => {
    process.off("unhandledRejection", logRejection);
    // No stack config left behind for later files.
    pulumi.runtime.setAllConfig({}, []);
  });

  it("exports an async function whose outputs are every output of the stack, bodiesBucket included", async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, name: a.inputs.name ?? a.name, arn: `arn:aws:mock:eu-west-1:123456789012:${a.name}`, url: `https://mock/${a.name}`, functionUrl: `https://${a.name}.lambda-url.eu-west-1.on.aws/`, bucket: a.inputs.bucket ?? a.name } }),
        call: (a) => (a.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "123456789012", arn: "", userId: "" } : { region: "eu-west-1", name: "eu-west-1", id: "eu-west-1", partition: "aws", dnsSuffix: "amazonaws.com" }),
      },
      "webhooks",
      "program",
      false,
    );
    pulumi.runtime.setAllConfig(
      {
        "webhooks:tenants": JSON.stringify({ acme: { scheme: "standard-webhooks", ingestConcurrency: 1, workerConcurrency: 2 } }),
        "webhooks:secrets": JSON.stringify({ acme: [newSecret("standard-webhooks", randomBytes)] }),
      },
      ["webhooks:secrets"],
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../../index") as () => Promise<Record<string, unknown>>;
    assert.equal(typeof program, "function");
    const outputs = await program();
    assert.deepEqual(Object.keys(outputs).sort(), ["account", "alarmDelivery", "alarmTopic", "analyticsStream", "bodiesBucket", "dashboard", "eventsTable", "functions", "ingestUrls", "logGroups", "queues", "region", "runbook"]);
    const bucket = await new Promise((resolve) => (outputs.bodiesBucket as pulumi.Output<string>).apply(resolve));
    assert.match(String(bucket), /bodies/);
  });
});
