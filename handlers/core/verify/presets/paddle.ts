// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>` = HMAC-SHA256 over `{ts}:{body}` with the notification
// destination's secret key, used as is.
// https://developer.paddle.com/webhooks/signature-verification
import type { Preset } from "./preset";

export const paddle: Preset = {
  name: "paddle",
  provider: "Paddle Billing",
  docs: "https://developer.paddle.com/webhooks/signature-verification",
  description: {
    signature: { header: "paddle-signature", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "items", separator: ";", assign: "=", signatureKey: "h1", timestampKey: "ts" } },
    signed: [{ timestamp: true }, { literal: ":" }, { body: true }],
    timestamp: { from: { item: true }, format: "unix" },
    eventId: { json: "event_id" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "signed unix timestamp; id = body event_id (signed)",
};
