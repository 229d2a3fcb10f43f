// Byte-level helpers shared by every verifier. Pure: no SDK, no I/O.
import { createHmac, hash, timingSafeEqual, type KeyObject } from "node:crypto";

/**
 * Constant-time comparison that never throws: `crypto.timingSafeEqual` throws on a length mismatch, and a
 * verifier must fail closed with `false`, not with an exception. Signature lengths are public (fixed by the
 * algorithm), so returning early on a mismatch leaks nothing; we still compare to keep the timing flat.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
/**
 * Canonical base64 as text alone: padding bits must be zero, so the character before `==` is one of A Q g w (a
 * multiple of 16 in the alphabet) and the one before `=` a multiple of 4. Two different texts this accepts never
 * decode to the same bytes, with no decode and re-encode to find out.
 */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/** Whole hex pairs, either case. */
export function isHexText(text: string): boolean {
  return HEX.test(text);
}

/** Canonical, padded base64 (see CANONICAL_BASE64). */
export function isCanonicalBase64(text: string): boolean {
  return CANONICAL_BASE64.test(text);
}

/** Strict hex: `Buffer.from(s, "hex")` silently stops at the first bad character, which would let junk pass. */
export function decodeHex(text: string): Buffer | undefined {
  return isHexText(text) ? Buffer.from(text, "hex") : undefined;
}

/**
 * Strict, canonical base64: rejects junk, missing padding and non-zero padding bits, so two different header
 * strings never decode to the same signature.
 */
export function decodeBase64(text: string): Buffer | undefined {
  return isCanonicalBase64(text) ? Buffer.from(text, "base64") : undefined;
}

/** How a header spells a digest. */
export type DigestEncoding = "hex" | "base64";

/**
 * An HMAC as the text a header carries it in. On the hot path the verifiers compare texts, not bytes: on Node 22 a
 * digest returned as a string costs ~300 ns less than one returned as a Buffer (a Buffer made in C++), and the
 * header needs no decoding into a second Buffer (~100-150 ns); at 1 KiB that is a fifth of the HMAC itself.
 */
export function hmacText(algorithm: "sha256" | "sha1", key: Uint8Array | KeyObject, encoding: DigestEncoding, ...parts: (string | Uint8Array)[]): string {
  const mac = createHmac(algorithm, key);
  // An empty part adds nothing to the MAC; its update would still cross into C++ (Twilio's JSON bodies sign no tail).
  for (const part of parts) if (part.length > 0) mac.update(part);
  return mac.digest(encoding);
}

/**
 * Whether a header's digest text spells the digest whose text (from hmacText) is `expected`, in time that depends
 * only on the lengths (public: fixed by the algorithm), never throwing. Hex compares A-F as a-f, as a hex decode
 * reads either case; base64 compares exactly, and `expected` is canonical, so only the canonical spelling matches.
 * So this is exactly "is well formed (isHexText / isCanonicalBase64) and decodes to the same bytes"
 * (property-tested against decodeHex / decodeBase64 + constantTimeEqual): a verifier needs the well-formedness
 * check only to tell a malformed header from a wrong signature once nothing matched.
 *
 * `start` and `end` bound the text inside `provided` (a header value past its prefix and whitespace), so the hot
 * path slices nothing: V8 reads a sliced string's characters about 2x slower than the flat header's (~120 ns
 * against ~50 ns for 64 hex characters, measured on Node 22).
 */
export function digestTextEqual(provided: string, expected: string, encoding: DigestEncoding, start = 0, end = provided.length): boolean {
  if (end - start !== expected.length) return false;
  let difference = 0;
  if (encoding === "hex") {
    for (let i = 0; i < expected.length; i++) {
      const code = provided.charCodeAt(start + i);
      difference |= (code >= 0x41 && code <= 0x46 ? code + 0x20 : code) ^ expected.charCodeAt(i);
    }
  } else {
    for (let i = 0; i < expected.length; i++) difference |= provided.charCodeAt(start + i) ^ expected.charCodeAt(i);
  }
  return difference === 0;
}

/** One-shot SHA-256 (crypto.hash: no Hash object, about a third of createHash's fixed cost on short input). */
export function sha256Hex(bytes: Uint8Array): string {
  return hash("sha256", bytes, "hex");
}

/**
 * The event id of a request whose signed material carries no id of its own (GitHub, Shopify, generic HMAC,
 * Twilio, and Stripe/Slack bodies without a usable id), derived from the MAC that just verified.
 *
 * Why the MAC and not a hash of the body: the dedup key must come from what the signature covers (an unsigned
 * delivery header can be rewritten by anyone holding one captured request, so a replay under a fresh id would be
 * stored as a new event). The MAC is a function of exactly the signed bytes and the key, so it identifies them;
 * it is already computed, so this costs one SHA-256 over 20-32 bytes instead of a second pass over a body of up
 * to 350 KiB. It is hashed, never stored raw: a stored id must not be a signature anyone could replay.
 *
 * Caveat: the MAC depends on the key, so across a secret rotation a redelivery re-signed with the new secret gets
 * another id (and is stored again). Senders re-sign on every attempt, so this only matters for an event retried
 * while the tenant's secret changes.
 */
export function macEventId(mac: Uint8Array): string {
  return `sig:${sha256Hex(mac)}`;
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Uint8Array(128);
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_VALUE[BASE64_ALPHABET.charCodeAt(i)] = i;
/** One reusable buffer per MAC length (SHA-1, SHA-256): the id's hash reads it at once, nothing holds it. */
const digestScratch = new Map<number, Buffer>([
  [20, Buffer.alloc(20)],
  [32, Buffer.alloc(32)],
]);

function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

/**
 * The bytes of a digest text that hmacText wrote (so well-formed and canonical by construction), decoded in JS into
 * a reused buffer: Buffer.from(text, encoding) costs ~150 ns more here, a fresh Buffer made in C++. Private to
 * macEventIdOfText, which hashes the buffer at once; a MAC of another length gets a fresh Buffer.from.
 */
function digestBytesOfText(text: string, encoding: DigestEncoding): Buffer {
  const padding = encoding === "base64" ? (text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0) : 0;
  const length = encoding === "hex" ? text.length >> 1 : (text.length >> 2) * 3 - padding;
  const bytes = digestScratch.get(length);
  if (!bytes) return Buffer.from(text, encoding);
  if (encoding === "hex") {
    for (let i = 0; i < length; i++) bytes[i] = (hexValue(text.charCodeAt(2 * i)) << 4) | hexValue(text.charCodeAt(2 * i + 1));
    return bytes;
  }
  let bits = 0;
  let pending = 0;
  let written = 0;
  for (let i = 0; i < text.length - padding; i++) {
    bits = ((bits << 6) | BASE64_VALUE[text.charCodeAt(i)]!) & 0xffff;
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes[written++] = bits >> pending;
    }
  }
  return bytes;
}

/** macEventId of a MAC held as its hmacText: the same id as from its bytes. */
export function macEventIdOfText(text: string, encoding: DigestEncoding): string {
  return macEventId(digestBytesOfText(text, encoding));
}

/**
 * The event id of a signed body that should carry an id but has no usable one (a Stripe or Slack body without
 * its id, or with one too long for a key). These schemes sign a timestamp that changes on every retry, so the
 * MAC differs per attempt and cannot identify the event; the body is identical across retries and signed. Costs
 * a second pass over the body, on this rare path only.
 */
export function bodyHashEventId(body: Uint8Array): string {
  return `sha256:${sha256Hex(body)}`;
}
