// Twilio (handlers/core/verify/twilio.ts): what selects the signed string. bodySHA256 comes from the URL's query
// only, and a body it binds is never parsed (or counted) as form parameters; the URL is tried with and without
// the default port of http(s) only.
// https://www.twilio.com/docs/usage/webhooks/webhooks-security
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { twilioUrlVariants } from "../../../handlers/core/verify/twilio";
import { SIGNATURE_LIMITS, type Verdict } from "../../../handlers/core/verify/types";
import { signRequest } from "../../../local/sign";
import { ENDPOINT, NOW_SECONDS, TOLERANCE } from "../../helpers/arbitraries";

const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
const FORM = "application/x-www-form-urlencoded";

function verifySigned(body: Buffer, url: string, contentType: string): Verdict {
  const signed = signRequest({ scheme: "twilio", secret: AUTH_TOKEN, body, contentType, nowSeconds: NOW_SECONDS, url });
  const verifier = createVerifier({ scheme: "twilio", toleranceSeconds: TOLERANCE });
  return verifier.verify({ headers: signed.headers, body, url: signed.url, nowSeconds: NOW_SECONDS }, verifier.prepare([AUTH_TOKEN]));
}

const outcome = (verdict: Verdict) => (verdict.ok ? "accepted" : verdict.message);

describe("twilio: what selects the signed string", () => {
  it("bodySHA256 is read from the query only: a path that spells it still signs the form parameters", () => {
    const body = Buffer.from("Body=hello&From=%2B15550001111");
    const hash = createHash("sha256").update(body).digest("hex");
    assert.equal(outcome(verifySigned(body, `${ENDPOINT}hook&bodySHA256=${hash}`, FORM)), "accepted");
    assert.equal(outcome(verifySigned(body, `${ENDPOINT}hook;bodySHA256=${hash}`, FORM)), "accepted");
  });

  it("a body bound by bodySHA256 is not counted as form parameters: one with more '&' than the limit verifies", () => {
    const body = Buffer.from(JSON.stringify({ note: "&".repeat(SIGNATURE_LIMITS.maxFormParams + 1) }));
    assert.equal(outcome(verifySigned(body, ENDPOINT, "application/json")), "accepted");
    // The same bytes as a form body are refused before parsing.
    const formBody = Buffer.from("a=1&".repeat(SIGNATURE_LIMITS.maxFormParams + 1));
    assert.equal(outcome(verifySigned(formBody, ENDPOINT, FORM)), `more than ${SIGNATURE_LIMITS.maxFormParams} form parameters`);
  });

  it("only http and https have a default port: a URL of any other scheme, or with another port, is tried as given", () => {
    assert.deepEqual(twilioUrlVariants("ftp://h.example/p"), ["ftp://h.example/p"]);
    assert.deepEqual(twilioUrlVariants("wss://h.example/p?q=1"), ["wss://h.example/p?q=1"]);
    assert.deepEqual(twilioUrlVariants("http://h.example:8080/p"), ["http://h.example:8080/p"]);
    assert.deepEqual(twilioUrlVariants("http://h.example:80/p"), ["http://h.example:80/p", "http://h.example/p"]);
    assert.deepEqual(twilioUrlVariants("https://u@h.example/p#f"), ["https://u@h.example/p#f", "https://u@h.example:443/p#f"]);
  });
});
