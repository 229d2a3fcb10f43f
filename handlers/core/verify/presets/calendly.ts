// Calendly webhooks: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` = HMAC-SHA256 over `{t}.{body}` with the
// subscription's signing key.
// https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures
import type { Preset } from "./preset";

export const calendly: Preset = {
  name: "calendly",
  provider: "Calendly",
  docs: "https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures",
  description: {
    signature: { header: "calendly-webhook-signature", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "items", separator: ",", assign: "=", signatureKey: "v1", timestampKey: "t" } },
    signed: [{ timestamp: true }, { literal: "." }, { body: true }],
    timestamp: { from: { item: true }, format: "unix" },
    secret: { encoding: "utf8" },
  },
  toleranceSeconds: 180,
  secretFormat: "utf8",
  notes: "signed unix timestamp (3 min); id = body hash",
};
