// Stripe (docs "Verify webhook signatures manually"): `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`,
// HMAC-SHA256 over `{t}.{body}` keyed with the whole `whsec_...` string. Several v1 entries appear while an
// endpoint secret is being rolled.
import { constantTimeEqual, bodyHashEventId, decodeHex, hmac } from "../crypto";
import { firstHeader } from "../headers";
import { badSignature, checkTimestamp, jsonStringField, malformedHeader, missingHeader, utf8Keys, type Verifier, type VerifierOptions } from "./types";

export function stripeVerifier(options: VerifierOptions): Verifier<Buffer[]> {
  return {
    scheme: "stripe",
    prepare: utf8Keys,
    verify(request, keys) {
      const header = firstHeader(request.headers, "stripe-signature");
      if (header === undefined) return missingHeader("stripe-signature");
      let timestamp: string | undefined;
      const v1: Buffer[] = [];
      for (const item of header.split(",")) {
        const eq = item.indexOf("=");
        if (eq < 0) continue;
        const key = item.slice(0, eq).trim();
        const value = item.slice(eq + 1).trim();
        if (key === "t") timestamp = value;
        else if (key === "v1") {
          const decoded = decodeHex(value);
          if (decoded) v1.push(decoded);
        }
      }
      if (timestamp === undefined) return malformedHeader("stripe-signature", "no t= timestamp");
      const checked = checkTimestamp("stripe-signature t", timestamp, request.nowSeconds, options.toleranceSeconds);
      if (typeof checked !== "number") return checked;
      if (v1.length === 0) return malformedHeader("stripe-signature", "no v1= signature");
      for (const key of keys) {
        const expected = hmac("sha256", key, `${timestamp}.`, request.body);
        if (v1.some((candidate) => constantTimeEqual(candidate, expected))) {
          return { ok: true, eventId: jsonStringField(request.body, "id") ?? bodyHashEventId(request.body) };
        }
      }
      return badSignature();
    },
  };
}
