// Stripe (docs "Verify webhook signatures manually"): `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`,
// HMAC-SHA256 over `{t}.{body}` keyed with the whole `whsec_...` string. Several v1 entries appear while an
// endpoint secret is being rolled.
// https://docs.stripe.com/webhooks#verify-manually
import { bodyHashEventId, digestTextEqual, hmacText, isHexText } from "../crypto";
import { firstHeader, trimmedEnd, trimmedStart } from "../headers";
import { firstTopLevelString } from "./jsonScan";
import {
  addDistinctEntry, badSignature, checkTimestamp, malformedHeader, missingHeader, SIGNATURE_LIMITS, usableId, utf8KeysFor, type Verifier, type VerifierOptions,
} from "./types";

/**
 * The `t` and the `v1` values of a Stripe-Signature header (the last `t` wins; `v1` values distinct, in order, well
 * formed or not: the verifier compares them as text, see stripeVerifier), or "too many" past
 * SIGNATURE_LIMITS.maxEntries distinct `v1` values. Items are `k=v` separated by commas, key and value trimmed; an
 * item without `=` is skipped.
 *
 * One pass, with no array of items and no string for a key: the same answers as split(",") and trim() per item
 * (property-tested against that form), at a fraction of the verification's fixed cost at 1 KiB.
 */
export function parseStripeSignature(header: string): { timestamp: string | undefined; v1: string[]; v1Starts: number[] } | "too many" {
  let timestamp: string | undefined;
  // Every distinct v1 value (their number is capped), and where it first stands in the header: the verifier
  // compares it there, not as a slice of the header, whose characters V8 reads ~2x slower.
  const v1: string[] = [];
  const v1Starts: number[] = [];
  // The next "=" at or after `start`, found again only once passed: linear in the header however it is cut.
  let eq = -1;
  for (let start = 0; start <= header.length; ) {
    let end = header.indexOf(",", start);
    if (end < 0) end = header.length;
    if (eq < start) {
      eq = header.indexOf("=", start);
      if (eq < 0) eq = header.length + 1;
    }
    if (eq < end) {
      const keyStart = trimmedStart(header, start, eq);
      const keyEnd = trimmedEnd(header, keyStart, eq);
      const valueStart = trimmedStart(header, eq + 1, end);
      const valueEnd = trimmedEnd(header, valueStart, end);
      if (keyEnd - keyStart === 1 && header.charCodeAt(keyStart) === 0x74 /* t */) {
        timestamp = header.slice(valueStart, valueEnd);
      } else if (keyEnd - keyStart === 2 && header.charCodeAt(keyStart) === 0x76 /* v */ && header.charCodeAt(keyStart + 1) === 0x31 /* 1 */) {
        if (!addDistinctEntry(v1, v1Starts, header.slice(valueStart, valueEnd), valueStart)) return "too many";
      }
    }
    start = end + 1;
  }
  return { timestamp, v1, v1Starts };
}

export function stripeVerifier(options: VerifierOptions): Verifier<Buffer[]> {
  return {
    scheme: "stripe",
    prepare: utf8KeysFor("stripe"),
    verify(request, keys) {
      const header = firstHeader(request.headers, "stripe-signature");
      if (header === undefined) return missingHeader("stripe-signature");
      // Bounded parsing whatever the header holds (see SIGNATURE_LIMITS).
      if (header.length > SIGNATURE_LIMITS.maxHeaderLength) {
        return malformedHeader("stripe-signature", `longer than ${SIGNATURE_LIMITS.maxHeaderLength} characters`);
      }
      const parsed = parseStripeSignature(header);
      if (parsed === "too many") return malformedHeader("stripe-signature", `more than ${SIGNATURE_LIMITS.maxEntries} distinct v1 signatures`);
      const { timestamp, v1, v1Starts } = parsed;
      if (timestamp === undefined) return malformedHeader("stripe-signature", "no t= timestamp");
      const checked = checkTimestamp("stripe-signature t", timestamp, request.nowSeconds, options.toleranceSeconds);
      if (typeof checked !== "number") return checked;
      if (v1.length === 0) return malformedHeader("stripe-signature", "no v1= signature");
      // The values are compared as given: digestTextEqual matches only hex of the MAC's length, so a malformed
      // value never matches, and whether any was well formed is asked only once none matched (a malformed header
      // then costs the HMAC a wrong signature costs, and answers as before).
      const prefix = `${timestamp}.`;
      for (const key of keys) {
        const expected = hmacText("sha256", key, "hex", prefix, request.body);
        let matched = false;
        for (let k = 0; k < v1.length && !matched; k++) matched = digestTextEqual(header, expected, "hex", v1Starts[k], v1Starts[k]! + v1[k]!.length);
        if (matched) {
          // The evt_ id is inside the signed body, its first member as Stripe writes events: the scan stops there
          // (firstTopLevelString), so finding it costs next to nothing beside the HMAC. Without a usable one (absent,
          // not a string, or too long for a key) the body hash: Stripe re-signs each retry with a new t, so the MAC
          // would differ per attempt.
          return { ok: true, eventId: usableId(firstTopLevelString(request.body, "id")) ?? bodyHashEventId(request.body), signedHeaders: [] };
        }
      }
      if (!v1.some(isHexText)) return malformedHeader("stripe-signature", "no v1= signature");
      return badSignature();
    },
  };
}
