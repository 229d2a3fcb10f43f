// The family of schemes that sign only the body with HMAC-SHA256 and put the digest in one header:
// GitHub (`X-Hub-Signature-256: sha256=<hex>`, docs "Validating webhook deliveries"), Shopify
// (`X-Shopify-Hmac-Sha256: <base64>`, newer event webhooks `shopify-hmac-sha256`), and the generic
// per-tenant `hmac-sha256` scheme. None signs a timestamp or its delivery id.
//
// So the event id comes from the MAC (see macEventId), never from X-GitHub-Delivery / X-Shopify-Webhook-Id:
// those headers are unsigned, and a captured request replayed under a fresh delivery id must still be the same
// event (stored once), while a forged id must not be able to claim a real event's id first. The delivery id is
// kept as metadata. Replays are refused only while the first copy is in the table (retentionDays): these
// schemes carry nothing that expires.
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
import { digestTextEqual, hmacText, isCanonicalBase64, isHexText, macEventIdOfText } from "../crypto";
import { firstHeaderOf, trimmedEnd, trimmedStart } from "../headers";
import { badSignature, cappedDeliveryId, malformedHeader, missingHeader, utf8KeysFor, type HmacOptions, type SchemeName, type Verifier } from "./types";

interface BodyHmacScheme {
  readonly scheme: SchemeName;
  /** Header names to look in, first present wins (lower-case). */
  readonly signatureHeaders: readonly string[];
  readonly encoding: "hex" | "base64";
  readonly prefix: string;
  /** Headers carrying the sender's delivery id (unsigned: metadata only), first present wins. */
  readonly deliveryIdHeaders: readonly string[];
}

export function bodyHmacVerifier(spec: BodyHmacScheme): Verifier<Buffer[]> {
  const wellFormed = spec.encoding === "hex" ? isHexText : isCanonicalBase64;
  const headerName = spec.signatureHeaders[0]!;
  return {
    scheme: spec.scheme,
    prepare: utf8KeysFor(spec.scheme),
    verify(request, keys) {
      const value = firstHeaderOf(request.headers, spec.signatureHeaders);
      if (value === undefined) return missingHeader(headerName);
      if (!value.startsWith(spec.prefix)) return malformedHeader(headerName, `expected prefix '${spec.prefix}'`);
      // The digest's bounds inside the value, as value.slice(prefix.length).trim() would give them, without the copy.
      const start = trimmedStart(value, spec.prefix.length, value.length);
      const end = trimmedEnd(value, start, value.length);
      for (const key of keys) {
        // Compared as text (see hmacText): the same verdict as decoding the header, less fixed cost.
        const expected = hmacText("sha256", key, spec.encoding, request.body);
        if (digestTextEqual(value, expected, spec.encoding, start, end)) {
          return {
            ok: true,
            eventId: macEventIdOfText(expected, spec.encoding),
            deliveryId: cappedDeliveryId(firstHeaderOf(request.headers, spec.deliveryIdHeaders)),
            signedHeaders: [],
          };
        }
      }
      // Nothing matched: a malformed digest is told apart from a wrong one only now (a match implies well formed).
      if (!wellFormed(value.slice(start, end))) return malformedHeader(headerName, `expected ${spec.encoding} digest`);
      return badSignature();
    },
  };
}

export const githubVerifier = (): Verifier<Buffer[]> =>
  bodyHmacVerifier({
    scheme: "github",
    signatureHeaders: ["x-hub-signature-256"],
    encoding: "hex",
    prefix: "sha256=",
    deliveryIdHeaders: ["x-github-delivery"],
  });

export const shopifyVerifier = (): Verifier<Buffer[]> =>
  bodyHmacVerifier({
    scheme: "shopify",
    signatureHeaders: ["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
    encoding: "base64",
    prefix: "",
    deliveryIdHeaders: ["x-shopify-webhook-id", "shopify-webhook-id"],
  });

export const genericHmacVerifier = (options: HmacOptions): Verifier<Buffer[]> =>
  bodyHmacVerifier({
    scheme: "hmac-sha256",
    signatureHeaders: [options.header.toLowerCase()],
    encoding: options.encoding,
    prefix: options.prefix ?? "",
    deliveryIdHeaders: [],
  });
