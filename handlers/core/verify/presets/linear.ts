// Linear webhooks: `Linear-Signature: <hex>` = HMAC-SHA256 of the body; the timestamp is the body's
// webhookTimestamp (unix ms), signed with it; Linear's SDK allows one minute.
// https://linear.app/developers/webhooks#securing-webhooks
import type { Preset } from "./preset";

export const linear: Preset = {
  name: "linear",
  provider: "Linear",
  docs: "https://linear.app/developers/webhooks#securing-webhooks",
  description: {
    signature: { header: "linear-signature", algorithm: "hmac-sha256", encoding: "hex" },
    signed: [{ body: true }],
    timestamp: { from: { json: "webhookTimestamp" }, format: "unix-ms" },
    deliveryIdHeader: "linear-delivery",
    secret: { encoding: "utf8" },
  },
  toleranceSeconds: 60,
  secretFormat: "utf8",
  notes: "signed body timestamp (ms, 60 s); id = body hash; Linear-Delivery kept as metadata",
};
