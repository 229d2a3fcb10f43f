// Mux webhooks: `Mux-Signature: t=<unix>,v1=<hex>` = HMAC-SHA256 over `{t}.{body}` with the endpoint's secret.
// https://www.mux.com/docs/core/verify-webhook-signatures
import type { Preset } from "./preset";

export const mux: Preset = {
  name: "mux",
  provider: "Mux",
  docs: "https://www.mux.com/docs/core/verify-webhook-signatures",
  description: {
    signature: { header: "mux-signature", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "items", separator: ",", assign: "=", signatureKey: "v1", timestampKey: "t" } },
    signed: [{ timestamp: true }, { literal: "." }, { body: true }],
    timestamp: { from: { item: true }, format: "unix" },
    eventId: { json: "id" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "signed unix timestamp; id = body id (signed)",
};
