// Twitch EventSub webhooks: HMAC-SHA256 over message id + timestamp + body, `sha256=<hex>`; the challenge of a
// webhook_callback_verification is echoed as text/plain once the signature holds.
// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/
import { firstHeader } from "../../headers";
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
  handshake(request) {
    if (firstHeader(request.headers, "twitch-eventsub-message-type") !== "webhook_callback_verification") return undefined;
    const challenge = jsonField(request.body, "challenge");
    return challenge === undefined ? undefined : { contentType: "text/plain", body: challenge };
  },
  notes: "signed RFC 3339 timestamp (10 min); id = Twitch-Eventsub-Message-Id (signed); challenge echoed",
};
