// The family of schemes that sign only the body with HMAC-SHA256 and put the digest in one header:
// GitHub (`X-Hub-Signature-256: sha256=<hex>`, docs "Validating webhook deliveries"), Shopify
// (`X-Shopify-Hmac-Sha256: <base64>`, newer event webhooks `shopify-hmac-sha256`), and the generic
// per-tenant `hmac-sha256` scheme. None signs a timestamp, so replays are caught by event-id dedup instead.
import { bodyHashEventId, constantTimeEqual, decodeBase64, decodeHex, hmac } from "../crypto";
import { firstHeader, type Headers } from "../headers";
import { badSignature, malformedHeader, missingHeader, utf8Keys, type HmacOptions, type SchemeName, type Verifier } from "./types";

interface BodyHmacScheme {
  readonly scheme: SchemeName;
  /** Header names to look in, first present wins (lower-case). */
  readonly signatureHeaders: readonly string[];
  readonly encoding: "hex" | "base64";
  readonly prefix: string;
  /** Headers carrying the sender's delivery id, first present wins; else a body hash. */
  readonly eventIdHeaders: readonly string[];
}

export function bodyHmacVerifier(spec: BodyHmacScheme): Verifier<Buffer[]> {
  const decode = spec.encoding === "hex" ? decodeHex : decodeBase64;
  const headerName = spec.signatureHeaders[0]!;
  return {
    scheme: spec.scheme,
    prepare: utf8Keys,
    verify(request, keys) {
      const value = firstHeader(request.headers, ...spec.signatureHeaders);
      if (value === undefined) return missingHeader(headerName);
      if (!value.startsWith(spec.prefix)) return malformedHeader(headerName, `expected prefix '${spec.prefix}'`);
      const provided = decode(value.slice(spec.prefix.length).trim());
      if (!provided) return malformedHeader(headerName, `expected ${spec.encoding} digest`);
      for (const key of keys) {
        if (constantTimeEqual(provided, hmac("sha256", key, request.body))) {
          return { ok: true, eventId: deliveryId(request.headers, spec.eventIdHeaders) ?? bodyHashEventId(request.body) };
        }
      }
      return badSignature();
    },
  };
}

function deliveryId(headers: Headers, names: readonly string[]): string | undefined {
  const value = firstHeader(headers, ...names);
  return value !== undefined && value.length <= 256 ? value : undefined;
}

export const githubVerifier = (): Verifier<Buffer[]> =>
  bodyHmacVerifier({
    scheme: "github",
    signatureHeaders: ["x-hub-signature-256"],
    encoding: "hex",
    prefix: "sha256=",
    eventIdHeaders: ["x-github-delivery"],
  });

export const shopifyVerifier = (): Verifier<Buffer[]> =>
  bodyHmacVerifier({
    scheme: "shopify",
    signatureHeaders: ["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
    encoding: "base64",
    prefix: "",
    eventIdHeaders: ["x-shopify-webhook-id", "shopify-webhook-id"],
  });

export const genericHmacVerifier = (options: HmacOptions): Verifier<Buffer[]> =>
  bodyHmacVerifier({
    scheme: "hmac-sha256",
    signatureHeaders: [options.header.toLowerCase()],
    encoding: options.encoding,
    prefix: options.prefix ?? "",
    eventIdHeaders: [],
  });
