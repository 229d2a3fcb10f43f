// WorkOS webhooks: `WorkOS-Signature: t=<unix ms>,v1=<hex>` = HMAC-SHA256 over `{t}.{body}`; WorkOS's SDK allows
// three minutes.
// https://workos.com/docs/events/data-syncing/webhooks
import type { Preset } from "./preset";

export const workos: Preset = {
  name: "workos",
  provider: "WorkOS",
  docs: "https://workos.com/docs/events/data-syncing/webhooks",
  description: {
    signature: { header: "workos-signature", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "items", separator: ",", assign: "=", signatureKey: "v1", timestampKey: "t" } },
    signed: [{ timestamp: true }, { literal: "." }, { body: true }],
    timestamp: { from: { item: true }, format: "unix-ms" },
    eventId: { json: "id" },
    secret: { encoding: "utf8" },
  },
  toleranceSeconds: 180,
  secretFormat: "utf8",
  notes: "signed ms timestamp (3 min); id = body id (signed)",
};
