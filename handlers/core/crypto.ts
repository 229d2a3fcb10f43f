// Byte-level helpers shared by every verifier. Pure: no SDK, no I/O.
import { createHash, createHmac, timingSafeEqual, type KeyObject } from "node:crypto";

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

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The event id of a body that carries no id of its own: equal bodies are the same event. */
export function bodyHashEventId(body: Uint8Array): string {
  return `sha256:${sha256Hex(body)}`;
}
