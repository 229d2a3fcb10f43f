// Small verifier helpers at their boundaries (handlers/core/verify/types.ts, secretFormat.ts): which ids are
// usable as event ids, how delivery ids are capped, scheme names, and secret shapes at their exact limits.
import assert from "node:assert/strict";
import { ConfigError } from "../../../handlers/core/errors";
import { createVerifier, secretProblemFor, verifyGetSafely, verifySafely } from "../../../handlers/core/verify/registry";
import { assertSecrets, secretProblem } from "../../../handlers/core/verify/secretFormat";
import { signRequest } from "../../../local/sign";
import { ENDPOINT, HMAC_OPTIONS, NOW_SECONDS, TOLERANCE } from "../../helpers/arbitraries";
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
    // A secrets file is JSON: a value that is not a string is refused like a blank one, never with a TypeError.
    for (const notText of [12345678, null, undefined, { secret: "12345678" }]) assert.equal(secretProblem("github", notText as never), "is blank", String(notText));
    assert.throws(() => assertSecrets("github", []), /^Error: no secret configured$/);
    assert.throws(() => assertSecrets("github", ["12345678", "short"]), /^Error: secret #1: must be at least 8 characters$/);
  });
});

describe("verifier construction and scheme-specific outcomes", () => {
  it("an unknown scheme, or hmac-sha256 without its settings, is a ConfigError", () => {
    assert.throws(() => createVerifier({ scheme: "md5" as never, toleranceSeconds: 300 }), (error: unknown) => error instanceof ConfigError && /unknown scheme 'md5'/.test(error.message));
    assert.throws(() => createVerifier({ scheme: "hmac-sha256", toleranceSeconds: 300 }), (error: unknown) => error instanceof ConfigError && /needs hmac settings/.test(error.message));
    // Whatever the value (config is JSON, but the check takes unknown), the error is a ConfigError naming it.
    for (const [scheme, named] of [[5, "5"], [null, "null"], [Symbol("s"), "Symbol(s)"], [["github"], "github"]] as const) {
      assert.throws(() => createVerifier({ scheme: scheme as never, toleranceSeconds: 300 }), (error: unknown) => error instanceof ConfigError && error.message === `unknown scheme '${named}'`, named);
    }
  });

  it("slack: only url_verification with a non-empty challenge is a handshake; other signed events are events, keyed by event_id", () => {
    const verify = (payload: object) => {
      const body = Buffer.from(JSON.stringify(payload));
      const signed = signRequest({ scheme: "slack", secret: "slack-secret", body, nowSeconds: NOW_SECONDS, url: ENDPOINT });
      const verifier = createVerifier({ scheme: "slack", toleranceSeconds: TOLERANCE });
      return verifier.verify({ headers: signed.headers, body, url: signed.url, nowSeconds: NOW_SECONDS }, verifier.prepare(["slack-secret"]));
    };
    const handshake = verify({ type: "url_verification", challenge: "c-1" });
    assert.ok(handshake.ok && handshake.handshake?.body === "c-1");
    for (const payload of [{ type: "event_callback", event_id: "Ev1", challenge: "c-1" }, { type: "url_verification", challenge: "" }, { type: "url_verification" }]) {
      const verdict = verify(payload);
      assert.ok(verdict.ok && verdict.handshake === undefined, JSON.stringify(payload));
    }
    const event = verify({ type: "event_callback", event_id: "Ev1" });
    assert.ok(event.ok && event.eventId === "Ev1");
  });

  it("slack: the body is read from its end up to the last top-level event_id, which is the id; a handshake, which has none, is read whole", () => {
    const verify = (text: string) => {
      const body = Buffer.from(text);
      const signed = signRequest({ scheme: "slack", secret: "slack-secret", body, nowSeconds: NOW_SECONDS, url: ENDPOINT });
      const verifier = createVerifier({ scheme: "slack", toleranceSeconds: TOLERANCE });
      const verdict = verifier.verify({ headers: signed.headers, body, url: signed.url, nowSeconds: NOW_SECONDS }, verifier.prepare(["slack-secret"]));
      assert.ok(verdict.ok, text);
      return verdict;
    };
    // Slack's own order: the wrapper's type and event_id after the event, which holds members of the same names.
    const slackOrder = '{"token":"t","event":{"type":"message","event_id":"inner","text":"\\"event_id\\":\\"x\\""},"type":"event_callback","event_id":"Ev1","event_time":1}';
    assert.equal(verify(slackOrder).eventId, "Ev1");
    assert.equal(verify('{"event_id":"Ev0","event":{},"type":"event_callback","event_id":"Ev1"}').eventId, "Ev1", "JSON.parse's answer: the last");
    assert.equal(verify('{"event_id":"Ev1","type":"event_callback","event":{"event_id":"inner"}}').eventId, "Ev1", "before the event: read past it");
    assert.match(verify('{"event_id":"Ev1","event_id":7,"type":"event_callback"}').eventId, /^sha256:[0-9a-f]{64}$/, "a non-string last event_id: the body hash");
    // A body that is not a JSON object (Slack also signs form bodies, which carry users' text) has no event_id,
    // whatever its end spells.
    assert.match(verify('token=t&text=hi&x=,"event_id":"Ev0FORM"}').eventId, /^sha256:[0-9a-f]{64}$/, "a form body: the body hash");
    // A type after the event_id is met before the scan stops: url_verification there is a handshake, read whole so
    // the challenge before them is found.
    const handshake = verify('{"challenge":"c-1","event_id":"Ev1","type":"url_verification"}');
    assert.equal(handshake.ok && handshake.handshake?.body, "c-1");
    const plain = verify('{"token":"t","challenge":"c-2","type":"url_verification"}');
    assert.equal(plain.ok && plain.handshake?.body, "c-2");
    // A type before the event_id is not read: the body is an event (Slack's handshakes carry no event_id).
    const event = verify('{"type":"url_verification","challenge":"c-3","event_id":"Ev3"}');
    assert.ok(event.ok && event.handshake === undefined && event.eventId === "Ev3");
  });

  it("hmac-sha256: no header is taken as a delivery id; shopify's webhook id is", () => {
    const body = Buffer.from("{}");
    const generic = signRequest({ scheme: "hmac-sha256", secret: "generic-secret", body, nowSeconds: NOW_SECONDS, url: ENDPOINT, hmac: HMAC_OPTIONS, deliveryId: "d-1" });
    const verifier = createVerifier({ scheme: "hmac-sha256", toleranceSeconds: TOLERANCE, hmac: HMAC_OPTIONS });
    const verdict = verifier.verify({ headers: { ...generic.headers, "x-shopify-webhook-id": "d-2" }, body, url: ENDPOINT, nowSeconds: NOW_SECONDS }, verifier.prepare(["generic-secret"]));
    assert.ok(verdict.ok && verdict.deliveryId === undefined);
    const shopify = signRequest({ scheme: "shopify", secret: "shop-secret", body, nowSeconds: NOW_SECONDS, url: ENDPOINT, deliveryId: "d-3" });
    const shop = createVerifier({ scheme: "shopify", toleranceSeconds: TOLERANCE });
    const shopVerdict = shop.verify({ headers: shopify.headers, body, url: ENDPOINT, nowSeconds: NOW_SECONDS }, shop.prepare(["shop-secret"]));
    assert.ok(shopVerdict.ok && shopVerdict.deliveryId === "d-3");
  });
});

describe("secret checks and GET verification guards", () => {
  it("secretProblemFor answers what the verifier's own prepare refuses, without the position prefix; undefined when usable", () => {
    assert.equal(secretProblemFor({ scheme: "github", toleranceSeconds: 300 }, "12345678"), undefined);
    assert.equal(secretProblemFor({ scheme: "github", toleranceSeconds: 300 }, "short"), "must be at least 8 characters");
    assert.equal(secretProblemFor({ scheme: "stripe", toleranceSeconds: 300 }, "sk_live_x"), "a Stripe endpoint secret starts with whsec_");
    // Only the leading position is removed, never the same text inside a message.
    assert.equal(secretProblemFor({ scheme: "secret #0: x" as never, toleranceSeconds: 300 }, "12345678"), "unknown scheme 'secret #0: x'");
  });

  it("verifySafely turns a throwing verification into a 401, never an exception", () => {
    const verifier = { scheme: "github", prepare: (s: readonly string[]) => s, verify: () => { throw new RangeError("bug"); } } as never;
    const verdict = verifySafely(verifier, { headers: {}, body: Buffer.alloc(0), url: ENDPOINT, nowSeconds: NOW_SECONDS }, []);
    assert.deepEqual(verdict.ok ? "accepted" : [verdict.status, verdict.reason, verdict.message], [401, "bad_signature", "signature could not be verified"]);
  });

  it("verifyGetSafely turns a throwing GET verification into a 401, never an exception", () => {
    const verifier = { scheme: "github", prepare: (s: readonly string[]) => s, verify: () => ({ ok: true, eventId: "e", signedHeaders: [] }), verifyGet: () => { throw new TypeError("bug"); } } as never;
    const verdict = verifyGetSafely(verifier, { headers: {}, body: Buffer.alloc(0), url: ENDPOINT, nowSeconds: NOW_SECONDS }, []);
    assert.deepEqual(verdict.ok ? "accepted" : [verdict.status, verdict.reason, verdict.message], [401, "bad_signature", "verification request could not be authenticated"]);
  });
});
