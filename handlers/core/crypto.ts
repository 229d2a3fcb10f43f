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
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict hex: `Buffer.from(s, "hex")` silently stops at the first bad character, which would let junk pass. */
export function decodeHex(text: string): Buffer | undefined {
  return HEX.test(text) ? Buffer.from(text, "hex") : undefined;
}

/**
 * Strict, canonical base64: rejects junk, missing padding and non-zero padding bits, so two different header
 * strings never decode to the same signature.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/** HMAC over several parts without concatenating them (the body is never copied). */
export function hmac(algorithm: "sha256" | "sha1", key: Uint8Array | KeyObject, ...parts: (string | Uint8Array)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
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

/**
 * The event id of a signed body that should carry an id but has no usable one (a Stripe or Slack body without
 * its id, or with one too long for a key). These schemes sign a timestamp that changes on every retry, so the
 * MAC differs per attempt and cannot identify the event; the body is identical across retries and signed. Costs
 * a second pass over the body, on this rare path only.
 */
export function bodyHashEventId(body: Uint8Array): string {
  return `sha256:${sha256Hex(body)}`;
}
