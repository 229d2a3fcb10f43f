// PagerDuty webhooks v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]` = HMAC-SHA256 of the body; several
// entries while a secret rotates, any match verifies.
// https://developer.pagerduty.com/docs/verifying-webhook-signatures
import type { Preset } from "./preset";

export const pagerduty: Preset = {
  name: "pagerduty",
  provider: "PagerDuty (v3)",
  docs: "https://developer.pagerduty.com/docs/verifying-webhook-signatures",
  description: {
    signature: { header: "x-pagerduty-signature", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "list", separator: ",", entryPrefix: "v1=" } },
    signed: [{ body: true }],
    eventId: { json: "event.id" },
    deliveryIdHeader: "x-webhook-id",
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "no timestamp; id = body event.id (signed); X-Webhook-Id kept as metadata",
};
