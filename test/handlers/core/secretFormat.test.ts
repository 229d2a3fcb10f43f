import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { MIN_SECRET_LENGTH, secretProblem } from "../../../handlers/core/verify/secretFormat";
import { SCHEMES } from "../../../handlers/core/verify/types";
import { newSecret } from "../../../local/sign";
import { arbSecret, HMAC_OPTIONS } from "../../helpers/arbitraries";

describe("secret format per scheme (secretProblem)", () => {
  it("secrets in each provider's format are accepted, including the ones npm start generates", () => {
    for (const scheme of SCHEMES) {
      fc.assert(fc.property(arbSecret(scheme), (secret) => assert.equal(secretProblem(scheme, secret), undefined, `${scheme}: ${secret}`)), { numRuns: 30 });
      for (let i = 0; i < 20; i++) assert.equal(secretProblem(scheme, newSecret(scheme, randomBytes)), undefined, scheme);
    }
  });

  it("blank, one-character and whitespace-padded secrets are refused for every scheme", () => {
    for (const scheme of SCHEMES) {
      for (const secret of ["", " ", "x", "\n", " whsec_abc", "0123456789abcdef0123456789abcdef\n"]) {
        assert.ok(secretProblem(scheme, secret), `${scheme}: ${JSON.stringify(secret)}`);
      }
    }
  });

  it("each scheme's shape: Stripe whsec_, Twilio 32 hex, Standard Webhooks base64 keys, a minimum length elsewhere", () => {
    assert.ok(secretProblem("stripe", "sk_live_0123456789"));
    assert.ok(secretProblem("stripe", "whsec_short"));
    assert.equal(secretProblem("stripe", "whsec_0123456789"), undefined);
    assert.ok(secretProblem("twilio", "12345"));
    assert.ok(secretProblem("twilio", "g123456789abcdef0123456789abcdef"));
    assert.equal(secretProblem("twilio", "0123456789ABCDEF0123456789abcdef"), undefined);
    assert.ok(secretProblem("standard-webhooks", "whsec_notbase64!"));
    assert.ok(secretProblem("standard-webhooks", `whpk_${Buffer.alloc(31).toString("base64")}`));
    for (const scheme of ["github", "shopify", "slack", "hmac-sha256"] as const) {
      assert.ok(secretProblem(scheme, "x".repeat(MIN_SECRET_LENGTH - 1)), scheme);
      assert.equal(secretProblem(scheme, "x".repeat(MIN_SECRET_LENGTH)), undefined, scheme);
    }
  });

  it("the message never contains the secret", () => {
    fc.assert(
      // Each secret ends in a character no message text holds, so finding it means the secret was echoed (a bare
      // "key" or "hex" would also be found in the messages' own words: that failed a run).
      fc.property(fc.constantFrom(...SCHEMES), fc.string({ minLength: 3, maxLength: 40 }).map((s) => `${s}\u00a7`), (scheme, secret) => {
        const problem = secretProblem(scheme, secret);
        if (problem) assert.ok(!problem.includes(secret.trim()), problem);
      }),
    );
  });

  it("every verifier's prepare refuses a secret secretProblem refuses, naming its position only", () => {
    for (const scheme of SCHEMES) {
      const verifier = createVerifier({ scheme, toleranceSeconds: 300, hmac: HMAC_OPTIONS });
      const good = newSecret(scheme, randomBytes);
      assert.doesNotThrow(() => verifier.prepare([good]), scheme);
      assert.throws(() => verifier.prepare([good, "x"]), (error: Error) => error.message.startsWith("secret #1:") && !error.message.includes(good), scheme);
      assert.throws(() => verifier.prepare([]), scheme);
    }
  });
});
