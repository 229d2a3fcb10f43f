// Coinbase Commerce webhooks: `X-CC-Webhook-Signature: <hex>` = HMAC-SHA256 of the body with the shared secret.
// https://docs.cdp.coinbase.com/commerce/docs/webhooks-security
import type { Preset } from "./preset";

export const coinbase: Preset = {
  name: "coinbase",
  provider: "Coinbase Commerce",
  docs: "https://docs.cdp.coinbase.com/commerce/docs/webhooks-security",
  description: {
    signature: { header: "x-cc-webhook-signature", algorithm: "hmac-sha256", encoding: "hex" },
    signed: [{ body: true }],
    eventId: { json: "event.id" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no timestamp; id = body event.id (signed)",
};
