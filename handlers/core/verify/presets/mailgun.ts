// Mailgun webhooks: the JSON body carries `signature: {timestamp, token, signature}`, signature = hex HMAC-SHA256
// of timestamp + token with the HTTP webhook signing key. Only timestamp and token are signed, not event-data: the
// dedup id is the signed token (Mailgun advises caching tokens), and the event data is authenticated only as far as
// Mailgun's design allows (README).
// https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/#securing-webhooks
import type { Preset } from "./preset";

export const mailgun: Preset = {
  name: "mailgun",
  provider: "Mailgun",
  docs: "https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/#securing-webhooks",
  description: {
    signature: { header: "signature", json: "signature.signature", algorithm: "hmac-sha256", encoding: "hex" },
    signed: [{ json: "signature.timestamp" }, { json: "signature.token" }],
    timestamp: { from: { json: "signature.timestamp" }, format: "unix" },
    eventId: { json: "signature.token" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "signs timestamp + token only (not event-data); id = the signed token",
};
