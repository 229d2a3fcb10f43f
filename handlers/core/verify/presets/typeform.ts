// Typeform webhooks: `Typeform-Signature: sha256=<base64>` = HMAC-SHA256 of the body (base64, with a hex-style prefix).
// https://www.typeform.com/developers/webhooks/secure-your-webhooks/
import type { Preset } from "./preset";

export const typeform: Preset = {
  name: "typeform",
  provider: "Typeform",
  docs: "https://www.typeform.com/developers/webhooks/secure-your-webhooks/",
  description: {
    signature: { header: "typeform-signature", algorithm: "hmac-sha256", encoding: "base64", prefix: "sha256=" },
    signed: [{ body: true }],
    eventId: { json: "event_id" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no timestamp; id = body event_id (signed)",
};
