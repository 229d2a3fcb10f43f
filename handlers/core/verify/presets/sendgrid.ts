// SendGrid signed Event Webhook: ECDSA P-256 / SHA-256 over timestamp + body; the signature (base64 DER) and the
// timestamp are headers; the verification key is base64 DER SubjectPublicKeyInfo.
// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
import type { Preset } from "./preset";

export const sendgrid: Preset = {
  name: "sendgrid",
  provider: "SendGrid (signed Event Webhook)",
  docs: "https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features",
  description: {
    signature: { header: "x-twilio-email-event-webhook-signature", algorithm: "ecdsa-p256-sha256", encoding: "base64" },
    signed: [{ timestamp: true }, { body: true }],
    timestamp: { from: { header: "x-twilio-email-event-webhook-timestamp" }, format: "unix" },
    secret: { encoding: "base64" },
  },
  secretFormat: "ecdsa-p256-der-base64",
  notes: "ECDSA P-256; signed timestamp; id = body hash",
};
