// What a verifier must refuse even though a lenient parser would find a valid MAC in it. Each case is a request
// carrying a correct signature in a form the provider never sends; accepting it would mean two different header
// strings verify as the same signature, or a signature version the scheme does not define counts.
import assert from "node:assert/strict";
import fc from "fast-check";
import { constantTimeEqual, decodeBase64, decodeHex } from "../../../handlers/core/crypto";
import { createVerifier, verifySafely } from "../../../handlers/core/verify/registry";
import type { SchemeName, Verifier, VerifyRequest } from "../../../handlers/core/verify/types";
import { signRequest } from "../../../local/sign";
import { ENDPOINT, HMAC_OPTIONS, NOW_SECONDS, TOLERANCE } from "../../helpers/arbitraries";

const SECRETS: Partial<Record<SchemeName, string>> = {
  "standard-webhooks": `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
  stripe: "whsec_test_secret",
  shopify: "shop-secret",
  twilio: "0123456789abcdef0123456789abcdef",
};

function signed(scheme: SchemeName, body: Buffer, contentType = "application/json"): VerifyRequest {
  const request = signRequest({ scheme, secret: SECRETS[scheme]!, body, contentType, nowSeconds: NOW_SECONDS, url: ENDPOINT, hmac: HMAC_OPTIONS });
  return { headers: request.headers, body, url: request.url, nowSeconds: NOW_SECONDS };
}

function verify(scheme: SchemeName, request: VerifyRequest) {
  const verifier = createVerifier({ scheme, toleranceSeconds: TOLERANCE, hmac: HMAC_OPTIONS });
  return verifier.verify(request, verifier.prepare([SECRETS[scheme]!]));
}

/** Header and the text before the base64 digest, for the schemes that send base64 signatures. */
const BASE64_SITES: [SchemeName, string, RegExp][] = [
  ["standard-webhooks", "webhook-signature", /^(v1,)(.+)$/],
  ["shopify", "x-shopify-hmac-sha256", /^()(.+)$/],
  ["twilio", "x-twilio-signature", /^()(.+)$/],
];

/** The same bytes as `digest` under lenient decoding (Buffer.from), but not canonical base64. */
function lenientTwins(digest: string): [string, string][] {
  assert.match(digest, /^[A-Za-z0-9+/]+=$/, "a 20- or 32-byte MAC ends in one '=' (the twins below rely on it)");
  const last = digest.charCodeAt(digest.length - 2);
  // One padding character means the last data character carries 2 unused low bits: setting one keeps the bytes.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const index = alphabet.indexOf(String.fromCharCode(last));
  const nonZeroPadding = `${digest.slice(0, -2)}${alphabet[index ^ 1]}=`;
  assert.ok(Buffer.from(nonZeroPadding, "base64").equals(Buffer.from(digest, "base64")), "the twin decodes leniently to the same MAC");
  return [
    ["junk appended", `${digest}!!`],
    ["junk inside", `${digest.slice(0, 8)}*${digest.slice(8)}`],
    ["padding dropped", digest.slice(0, -1)],
    ["extra padding", `${digest}==`],
    ["non-zero padding bits", nonZeroPadding],
  ];
}

describe("verifiers refuse what only a lenient parser would accept", () => {
  it("stripe: only v1= entries are signatures; a header whose only signature is v0=<valid HMAC> is refused", () => {
    const request = signed("stripe", Buffer.from('{"id":"evt_1"}'));
    const header = request.headers["stripe-signature"]!;
    assert.equal(verify("stripe", request).ok, true, "the v1 form verifies");
    for (const version of ["v0", "v2", "V1", "v", ""]) {
      const other = header.replace(",v1=", `,${version}=`);
      const verdict = verify("stripe", { ...request, headers: { ...request.headers, "stripe-signature": other } });
      assert.equal(verdict.ok, false, `${version}= counted as a signature`);
    }
  });

  for (const [scheme, header, pattern] of BASE64_SITES) {
    it(`${scheme}: a valid signature in non-canonical or junk-padded base64 is refused (strict decoding)`, () => {
      const body = scheme === "twilio" ? Buffer.from("Body=hi&From=%2B15551230000") : Buffer.from('{"id":"evt_1"}');
      const request = signed(scheme, body, scheme === "twilio" ? "application/x-www-form-urlencoded" : "application/json");
      assert.equal(verify(scheme, request).ok, true, "the canonical form verifies");
      const [, prefix, digest] = pattern.exec(request.headers[header]!)!;
      for (const [label, twin] of lenientTwins(digest!)) {
        const verdict = verify(scheme, { ...request, headers: { ...request.headers, [header]: `${prefix}${twin}` } });
        assert.equal(verdict.ok, false, `${label}: ${twin}`);
      }
    });
  }

  it("decodeBase64 answers only for canonical base64, and round-trips it", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 4 }), (bytes, junk) => {
        const canonical = Buffer.from(bytes).toString("base64");
        assert.ok(decodeBase64(canonical)?.equals(Buffer.from(bytes)));
        const text = canonical + junk;
        if (Buffer.from(Buffer.from(text, "base64")).toString("base64") !== text) assert.equal(decodeBase64(text), undefined, JSON.stringify(text));
      }),
    );
  });
});

describe("a verifier that throws is a rejection, never an exception", () => {
  const throwing: Verifier = {
    scheme: "github",
    prepare: (secrets) => secrets,
    verify() {
      throw new TypeError("bug on hostile input");
    },
  };

  it("verifySafely turns any throw into a 401 bad_signature", () => {
    for (const thrown of [new TypeError("x"), new RangeError("y"), "a string", undefined]) {
      const verifier: Verifier = { ...throwing, verify: () => { throw thrown; } };
      const verdict = verifySafely(verifier, { headers: {}, body: Buffer.alloc(0), url: ENDPOINT, nowSeconds: NOW_SECONDS }, []);
      assert.deepEqual(verdict.ok ? "accepted" : [verdict.status, verdict.reason], [401, "bad_signature"]);
    }
  });
});

describe("byte comparison and decoding never throw on hostile input", () => {
  it("constantTimeEqual: different lengths are unequal, never an exception (timingSafeEqual alone throws)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        assert.equal(constantTimeEqual(a, b), Buffer.from(a).equals(Buffer.from(b)));
      }),
    );
    assert.equal(constantTimeEqual(Buffer.alloc(32), Buffer.alloc(31)), false);
  });

  it("decodeHex answers only for whole hex pairs (Buffer.from(s, 'hex') stops silently at junk)", () => {
    assert.deepEqual(decodeHex("00ff"), Buffer.from([0, 255]));
    for (const junk of ["0", "00f", "zz", "00 ff", "00ffzz", "0x00"]) assert.equal(decodeHex(junk), undefined, junk);
  });
});
