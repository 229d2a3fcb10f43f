// HubSpot webhooks, v3 signature: `X-HubSpot-Signature-v3` = base64 HMAC-SHA256 over method + full URL + body +
// `X-HubSpot-Request-Timestamp` (unix ms), keyed with the app's client secret; older than 5 minutes is refused.
// https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
import type { Preset } from "./preset";

export const hubspot: Preset = {
  name: "hubspot",
  provider: "HubSpot (v3 signatures)",
  docs: "https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests",
  description: {
    signature: { header: "x-hubspot-signature-v3", algorithm: "hmac-sha256", encoding: "base64" },
    signed: [{ method: true }, { url: true }, { body: true }, { timestamp: true }],
    timestamp: { from: { header: "x-hubspot-request-timestamp" }, format: "unix-ms" },
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "signs method, URL, body and a ms timestamp (5 min); id = body hash",
};
