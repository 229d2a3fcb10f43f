// Standard Webhooks (https://www.standardwebhooks.com/, spec.md): v1 = HMAC-SHA256 over `{id}.{ts}.{body}`,
// base64, key = base64-decoded `whsec_` secret; v1a = Ed25519 with `whpk_` public keys. The signature header
// holds space-separated `version,signature` entries (rotation); unknown versions are skipped.
import { createPublicKey, verify as verifySignature, type KeyObject } from "node:crypto";
import { decodeBase64, digestTextEqual, hmacText } from "../crypto";
import { firstHeaderName, firstHeaderOf } from "../headers";
import { assertSecrets } from "./secretFormat";
import { addDistinctEntry, badSignature, checkTimestamp, malformedHeader, missingHeader, SIGNATURE_LIMITS, type Acceptance, type Verifier, type VerifierOptions } from "./types";

export interface StandardWebhooksKeys {
  readonly hmacKeys: readonly Buffer[];
  readonly publicKeys: readonly KeyObject[];
}

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function prepareStandardWebhooksKeys(secrets: readonly string[]): StandardWebhooksKeys {
  assertSecrets("standard-webhooks", secrets);
  const hmacKeys: Buffer[] = [];
  const publicKeys: KeyObject[] = [];
  // assertSecrets has checked each shape (secretFormat.ts): `whpk_` + base64 of 32 bytes, or base64 of 24..64 bytes.
  for (const secret of secrets) {
    if (secret.startsWith("whpk_")) {
      const raw = decodeBase64(secret.slice(5))!;
      publicKeys.push(createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" }));
      continue;
    }
    // The reference library accepts the bare base64 key as well as the `whsec_` form.
    hmacKeys.push(decodeBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret)!);
  }
  return { hmacKeys, publicKeys };
}

/**
 * The distinct non-empty entries of a space-separated signature header, in order of first appearance, each with
 * the offset of that appearance (so a signature is compared in place in the header, not as a slice of it, whose
 * characters V8 reads ~2x slower), or "too many" past SIGNATURE_LIMITS.maxEntries: what
 * `new Set(header.split(" ").filter((e) => e !== ""))` holds (property-tested), with no intermediate arrays.
 */
export function signatureEntries(header: string): { entries: string[]; starts: number[] } | "too many" {
  const entries: string[] = [];
  const starts: number[] = [];
  for (let start = 0; start < header.length; ) {
    let end = header.indexOf(" ", start);
    if (end < 0) end = header.length;
    if (end > start && !addDistinctEntry(entries, starts, header.slice(start, end), start)) return "too many";
    start = end + 1;
  }
  return { entries, starts };
}

const ID_HEADERS = ["webhook-id", "svix-id"] as const;
const TIMESTAMP_HEADERS = ["webhook-timestamp", "svix-timestamp"] as const;
const SIGNATURE_HEADERS = ["webhook-signature", "svix-signature"] as const;

export function standardWebhooksVerifier(options: VerifierOptions): Verifier<StandardWebhooksKeys> {
  return {
    scheme: "standard-webhooks",
    prepare: prepareStandardWebhooksKeys,
    verify(request, keys) {
      const { headers } = request;
      // svix-* are the same protocol under the reference sender's original header names.
      const idName = firstHeaderName(headers, ID_HEADERS);
      const timestampName = firstHeaderName(headers, TIMESTAMP_HEADERS);
      const id = idName === undefined ? undefined : headers[idName]!;
      const timestamp = timestampName === undefined ? undefined : headers[timestampName]!;
      const signatures = firstHeaderOf(headers, SIGNATURE_HEADERS);
      if (id === undefined) return missingHeader("webhook-id");
      if (timestamp === undefined) return missingHeader("webhook-timestamp");
      if (signatures === undefined) return missingHeader("webhook-signature");
      if (id.includes(".") || id.length > 256) return malformedHeader("webhook-id", "must not contain '.' or exceed 256 characters");
      const checked = checkTimestamp("webhook-timestamp", timestamp, request.nowSeconds, options.toleranceSeconds);
      if (typeof checked !== "number") return checked;

      // Bounded work whatever the header holds: each v1a entry is an Ed25519 verify over the whole body, so the
      // header length and the number of distinct entries are capped (SIGNATURE_LIMITS), duplicates tried once.
      if (signatures.length > SIGNATURE_LIMITS.maxHeaderLength) {
        return malformedHeader("webhook-signature", `longer than ${SIGNATURE_LIMITS.maxHeaderLength} characters`);
      }
      const distinct = signatureEntries(signatures);
      if (distinct === "too many") {
        return malformedHeader("webhook-signature", `more than ${SIGNATURE_LIMITS.maxEntries} distinct signatures`);
      }

      const prefix = `${id}.${timestamp}.`;
      // v1 signatures stay text, as given, compared in place in the header (v1Starts and v1Ends bound each):
      // digestTextEqual matches only the canonical base64 of the MAC, so a malformed one never matches and needs no
      // check of its own (it costs the HMAC a wrong one costs). v1a ones are decoded for Ed25519.
      const v1Starts: number[] = [];
      const v1Ends: number[] = [];
      const v1a: Buffer[] = [];
      const { entries, starts } = distinct;
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[k]!;
        const comma = entry.indexOf(",");
        if (comma === 2 && entry.startsWith("v1")) {
          v1Starts.push(starts[k]! + 3);
          v1Ends.push(starts[k]! + entry.length);
        } else if (comma === 3 && entry.startsWith("v1a")) {
          const decoded = decodeBase64(entry.slice(4));
          if (decoded?.length === 64) v1a.push(decoded);
        }
      }
      // The id and the timestamp are inside the signed content: the id is the event id as the sender gave it.
      const accepted: Acceptance = {
        ok: true,
        eventId: id,
        deliveryId: id,
        signedHeaders: [idName!, timestampName!],
      };
      if (v1Starts.length > 0) {
        for (const key of keys.hmacKeys) {
          const expected = hmacText("sha256", key, "base64", prefix, request.body);
          for (let k = 0; k < v1Starts.length; k++) if (digestTextEqual(signatures, expected, "base64", v1Starts[k], v1Ends[k])) return accepted;
        }
      }
      if (v1a.length > 0 && keys.publicKeys.length > 0) {
        // Ed25519 is not streaming: this one copy happens only for v1a senders.
        const signed = Buffer.concat([Buffer.from(prefix, "utf8"), request.body]);
        for (const key of keys.publicKeys) {
          for (const candidate of v1a) {
            if (verifySignature(null, signed, key, candidate)) return accepted;
          }
        }
      }
      return badSignature();
    },
  };
}
