// Every refusal of a verifier says which header is wrong and why, with the status and reason code the ingest
// answers: a sender's operator reads these (response body, logs) to fix their integration.
import assert from "node:assert/strict";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { SIGNATURE_LIMITS, type SchemeName, type VerifyRequest } from "../../../handlers/core/verify/types";
import { signRequest } from "../../../local/sign";
import { ENDPOINT, HMAC_OPTIONS, NOW_SECONDS, SCHEME_SECRETS as SECRETS, TOLERANCE } from "../../helpers/arbitraries";


function signed(scheme: SchemeName, contentType = "application/json"): VerifyRequest {
  const body = Buffer.from(contentType === "application/json" ? '{"id":"evt_1"}' : "Body=hi");
  const request = signRequest({ scheme, secret: SECRETS[scheme]!, body, contentType, nowSeconds: NOW_SECONDS, url: ENDPOINT, hmac: HMAC_OPTIONS });
  return { headers: request.headers, body, url: request.url, nowSeconds: NOW_SECONDS };
}

function verdictOf(scheme: SchemeName, request: VerifyRequest, headers: Record<string, string | undefined> = {}) {
  const verifier = createVerifier({ scheme, toleranceSeconds: TOLERANCE, hmac: HMAC_OPTIONS });
  const verdict = verifier.verify({ ...request, headers: { ...request.headers, ...headers } }, verifier.prepare([SECRETS[scheme]!]));
  return verdict.ok ? "accepted" : [verdict.status, verdict.reason, verdict.message];
}

/** "<header>: <why>" as the verifiers word it: "<header> header is malformed: <why>". */
const malformed = (text: string) => text.replace(/^([^:]+): /, "$1 header is malformed: ");

const long = "x".repeat(SIGNATURE_LIMITS.maxHeaderLength + 1);

describe("verifier refusals name the header and the reason", () => {
  it("a missing header: 400 missing_header, 'missing <name> header'", () => {
    const cases: [SchemeName, string][] = [
      ["standard-webhooks", "webhook-id"], ["standard-webhooks", "webhook-timestamp"], ["standard-webhooks", "webhook-signature"],
      ["stripe", "stripe-signature"], ["github", "x-hub-signature-256"], ["shopify", "x-shopify-hmac-sha256"],
      ["slack", "x-slack-signature"], ["slack", "x-slack-request-timestamp"], ["twilio", "x-twilio-signature"], ["hmac-sha256", "x-signature"],
    ];
    for (const [scheme, header] of cases) assert.deepEqual(verdictOf(scheme, signed(scheme), { [header]: undefined }), [400, "missing_header", `missing ${header} header`], `${scheme} ${header}`);
  });

  it("a malformed header: 400 malformed_header, naming the header and what was expected", () => {
    const cases: [SchemeName, Record<string, string>, string][] = [
      ["standard-webhooks", { "webhook-id": "a.b" }, "webhook-id: must not contain '.' or exceed 256 characters"],
      ["standard-webhooks", { "webhook-signature": long }, `webhook-signature: longer than ${SIGNATURE_LIMITS.maxHeaderLength} characters`],
      ["standard-webhooks", { "webhook-timestamp": "soon" }, "webhook-timestamp: expected unix seconds"],
      ["stripe", { "stripe-signature": long }, `stripe-signature: longer than ${SIGNATURE_LIMITS.maxHeaderLength} characters`],
      ["stripe", { "stripe-signature": "v1=00" }, "stripe-signature: no t= timestamp"],
      ["stripe", { "stripe-signature": `t=${NOW_SECONDS}` }, "stripe-signature: no v1= signature"],
      ["stripe", { "stripe-signature": `t=${NOW_SECONDS},v1=zz` }, "stripe-signature: no v1= signature"],
      ["slack", { "x-slack-signature": "v1=00" }, "x-slack-signature: expected v0=<hex>"],
      ["slack", { "x-slack-signature": "v0=zz" }, "x-slack-signature: expected v0=<hex>"],
      ["github", { "x-hub-signature-256": "md5=00" }, "x-hub-signature-256: expected prefix 'sha256='"],
      ["github", { "x-hub-signature-256": "sha256=zz" }, "x-hub-signature-256: expected hex digest"],
      ["shopify", { "x-shopify-hmac-sha256": "!!" }, "x-shopify-hmac-sha256: expected base64 digest"],
      ["twilio", { "x-twilio-signature": "!!" }, "x-twilio-signature: expected base64"],
    ];
    for (const [scheme, headers, message] of cases) {
      const verdict = verdictOf(scheme, signed(scheme), headers);
      assert.equal(verdict === "accepted" ? "accepted" : verdict[0], 400, `${scheme} ${message}`);
      assert.equal(verdict === "accepted" ? "accepted" : verdict[1], "malformed_header", `${scheme} ${message}`);
      assert.equal(verdict === "accepted" ? "accepted" : verdict[2], malformed(message));
    }
  });

  it("too many distinct signatures: 400, naming the limit", () => {
    const many = Array.from({ length: SIGNATURE_LIMITS.maxEntries + 1 }, (_, i) => i.toString(16).padStart(64, "0"));
    const stripe = verdictOf("stripe", signed("stripe"), { "stripe-signature": `t=${NOW_SECONDS},${many.map((s) => `v1=${s}`).join(",")}` });
    assert.deepEqual(stripe, [400, "malformed_header", malformed(`stripe-signature: more than ${SIGNATURE_LIMITS.maxEntries} distinct v1 signatures`)]);
    const b64 = many.map((s) => `v1,${Buffer.from(s, "hex").toString("base64")}`).join(" ");
    assert.deepEqual(verdictOf("standard-webhooks", signed("standard-webhooks"), { "webhook-signature": b64 }), [400, "malformed_header", malformed(`webhook-signature: more than ${SIGNATURE_LIMITS.maxEntries} distinct signatures`)]);
    const exactly = many.slice(1).map((s) => `v1=${s}`).join(",");
    assert.deepEqual(verdictOf("stripe", signed("stripe"), { "stripe-signature": `t=${NOW_SECONDS},${exactly}` })[1], "bad_signature", "exactly the limit is still verified");
  });

  it("a wrong signature: 401 bad_signature 'no signature matched any active secret'; a stale one names the tolerance", () => {
    for (const scheme of Object.keys(SECRETS) as SchemeName[]) {
      const request = scheme === "twilio" ? signed(scheme, "application/x-www-form-urlencoded") : signed(scheme);
      assert.deepEqual(verdictOf(scheme, { ...request, body: Buffer.from(scheme === "twilio" ? "Body=bye" : '{"id":"evt_2"}') }), [401, "bad_signature", "no signature matched any active secret"], scheme);
    }
    assert.deepEqual(verdictOf("twilio", { ...signed("twilio"), body: Buffer.from('{"id":"evt_2"}') }), [401, "bad_signature", "body does not match the signed bodySHA256"]);
    const stale = signed("slack");
    assert.deepEqual(verdictOf("slack", { ...stale, nowSeconds: NOW_SECONDS + TOLERANCE + 1 }), [401, "timestamp_out_of_tolerance", `x-slack-request-timestamp is outside the ${TOLERANCE}s tolerance`]);
    assert.deepEqual(verdictOf("stripe", { ...signed("stripe"), nowSeconds: NOW_SECONDS - TOLERANCE - 1 }), [401, "timestamp_out_of_tolerance", `stripe-signature t is outside the ${TOLERANCE}s tolerance`]);
  });

  it("malformed or wrong, as before the form checks moved after the HMAC: one well-formed wrong value makes it wrong; a malformed header wins over a malformed body", () => {
    const wrongHex = "ab".repeat(32);
    assert.deepEqual(verdictOf("stripe", signed("stripe"), { "stripe-signature": `t=${NOW_SECONDS},v1=zz,v1=${wrongHex}` }), [401, "bad_signature", "no signature matched any active secret"]);
    assert.deepEqual(verdictOf("stripe", signed("stripe"), { "stripe-signature": `t=${NOW_SECONDS},v1=zz,v1=${wrongHex.slice(1)}` })[1], "malformed_header", "odd-length hex is malformed");
    assert.deepEqual(verdictOf("slack", signed("slack"), { "x-slack-signature": `v0=${wrongHex}` }), [401, "bad_signature", "no signature matched any active secret"]);
    assert.deepEqual(verdictOf("twilio", signed("twilio"), { "x-twilio-signature": Buffer.alloc(20, 1).toString("base64") }), [401, "bad_signature", "no signature matched any active secret"]);
    assert.deepEqual(verdictOf("twilio", signed("twilio"), { "x-twilio-signature": ` ${Buffer.alloc(20, 1).toString("base64")}\t` }), [401, "bad_signature", "no signature matched any active secret"], "its form is judged trimmed");
    // A form of more parameters than the limit: the header's own fault is named first, as when it was checked first.
    const form = signed("twilio", "application/x-www-form-urlencoded");
    const tooMany = { ...form, body: Buffer.from(Array.from({ length: SIGNATURE_LIMITS.maxFormParams + 1 }, (_, i) => `p${i}=1`).join("&")) };
    assert.deepEqual(verdictOf("twilio", tooMany, { "x-twilio-signature": "!!" })[1], "malformed_header");
    assert.deepEqual(verdictOf("twilio", tooMany)[1], "malformed_body");
  });
});
