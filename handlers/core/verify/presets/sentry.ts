// Sentry integration webhooks: `Sentry-Hook-Signature: <hex>` = HMAC-SHA256 of the body with the client secret.
// Sentry-Hook-Timestamp and Request-ID are not signed.
// https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature
import type { Preset } from "./preset";

export const sentry: Preset = {
  name: "sentry",
  provider: "Sentry",
  docs: "https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature",
  description: {
    signature: { header: "sentry-hook-signature", algorithm: "hmac-sha256", encoding: "hex" },
    signed: [{ body: true }],
    deliveryIdHeader: "request-id",
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no signed timestamp; id = sig: of the verified MAC; Request-ID kept as metadata",
};
