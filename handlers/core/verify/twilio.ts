// Twilio ("Webhooks security"): `X-Twilio-Signature` = base64 HMAC-SHA1, keyed with the Auth Token, over the
// full URL followed by every POST parameter's name and value, names sorted (repeated names: distinct values
// sorted, as twilio-node's validateRequest does). JSON bodies are signed differently: the URL carries
// `bodySHA256=<hex sha256(body)>` and no parameters are appended. Twilio's own validator tries the URL with and
// without the scheme's default port; so do we.
// https://www.twilio.com/docs/usage/webhooks/webhooks-security
//
// What is signed is that canonical string, not the raw bytes: reordered parameters, an extra '&' or a moved
// name/value boundary ("Bod=yHello" for "Body=Hello") all verify. So the event id is derived from the MAC over
// the canonical string (macEventId): every such variant is the same event, stored once, and an unsigned header
// (I-Twilio-Idempotency-Token) can no longer mint new events from one captured request. The URL that was signed
// is kept with the event.
//
// Why not MessageSid/CallSid as the id: Twilio reuses them across distinct signed requests (a message's status
// callbacks queued/sent/delivered, every <Gather> action of one call), so a Sid-keyed id would drop real events
// as duplicates; the canonical string tells them apart and is equal for true redeliveries.
import { URLSearchParams } from "node:url";
import { digestTextEqual, hmacText, isCanonicalBase64, macEventIdOfText, sha256Hex } from "../crypto";
import { firstHeader, trimmedEnd, trimmedStart } from "../headers";
import { badSignature, cappedDeliveryId, malformedBody, malformedHeader, missingHeader, reject, SIGNATURE_LIMITS, utf8KeysFor, type Verifier } from "./types";

/** Parameters in a form body, counting '&' separators natively, up to `limit + 1`. */
export function formParamCountAtLeast(body: Buffer, limit: number): number {
  if (body.length === 0) return 0;
  let count = 1;
  for (let at = body.indexOf(0x26); at >= 0 && count <= limit; at = body.indexOf(0x26, at + 1)) count += 1;
  return count;
}

/**
 * The signed string's tail: name+value of every form parameter, names sorted, a repeated name's distinct values
 * sorted (twilio-node, src/webhooks/webhooks.ts: `Array.from(new Set(values)).sort()`).
 */
export function twilioFormParams(body: Buffer): string {
  const grouped = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(body.toString("utf8"))) {
    const values = grouped.get(name);
    if (values) values.add(value);
    else grouped.set(name, new Set([value]));
  }
  let out = "";
  for (const name of [...grouped.keys()].sort()) {
    for (const value of [...grouped.get(name)!].sort()) out += name + value;
  }
  return out;
}

/** The URL as given, plus the same URL with the default port added or removed. */
export function twilioUrlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  // Only http(s) has a default port. The URL parser reads a default port as none (`:443` gives port ""), so a
  // port here is another one, and such a URL has no variant.
  const defaultPort = parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : "";
  if (defaultPort === "" || parsed.port !== "") return [url];
  const authority = `${parsed.username}${parsed.password ? `:${parsed.password}` : ""}${parsed.username ? "@" : ""}`;
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  const without = `${parsed.protocol}//${authority}${parsed.hostname}${rest}`;
  const withPort = `${parsed.protocol}//${authority}${parsed.hostname}:${defaultPort}${rest}`;
  const variants = [url];
  for (const candidate of [without, withPort]) if (!variants.includes(candidate)) variants.push(candidate);
  return variants;
}

const BODY_SHA256 = "bodySHA256";
/** A UTF-16 surrogate standing alone (a `u` regex reads a well-formed pair as one code point). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The first `bodySHA256` parameter of the URL's query, as `new URLSearchParams(query).get("bodySHA256")` reads it
 * (property-tested against it). URLSearchParams costs ~200 ns, most of Twilio's fixed cost beside its two digests,
 * so a query with nothing to decode (no '%', no '+') is scanned in place: pairs split on '&', name and value on
 * the first '=', one leading '?' dropped, as the WHATWG form parser does. A value holding a lone surrogate (which
 * URLSearchParams would replace with U+FFFD) goes through URLSearchParams too.
 * https://url.spec.whatwg.org/#concept-urlencoded-parser
 */
export function bodySha256Param(url: string): string | undefined {
  const query = url.indexOf("?");
  if (query < 0) return undefined;
  const slow = () => new URLSearchParams(url.slice(query + 1)).get(BODY_SHA256) ?? undefined;
  if (url.includes("%", query) || url.includes("+", query)) return slow();
  // The init string's own leading '?' is dropped by URLSearchParams.
  let start = url.charCodeAt(query + 1) === 0x3f ? query + 2 : query + 1;
  // The next '=' at or after `start`, searched again only once passed: linear however the pairs are cut (a query
  // of many pairs without '=' would otherwise search to its end once per pair).
  let eq = -1;
  while (start <= url.length) {
    let end = url.indexOf("&", start);
    if (end < 0) end = url.length;
    if (eq < start) {
      eq = url.indexOf("=", start);
      if (eq < 0) eq = url.length;
    }
    const nameEnd = Math.min(eq, end);
    if (nameEnd - start === BODY_SHA256.length && url.startsWith(BODY_SHA256, start)) {
      const value = nameEnd < end ? url.slice(nameEnd + 1, end) : "";
      return LONE_SURROGATE.test(value) ? slow() : value;
    }
    start = end + 1;
  }
  return undefined;
}

export function twilioVerifier(): Verifier<Buffer[]> {
  return {
    scheme: "twilio",
    prepare: utf8KeysFor("twilio"),
    verify(request, keys) {
      const header = firstHeader(request.headers, "x-twilio-signature");
      if (header === undefined) return missingHeader("x-twilio-signature");
      // The signature is compared as text in place inside the header, between its trimmed bounds (not as a slice,
      // see crypto.ts); digestTextEqual matches only the canonical base64 of the MAC, so its form is checked only on
      // the way out, where a malformed header is still told apart, first, as before.
      const start = trimmedStart(header, 0, header.length);
      const end = trimmedEnd(header, start, header.length);
      const isWellFormed = () => isCanonicalBase64(header.slice(start, end));
      const malformed = () => malformedHeader("x-twilio-signature", "expected base64");

      const bodyHash = bodySha256Param(request.url);
      // With bodySHA256 the body is bound through its hash in the URL; otherwise the form params are signed, and
      // their number is capped before parsing them (bounded work for any body up to the limit).
      if (bodyHash === undefined && formParamCountAtLeast(request.body, SIGNATURE_LIMITS.maxFormParams) > SIGNATURE_LIMITS.maxFormParams) {
        return isWellFormed() ? malformedBody(`more than ${SIGNATURE_LIMITS.maxFormParams} form parameters`) : malformed();
      }
      const tail = bodyHash === undefined ? twilioFormParams(request.body) : "";
      const signedWith = (url: string): { url: string; mac: string } | undefined => {
        for (const key of keys) {
          // Compared as text (see hmacText): the same verdict as decoding the header, less fixed cost.
          const expected = hmacText("sha1", key, "base64", url, tail);
          if (digestTextEqual(header, expected, "base64", start, end)) return { url, mac: expected };
        }
        return undefined;
      };
      // The URL as addressed first; the port variants (a URL parse) only when it does not match.
      let matched = signedWith(request.url);
      for (const url of matched ? [] : twilioUrlVariants(request.url).slice(1)) {
        matched = signedWith(url);
        if (matched) break;
      }
      if (!matched) return isWellFormed() ? badSignature() : malformed();
      if (bodyHash !== undefined && bodyHash.toLowerCase() !== sha256Hex(request.body)) {
        return reject(401, "bad_signature", "body does not match the signed bodySHA256");
      }
      return {
        ok: true,
        eventId: macEventIdOfText(matched.mac, "base64"),
        deliveryId: cappedDeliveryId(firstHeader(request.headers, "i-twilio-idempotency-token")),
        signedHeaders: [],
        signedUrl: matched.url,
      };
    },
  };
}
