// Verifier limits at their exact boundary, and the forms a valid request legitimately takes: several signatures
// of which one is right (rotation), Twilio's URL with and without the default port, key sizes.
import assert from "node:assert/strict";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { formParamCountAtLeast, twilioUrlVariants } from "../../../handlers/core/verify/twilio";
import { SIGNATURE_LIMITS, type SchemeName, type VerifyRequest } from "../../../handlers/core/verify/types";
import { signRequest, twilioSignature } from "../../../local/sign";
import { ENDPOINT, HMAC_OPTIONS, NOW_SECONDS, TOLERANCE } from "../../helpers/arbitraries";

const WHSEC = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const SECRETS: Partial<Record<SchemeName, string>> = { "standard-webhooks": WHSEC, stripe: "whsec_test_secret", twilio: "0123456789abcdef0123456789abcdef" };

function signed(scheme: SchemeName, extra: { url?: string; contentType?: string; deliveryId?: string } = {}): VerifyRequest {
  const body = Buffer.from(extra.contentType === "application/x-www-form-urlencoded" ? "Body=hi" : '{"id":"evt_1"}');
  const request = signRequest({ scheme, secret: SECRETS[scheme]!, body, contentType: extra.contentType ?? "application/json", nowSeconds: NOW_SECONDS, url: extra.url ?? ENDPOINT, hmac: HMAC_OPTIONS, deliveryId: extra.deliveryId });
  return { headers: request.headers, body, url: request.url, nowSeconds: NOW_SECONDS };
}

function ok(scheme: SchemeName, request: VerifyRequest, headers: Record<string, string> = {}, secret = SECRETS[scheme]!): boolean {
  const verifier = createVerifier({ scheme, toleranceSeconds: TOLERANCE, hmac: HMAC_OPTIONS });
  return verifier.verify({ ...request, headers: { ...request.headers, ...headers } }, verifier.prepare([secret])).ok;
}

const wrongHex = "ab".repeat(32);
const wrongB64 = Buffer.alloc(32, 1).toString("base64");

describe("verifier boundaries", () => {
  it("a header of exactly the length limit is verified; one character more is refused", () => {
    const max = SIGNATURE_LIMITS.maxHeaderLength;
    const stripe = signed("stripe");
    const header = stripe.headers["stripe-signature"]!;
    assert.equal(ok("stripe", stripe, { "stripe-signature": header + ",".repeat(max - header.length) }), true, "padded to exactly the limit");
    assert.equal(ok("stripe", stripe, { "stripe-signature": header + ",".repeat(max - header.length + 1) }), false);
    const sw = signed("standard-webhooks");
    const sig = sw.headers["webhook-signature"]!;
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": sig + " ".repeat(max - sig.length) }), true);
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": sig + " ".repeat(max - sig.length + 1) }), false);
  });

  it("exactly the maximum number of distinct signatures, one of them right, verifies (rotation), in any position", () => {
    const stripe = signed("stripe");
    const [t, v1] = stripe.headers["stripe-signature"]!.split(",");
    const wrong = Array.from({ length: SIGNATURE_LIMITS.maxEntries - 1 }, (_, i) => `v1=${i.toString(16).padStart(64, "0")}`);
    assert.equal(ok("stripe", stripe, { "stripe-signature": [t, ...wrong, v1].join(",") }), true, "right one last");
    assert.equal(ok("stripe", stripe, { "stripe-signature": [t, v1, ...wrong].join(",") }), true, "right one first");
    const sw = signed("standard-webhooks");
    const right = sw.headers["webhook-signature"]!;
    const others = Array.from({ length: SIGNATURE_LIMITS.maxEntries - 1 }, (_, i) => `v1,${Buffer.alloc(32, i + 1).toString("base64")}`);
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": [...others, right].join(" ") }), true);
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": [right, ...others].join(" ") }), true);
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": `v1,${wrongB64} v1a,${wrongB64}` }), false);
    assert.equal(ok("stripe", stripe, { "stripe-signature": `${t},v1=${wrongHex}` }), false);
  });

  it("standard-webhooks: entries without a version, unknown versions and v1a entries of the wrong length are skipped", () => {
    const sw = signed("standard-webhooks");
    const right = sw.headers["webhook-signature"]!;
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": `garbage v2,${wrongB64} ${right}` }), true);
    assert.equal(ok("standard-webhooks", sw, { "webhook-signature": `v1a,${right.slice(3)}` }), false, "a v1 MAC is not a v1a signature");
  });

  it("standard-webhooks: webhook-id up to 256 characters; whsec_ keys of 24 to 64 bytes, whpk_ keys of exactly 32", () => {
    const body = Buffer.from("{}");
    for (const [length, expected] of [[256, true], [257, false]] as const) {
      const request = signRequest({ scheme: "standard-webhooks", secret: WHSEC, body, nowSeconds: NOW_SECONDS, url: ENDPOINT, deliveryId: "i".repeat(length) });
      assert.equal(ok("standard-webhooks", { headers: request.headers, body, url: request.url, nowSeconds: NOW_SECONDS }), expected, `webhook-id of ${length}`);
    }
    const verifier = createVerifier({ scheme: "standard-webhooks", toleranceSeconds: TOLERANCE });
    for (const bytes of [24, 64]) assert.doesNotThrow(() => verifier.prepare([`whsec_${Buffer.alloc(bytes, 1).toString("base64")}`]), `${bytes} bytes`);
    for (const bytes of [23, 65]) assert.throws(() => verifier.prepare([`whsec_${Buffer.alloc(bytes, 1).toString("base64")}`]), /24\.\.64 bytes/, `${bytes} bytes`);
    assert.doesNotThrow(() => verifier.prepare([`whpk_${Buffer.alloc(32, 1).toString("base64")}`]));
    for (const bytes of [31, 33]) assert.throws(() => verifier.prepare([`whpk_${Buffer.alloc(bytes, 1).toString("base64")}`]), /32 bytes/, `${bytes} bytes`);
  });

  it("twilio: the URL is tried with and without the scheme's default port, never with another port", () => {
    assert.deepEqual(twilioUrlVariants("https://h.example/p?q=1"), ["https://h.example/p?q=1", "https://h.example:443/p?q=1"]);
    assert.deepEqual(twilioUrlVariants("https://h.example:443/p"), ["https://h.example:443/p", "https://h.example/p"]);
    assert.deepEqual(twilioUrlVariants("http://h.example/p"), ["http://h.example/p", "http://h.example:80/p"]);
    assert.deepEqual(twilioUrlVariants("https://h.example:8443/p"), ["https://h.example:8443/p"]);
    assert.deepEqual(twilioUrlVariants("https://u:pw@h.example/p"), ["https://u:pw@h.example/p", "https://u:pw@h.example:443/p"]);
    assert.deepEqual(twilioUrlVariants("not a url"), ["not a url"]);
    const form = "application/x-www-form-urlencoded";
    const withPort = signed("twilio", { url: "https://abc123.lambda-url.eu-west-1.on.aws:443/", contentType: form });
    assert.equal(ok("twilio", { ...withPort, url: ENDPOINT }), true, "signed with :443, arrived without");
  });

  it("twilio: a signature header with surrounding spaces still verifies; form parameters are counted by '&'", () => {
    const request = signed("twilio", { contentType: "application/x-www-form-urlencoded" });
    assert.equal(ok("twilio", request, { "x-twilio-signature": ` ${request.headers["x-twilio-signature"]} ` }), true);
    assert.equal(ok("twilio", request, { "x-twilio-signature": twilioSignature(SECRETS.twilio!, ENDPOINT, "Bodybye") }), false);
    assert.deepEqual(["", "a=1", "a=1&b=2", "&", "&&&"].map((b) => formParamCountAtLeast(Buffer.from(b), 10)), [0, 1, 2, 2, 4]);
    assert.equal(formParamCountAtLeast(Buffer.from("a&".repeat(100)), 3), 4, "counting stops past the limit");
  });
});
