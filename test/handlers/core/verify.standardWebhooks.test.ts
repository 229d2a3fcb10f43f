// Standard Webhooks (handlers/core/verify/standardWebhooks.ts) in the forms a sender legitimately uses: the svix-*
// header names, the bare base64 key, space-separated entries with extra spaces, and Ed25519 (v1a) keys; and what
// is never accepted: an Ed25519 signature under any label but v1a.
// Spec: https://www.standardwebhooks.com/ (spec.md); svix-* names: https://docs.svix.com/receiving/verifying-payloads/how-manual
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { SIGNATURE_LIMITS, type Verdict } from "../../../handlers/core/verify/types";
import { standardWebhooksEd25519Signature } from "../../../local/sign";
import { ENDPOINT, NOW_SECONDS, TOLERANCE } from "../../helpers/arbitraries";

const KEY = Buffer.alloc(32, 7);
const WHSEC = `whsec_${KEY.toString("base64")}`;
const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const BODY = Buffer.from('{"type":"user.created"}');

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` (spec.md, "Signature scheme"). */
const v1 = (key: Buffer, id = ID) => `v1,${createHmac("sha256", key).update(`${id}.${NOW_SECONDS}.`).update(BODY).digest("base64")}`;

function verify(secrets: string[], headers: Record<string, string>): Verdict {
  const verifier = createVerifier({ scheme: "standard-webhooks", toleranceSeconds: TOLERANCE });
  return verifier.verify({ headers, body: BODY, url: ENDPOINT, nowSeconds: NOW_SECONDS }, verifier.prepare(secrets));
}

const outcome = (verdict: Verdict) => (verdict.ok ? { eventId: verdict.eventId, signedHeaders: verdict.signedHeaders } : verdict.message);

describe("standard-webhooks: the forms a sender legitimately uses", () => {
  it("svix-id, svix-timestamp and svix-signature alone verify, and are the headers named as signed", () => {
    const verdict = verify([WHSEC], { "svix-id": ID, "svix-timestamp": String(NOW_SECONDS), "svix-signature": v1(KEY) });
    assert.deepEqual(outcome(verdict), { eventId: ID, signedHeaders: ["svix-id", "svix-timestamp"] });
  });

  it("webhook-* headers win over svix-* ones; an empty webhook-* header is absent and svix-* is read", () => {
    const both = verify([WHSEC], {
      "webhook-id": ID, "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": v1(KEY),
      "svix-id": "other", "svix-timestamp": "1", "svix-signature": "v1,AAAA",
    });
    assert.deepEqual(outcome(both), { eventId: ID, signedHeaders: ["webhook-id", "webhook-timestamp"] });
    const emptyNew = verify([WHSEC], {
      "webhook-id": "", "webhook-timestamp": "", "webhook-signature": "",
      "svix-id": ID, "svix-timestamp": String(NOW_SECONDS), "svix-signature": v1(KEY),
    });
    assert.deepEqual(outcome(emptyNew), { eventId: ID, signedHeaders: ["svix-id", "svix-timestamp"] });
    const mixed = verify([WHSEC], { "svix-id": ID, "webhook-timestamp": String(NOW_SECONDS), "svix-signature": v1(KEY) });
    assert.deepEqual(outcome(mixed), { eventId: ID, signedHeaders: ["svix-id", "webhook-timestamp"] });
  });

  it("the bare base64 key (no whsec_ prefix, as the reference library takes it) verifies what its whsec_ form does", () => {
    const headers = { "webhook-id": ID, "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": v1(KEY) };
    assert.equal(verify([KEY.toString("base64")], headers).ok, true);
    assert.equal(verify([WHSEC], headers).ok, true);
    assert.equal(verify([Buffer.alloc(32, 8).toString("base64")], headers).ok, false, "another bare key");
  });

  it("the right v1 entry is found wherever it stands among others; a valid MAC under any label but v1 is not a v1 signature", () => {
    const headers = (signature: string) => ({ "webhook-id": ID, "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": signature });
    const other = v1(Buffer.alloc(32, 9));
    const mac = v1(KEY).slice("v1,".length);
    for (const signature of [`${v1(KEY)} ${other}`, `${other} ${v1(KEY)}`, `${other} ${v1(KEY)} ${other.replace("v1,", "v2,")}`, `${v1(KEY)} v1a,${"A".repeat(86)}==`]) {
      assert.equal(verify([WHSEC], headers(signature)).ok, true, signature);
    }
    for (const label of ["v2", "x1", "V1", "v1a", "v10", ""]) {
      assert.deepEqual(outcome(verify([WHSEC], headers(`${label},${mac}`))), "no signature matched any active secret", label);
    }
  });

  it("empty entries (leading, trailing, repeated spaces) are not signatures and do not count toward the entry limit", () => {
    const others = Array.from({ length: SIGNATURE_LIMITS.maxEntries - 1 }, (_, i) => `v1,${Buffer.alloc(32, i + 1).toString("base64")}`);
    const signature = `  ${[...others, v1(KEY)].join("   ")}  `;
    assert.equal(verify([WHSEC], { "webhook-id": ID, "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": signature }).ok, true);
  });
});

describe("standard-webhooks: Ed25519 (v1a) signatures", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // whpk_ + base64 of the raw 32-byte public key: the SPKI DER form ends with it.
  const whpk = `whpk_${publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64")}`;
  const v1a = standardWebhooksEd25519Signature(privateKey, ID, NOW_SECONDS, BODY);
  const headers = (signature: string) => ({ "webhook-id": ID, "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": signature });

  it("a v1a signature verifies with the sender's whpk_ key, also beside HMAC keys and after wrong v1 entries", () => {
    assert.equal(verify([whpk], headers(v1a)).ok, true);
    assert.equal(verify([WHSEC, whpk], headers(`${v1(Buffer.alloc(32, 9))} ${v1a}`)).ok, true);
  });

  it("the same signature under any other label (v1, v1b, v2, none) is not accepted", () => {
    const signature = v1a.slice("v1a,".length);
    for (const label of ["v1", "v1b", "v2", "V1A", ""]) {
      assert.deepEqual(outcome(verify([whpk, WHSEC], headers(`${label},${signature}`))), "no signature matched any active secret", label);
    }
    // Nor is it read past a version without its comma (the text after `v1a` and one more character).
    for (const entry of [`v1a:${signature}`, `v1aA${signature}`, `v1a${signature}`]) {
      assert.deepEqual(outcome(verify([whpk, WHSEC], headers(entry))), "no signature matched any active secret", entry);
    }
  });

  it("a v1a signature needs a whpk_ key: HMAC keys alone do not verify it", () => {
    assert.deepEqual(outcome(verify([WHSEC], headers(v1a))), "no signature matched any active secret");
  });
});
