// Vercel webhooks: `x-vercel-signature: <hex>` = HMAC-SHA1 of the body with the webhook's secret.
// https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks
import type { Preset } from "./preset";

export const vercel: Preset = {
  name: "vercel",
  provider: "Vercel",
  docs: "https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks",
  description: {
    signature: { header: "x-vercel-signature", algorithm: "hmac-sha1", encoding: "hex" },
    signed: [{ body: true }],
    eventId: { json: "id" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no timestamp; id = body id (signed)",
};
