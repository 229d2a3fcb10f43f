// Square webhooks: `x-square-hmacsha256-signature` = base64 HMAC-SHA256 over the subscription's notification URL
// followed by the body, keyed with the signature key. The URL signed is the one registered with Square, a tenant
// setting, so a custom domain or proxy in front changes nothing.
// https://developer.squareup.com/docs/webhooks/step3validate
import type { Preset } from "./preset";

export const square: Preset = {
  name: "square",
  provider: "Square",
  docs: "https://developer.squareup.com/docs/webhooks/step3validate",
  description: (settings) => ({
    signature: { header: "x-square-hmacsha256-signature", algorithm: "hmac-sha256", encoding: "base64" },
    signed: [{ literal: settings.notificationUrl ?? "" }, { body: true }],
    eventId: { json: "event_id" },
    secret: { encoding: "utf8" },
  }),
  settings: [{ name: "notificationUrl", doc: "the notification URL of the webhook subscription, exactly as registered with Square" }],
  secretFormat: "utf8",
  notes: "no timestamp; id = body event_id (signed); signs the registered notification URL",
};
