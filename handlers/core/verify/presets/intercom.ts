// Intercom webhooks: `X-Hub-Signature: sha1=<hex>` = HMAC-SHA1 of the body with the app's client secret.
// https://developers.intercom.com/docs/webhooks/setting-up-webhooks
import type { Preset } from "./preset";

export const intercom: Preset = {
  name: "intercom",
  provider: "Intercom",
  docs: "https://developers.intercom.com/docs/webhooks/setting-up-webhooks",
  description: {
    signature: { header: "x-hub-signature", algorithm: "hmac-sha1", encoding: "hex", prefix: "sha1=" },
    signed: [{ body: true }],
    eventId: { json: "id" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no timestamp; id = body id (signed)",
};
