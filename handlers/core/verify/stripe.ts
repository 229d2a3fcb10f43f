// Stripe (docs "Verify webhook signatures manually"): `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`,
// HMAC-SHA256 over `{t}.{body}` keyed with the whole `whsec_...` string. Several v1 entries appear while an
// endpoint secret is being rolled.
// https://docs.stripe.com/webhooks#verify-manually
import { bodyHashEventId, digestTextEqual, hmacText, isHexText } from "../crypto";
import { firstHeader } from "../headers";
import { firstTopLevelString } from "./jsonScan";
import {
  badSignature, checkTimestamp, malformedHeader, missingHeader, SIGNATURE_LIMITS, usableId, utf8KeysFor, type Verifier, type VerifierOptions,
} from "./types";

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
      let timestamp: string | undefined;
      const v1: string[] = [];
      const seen = new Set<string>();
      for (const item of header.split(",")) {
        const eq = item.indexOf("=");
        if (eq < 0) continue;
        const key = item.slice(0, eq).trim();
        const value = item.slice(eq + 1).trim();
        if (key === "t") timestamp = value;
        else if (key === "v1" && !seen.has(value)) {
          seen.add(value);
          if (isHexText(value)) v1.push(value);
        }
      }
      if (seen.size > SIGNATURE_LIMITS.maxEntries) return malformedHeader("stripe-signature", `more than ${SIGNATURE_LIMITS.maxEntries} distinct v1 signatures`);
      if (timestamp === undefined) return malformedHeader("stripe-signature", "no t= timestamp");
      const checked = checkTimestamp("stripe-signature t", timestamp, request.nowSeconds, options.toleranceSeconds);
      if (typeof checked !== "number") return checked;
      if (v1.length === 0) return malformedHeader("stripe-signature", "no v1= signature");
      for (const key of keys) {
        const expected = hmacText("sha256", key, "hex", `${timestamp}.`, request.body);
        if (v1.some((candidate) => digestTextEqual(candidate, expected, "hex"))) {
          // The evt_ id is inside the signed body, its first member as Stripe writes events: the scan stops there
          // (firstTopLevelString), so finding it costs next to nothing beside the HMAC. Without a usable one (absent,
          // not a string, or too long for a key) the body hash: Stripe re-signs each retry with a new t, so the MAC
          // would differ per attempt.
          return { ok: true, eventId: usableId(firstTopLevelString(request.body, "id")) ?? bodyHashEventId(request.body), signedHeaders: [] };
        }
      }
      return badSignature();
    },
  };
}
