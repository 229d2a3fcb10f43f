// Twitch EventSub webhooks: HMAC-SHA256 over message id + timestamp + body, `sha256=<hex>`; the challenge of a
// webhook_callback_verification is echoed as text/plain once the signature holds.
// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/
import { jsonField } from "../declarative";
import type { Preset } from "./preset";

export const twitch: Preset = {
  name: "twitch",
  provider: "Twitch EventSub",
  docs: "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/",
  description: {
    signature: { header: "twitch-eventsub-message-signature", algorithm: "hmac-sha256", encoding: "hex", prefix: "sha256=" },
    signed: [{ header: "twitch-eventsub-message-id" }, { timestamp: true }, { body: true }],
    timestamp: { from: { header: "twitch-eventsub-message-timestamp" }, format: "rfc3339" },
    eventId: { header: "twitch-eventsub-message-id" },
    secret: { encoding: "utf8" },
  },
  // Twitch: "reject the message if the timestamp is older than 10 minutes".
  toleranceSeconds: 600,
  secretFormat: "utf8",
  // Decided on the signed body, never on Twitch-Eventsub-Message-Type, which the signature does not cover: with the
  // header deciding, a captured verification request sent again as `notification` within the 10 minutes was stored
  // as an event. A verification's body carries the top-level `challenge`; a notification's ({subscription, event})
  // and a revocation's ({subscription}) never do.
  handshake(request) {
    const challenge = jsonField(request.body, "challenge");
    return challenge === undefined ? undefined : { contentType: "text/plain", body: challenge };
  },
  notes: "signed RFC 3339 timestamp (10 min); id = Twitch-Eventsub-Message-Id (signed); challenge echoed",
};
