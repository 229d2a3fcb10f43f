// Small verifier helpers at their boundaries (handlers/core/verify/types.ts, secretFormat.ts): which ids are
// usable as event ids, how delivery ids are capped, scheme names, and secret shapes at their exact limits.
import assert from "node:assert/strict";
import { assertSecrets, secretProblem } from "../../../handlers/core/verify/secretFormat";
import { cappedDeliveryId, isSchemeName, isTenantScheme, MAX_ID_LENGTH, SCHEMES, usableId } from "../../../handlers/core/verify/types";

describe("verifier helpers", () => {
  it("an event id is usable when non-empty and at most MAX_ID_LENGTH characters", () => {
    assert.equal(usableId("x".repeat(MAX_ID_LENGTH)), "x".repeat(MAX_ID_LENGTH));
    assert.equal(usableId("x".repeat(MAX_ID_LENGTH + 1)), undefined);
    assert.equal(usableId(""), undefined);
    assert.equal(usableId(undefined), undefined);
  });

  it("a delivery id is cut to MAX_ID_LENGTH, and an empty one is none", () => {
    assert.equal(cappedDeliveryId("d".repeat(MAX_ID_LENGTH + 5)), "d".repeat(MAX_ID_LENGTH));
    assert.equal(cappedDeliveryId("d-1"), "d-1");
    assert.equal(cappedDeliveryId(""), undefined);
    assert.equal(cappedDeliveryId(undefined), undefined);
  });

  it("scheme names: exactly the coded schemes; tenant schemes add presets and custom; nothing else, no non-strings", () => {
    for (const scheme of SCHEMES) assert.ok(isSchemeName(scheme) && isTenantScheme(scheme), scheme);
    assert.equal(isTenantScheme("custom"), true);
    assert.equal(isSchemeName("custom"), false);
    for (const other of ["", "GITHUB", "md5", 5, null, undefined, ["github"]]) {
      assert.equal(isSchemeName(other), false, String(other));
      assert.equal(isTenantScheme(other), false, String(other));
    }
  });

  it("secret shapes at their exact limits: whsec_ 24..64 bytes, whpk_ 32, Stripe 8 characters after whsec_, 8 elsewhere", () => {
    const whsec = (bytes: number) => `whsec_${Buffer.alloc(bytes, 1).toString("base64")}`;
    assert.deepEqual([23, 24, 64, 65].map((n) => secretProblem("standard-webhooks", whsec(n))), ["whsec_ key must be 24..64 bytes of base64", undefined, undefined, "whsec_ key must be 24..64 bytes of base64"]);
    assert.equal(secretProblem("standard-webhooks", Buffer.alloc(32, 1).toString("base64")), undefined, "the bare base64 key, as the reference library accepts");
    assert.deepEqual([31, 32].map((n) => secretProblem("standard-webhooks", `whpk_${Buffer.alloc(n, 1).toString("base64")}`)), ["whpk_ key must be 32 bytes of base64", undefined]);
    assert.deepEqual(["whsec_1234567", "whsec_12345678"].map((s) => secretProblem("stripe", s)), ["a Stripe endpoint secret has at least 8 characters after whsec_", undefined]);
    assert.deepEqual(["1234567", "12345678"].map((s) => secretProblem("github", s)), ["must be at least 8 characters", undefined]);
    for (const blank of ["", "   ", "\t"]) assert.equal(secretProblem("github", blank), "is blank");
    assert.equal(secretProblem("github", " 12345678"), "has leading or trailing whitespace");
    assert.throws(() => assertSecrets("github", []), /^Error: no secret configured$/);
    assert.throws(() => assertSecrets("github", ["12345678", "short"]), /^Error: secret #1: must be at least 8 characters$/);
  });
});
