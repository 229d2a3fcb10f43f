// Slack ("Verifying requests from Slack"): `X-Slack-Signature: v0=<hex>` = HMAC-SHA256 over `v0:{ts}:{body}`
// with the signing secret; `X-Slack-Request-Timestamp` within 5 minutes. When a Request URL is configured Slack
// posts a signed `{"type":"url_verification","challenge":"..."}` and expects the challenge back with a 200.
// https://api.slack.com/authentication/verifying-requests-from-slack
import { bodyHashEventId, digestTextEqual, hmacText, isHexText } from "../crypto";
import { firstHeader } from "../headers";
import { lastTopLevelStrings, topLevelStrings } from "./jsonScan";
import { badSignature, checkTimestamp, malformedHeader, missingHeader, usableId, utf8KeysFor, type Verifier, type VerifierOptions } from "./types";

/** The members read; the first (`event_id`) ends the backward scan. */
const SLACK_FIELDS = ["event_id", "type", "challenge"] as const;

export function slackVerifier(options: VerifierOptions): Verifier<Buffer[]> {
  return {
    scheme: "slack",
    prepare: utf8KeysFor("slack"),
    verify(request, keys) {
      const signature = firstHeader(request.headers, "x-slack-signature");
      const timestamp = firstHeader(request.headers, "x-slack-request-timestamp");
      if (signature === undefined) return missingHeader("x-slack-signature");
      if (timestamp === undefined) return missingHeader("x-slack-request-timestamp");
      const checked = checkTimestamp("x-slack-request-timestamp", timestamp, request.nowSeconds, options.toleranceSeconds);
      if (typeof checked !== "number") return checked;
      if (!signature.startsWith("v0=")) return malformedHeader("x-slack-signature", "expected v0=<hex>");
      // Compared in place after `v0=` (not as a slice, see crypto.ts): digestTextEqual matches only hex of the MAC, so
      // the form is checked only once nothing matched, which answers as before.
      const prefix = `v0:${timestamp}:`;
      const matched = keys.some((key) => digestTextEqual(signature, hmacText("sha256", key, "hex", prefix, request.body), "hex", 3));
      if (!matched) return isHexText(signature.slice(3)) ? badSignature() : malformedHeader("x-slack-signature", "expected v0=<hex>");
      // The timestamp is signed; the retry headers (x-slack-retry-num, -reason) are not.
      const signedHeaders = ["x-slack-request-timestamp"];

      // Read only now, after the signature held. Slack writes `event_id` last but for scalars and its
      // `authorizations`, after the nested `event` object (https://docs.slack.dev/reference/objects/event-object), so
      // the body is read from its end and the scan stops at the last top-level `event_id` (see jsonScan.ts): neither
      // the event nor what precedes the id is scanned. A body with an event_id is an event unless a `type` after
      // it says url_verification. A url_verification handshake carries no event_id, so it is read whole; it is then
      // read again from the start, as before, so its challenge is the one the whole-body scan finds.
      let [eventId, type, challenge] = lastTopLevelStrings(request.body, SLACK_FIELDS, 1);
      if (type === "url_verification") [eventId, type, challenge] = topLevelStrings(request.body, SLACK_FIELDS);
      if (type === "url_verification" && challenge !== undefined && challenge !== "") {
        return { ok: true, eventId: bodyHashEventId(request.body), signedHeaders, handshake: { contentType: "text/plain", body: challenge } };
      }
      // event_id is inside the signed body. Without a usable one (absent, or too long for a key) the body hash:
      // Slack re-signs each retry with a new timestamp, so the MAC would differ per attempt (see bodyHashEventId).
      return { ok: true, eventId: usableId(eventId) ?? bodyHashEventId(request.body), signedHeaders };
    },
  };
}
