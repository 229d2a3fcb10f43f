// Bitbucket Cloud webhooks: `X-Hub-Signature: sha256=<hex>` = HMAC-SHA256 of the body (SHA-256 despite the name).
// https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks
import type { Preset } from "./preset";

export const bitbucket: Preset = {
  name: "bitbucket",
  provider: "Bitbucket Cloud",
  docs: "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks",
  description: {
    signature: { header: "x-hub-signature", algorithm: "hmac-sha256", encoding: "hex", prefix: "sha256=" },
    signed: [{ body: true }],
    deliveryIdHeader: "x-request-uuid",
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no timestamp; id = sig: of the verified MAC; X-Request-UUID kept as metadata",
};
