// Preset verifiers at their edges: the secret settings kept out of the signing keys, the description a scheme
// name stands for, and each handshake's refusals (every one answered only when its own authentication held,
// and only with a bounded echo).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { ConfigError } from "../../../handlers/core/errors";
import { parseDescription, prepareDeclarativeKeys, type DeclarativeKeys, type DeclarativeRequest } from "../../../handlers/core/verify/declarative";
import { declarativeVerifier } from "../../../handlers/core/verify/declarativeVerifier";
import { presetNamed, schemeDescription } from "../../../handlers/core/verify/presets";
import { descriptionOf } from "../../../handlers/core/verify/presets/preset";
import type { TenantScheme } from "../../../handlers/core/verify/types";
import { signWithDescription } from "../../../local/signDeclarative";

const NOW = 1_760_000_000;
const URL = "https://abc.lambda-url.eu-west-1.on.aws/";
const get = (url: string, headers: Record<string, string> = {}): DeclarativeRequest => ({ method: "GET", headers, body: Buffer.alloc(0), url, nowSeconds: NOW });

describe("declarative verifiers: presets and custom descriptions", () => {
  it("a custom scheme needs its description; a name that is no preset is refused", () => {
    assert.throws(() => declarativeVerifier({ scheme: "custom", toleranceSeconds: 300 }), (e: unknown) => e instanceof ConfigError && e.message === "scheme custom needs its description");
    assert.throws(() => declarativeVerifier({ scheme: "paypal" as TenantScheme, toleranceSeconds: 300 }), (e: unknown) => e instanceof ConfigError && e.message === "unknown scheme 'paypal'");
  });

  it("the description a scheme stands for: the tenant's own for custom, a preset's with its settings, none for code schemes", () => {
    const custom = parseDescription({ signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } });
    assert.equal(schemeDescription("custom", custom), custom);
    assert.equal(schemeDescription("custom"), undefined);
    assert.equal(schemeDescription("github", custom), undefined);
    assert.equal(schemeDescription("twitch", custom), descriptionOf(presetNamed("twitch")!, {}));
    assert.deepEqual(schemeDescription("square", undefined, { notificationUrl: "https://hooks.example.com/sq" })!.signed, [{ literal: "https://hooks.example.com/sq" }, { body: true }]);
    assert.deepEqual(descriptionOf(presetNamed("square")!, {}).signed, [{ literal: "" }, { body: true }], "no URL configured: nothing before the body");
  });

  it("a custom scheme verifies by the tenant's description", () => {
    const custom = parseDescription({ signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } });
    const verifier = declarativeVerifier({ scheme: "custom", description: custom, toleranceSeconds: 300 });
    const body = Buffer.from("{}");
    const keys = verifier.prepare(["custom-secret-1"]);
    assert.equal(verifier.verify({ headers: { "x-sig": createHmac("sha256", "custom-secret-1").update(body).digest("hex") }, body, url: URL, nowSeconds: NOW }, keys).ok, true);
    assert.equal(verifier.verifyGet, undefined, "no GET verification without a preset that has one");
  });

  describe("secret settings (Meta's verify token) live in the secret list, never among the signing keys", () => {
    const verifier = declarativeVerifier({ scheme: "meta", toleranceSeconds: 300 });

    it("a `<setting>:<value>` entry is a setting; everything else signs", () => {
      assert.deepEqual(verifier.prepare(["app-secret-1", "verifyToken:12345678"]), { keys: { kind: "bytes", keys: [Buffer.from("app-secret-1")] }, secretSettings: { verifyToken: "12345678" } });
      assert.deepEqual(verifier.prepare(["verifyTokenX", "other:value-123", ":verifyToken"]), {
        keys: { kind: "bytes", keys: [Buffer.from("verifyTokenX"), Buffer.from("other:value-123"), Buffer.from(":verifyToken")] },
        secretSettings: {},
      });
    });

    it("a setting of fewer than 8 characters is refused, naming its position", () => {
      assert.throws(() => verifier.prepare(["app-secret-1", "verifyToken:1234567"]), (e: unknown) => e instanceof Error && e.message === "secret #1: verifyToken must be at least 8 characters");
      assert.throws(() => verifier.prepare(["verifyToken:"]), (e: unknown) => e instanceof Error && e.message === "secret #0: verifyToken must be at least 8 characters");
    });

    it("the verify token from the secret list wins over one given as a setting", () => {
      const url = (token: string) => `${URL}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7`;
      const configured = declarativeVerifier({ scheme: "meta", presetSettings: { verifyToken: "from-config-1" }, toleranceSeconds: 300 });
      const onlyConfig = configured.prepare(["app-secret-1"]);
      assert.deepEqual(configured.verifyGet!(get(url("from-config-1")), onlyConfig), { ok: true, eventId: "handshake", signedHeaders: [], handshake: { contentType: "text/plain", body: "7" } });
      const both = configured.prepare(["app-secret-1", "verifyToken:from-secret-1"]);
      assert.equal(configured.verifyGet!(get(url("from-secret-1")), both).ok, true);
      assert.deepEqual(configured.verifyGet!(get(url("from-config-1")), both), { ok: false, status: 401, reason: "bad_signature", message: "verify token does not match" });
    });
  });

  describe("Meta's subscription GET", () => {
    const meta = presetNamed("meta")!;
    const keys = prepareDeclarativeKeys(descriptionOf(meta, {}), ["meta-app-secret"]);
    const settings = { verifyToken: "meta-verify-token" };
    const answer = (query: string, given: Record<string, string> = settings) => meta.getHandshake!(get(`${URL}?${query}`), keys, given);
    const notSubscription = { ok: false, status: 400, reason: "malformed_header", message: "not a Meta subscription request" };
    const noChallenge = { ok: false, status: 400, reason: "malformed_header", message: "hub.challenge missing" };
    const mismatch = { ok: false, status: 401, reason: "bad_signature", message: "verify token does not match" };

    it("only hub.mode=subscribe, and only when the tenant has a verify token", () => {
      assert.deepEqual(answer("hub.mode=unsubscribe&hub.verify_token=meta-verify-token&hub.challenge=1"), notSubscription);
      assert.deepEqual(answer("hub.verify_token=meta-verify-token&hub.challenge=1"), notSubscription);
      assert.deepEqual(answer("hub.mode=subscribe&hub.verify_token=meta-verify-token&hub.challenge=1", {}), notSubscription);
    });

    it("the verify token must match, and be there", () => {
      assert.deepEqual(answer("hub.mode=subscribe&hub.verify_token=meta-verify-tokeN&hub.challenge=1"), mismatch);
      assert.deepEqual(answer("hub.mode=subscribe&hub.challenge=1"), mismatch);
      assert.deepEqual(answer("hub.mode=subscribe&hub.verify_token=&hub.challenge=1"), mismatch);
    });

    it("the challenge is echoed when present and at most 256 characters", () => {
      const token = "hub.mode=subscribe&hub.verify_token=meta-verify-token";
      assert.deepEqual(answer(`${token}&hub.challenge=${"c".repeat(256)}`), { contentType: "text/plain", body: "c".repeat(256) });
      assert.deepEqual(answer(`${token}&hub.challenge=${"c".repeat(257)}`), noChallenge);
      assert.deepEqual(answer(`${token}&hub.challenge=`), noChallenge);
      assert.deepEqual(answer(token), noChallenge);
    });
  });

  describe("Okta's verification GET", () => {
    const okta = presetNamed("okta")!;
    const keys = prepareDeclarativeKeys(descriptionOf(okta, {}), ["okta-old-secret", "okta-new-secret"]);
    const answer = (headers: Record<string, string>, given: DeclarativeKeys = keys) => okta.getHandshake!(get(URL, headers), given, {});

    it("needs the challenge and the Authorization header", () => {
      assert.deepEqual(answer({ authorization: "okta-new-secret" }), { ok: false, status: 400, reason: "missing_header", message: "missing x-okta-verification-challenge header" });
      assert.deepEqual(answer({ "x-okta-verification-challenge": "c1" }), { ok: false, status: 400, reason: "missing_header", message: "missing authorization header" });
    });

    it("either active secret; the challenge answered when at most 256 characters", () => {
      for (const authorization of ["okta-old-secret", "okta-new-secret"]) {
        assert.deepEqual(answer({ authorization, "x-okta-verification-challenge": "c".repeat(256) }), { contentType: "application/json", body: JSON.stringify({ verification: "c".repeat(256) }) });
      }
      assert.deepEqual(answer({ authorization: "okta-new-secret", "x-okta-verification-challenge": "c".repeat(257) }), { ok: false, status: 400, reason: "malformed_header", message: "verification challenge too long" });
    });

    it("another secret, or keys of another kind, never get an answer", () => {
      const bad = { ok: false, status: 401, reason: "bad_signature", message: "no signature matched any active secret" };
      assert.deepEqual(answer({ authorization: "okta-newer-secret", "x-okta-verification-challenge": "c".repeat(257) }), bad);
      assert.deepEqual(answer({ authorization: "okta-new-secret", "x-okta-verification-challenge": "c1" }, { kind: "public", keys: [] }), bad);
    });
  });

  describe("Zoom's endpoint.url_validation", () => {
    const zoom = presetNamed("zoom")!;
    const description = descriptionOf(zoom, {});
    const keys = prepareDeclarativeKeys(description, ["zoom-secret-token"]);
    const signed = (event: object, key = "zoom-secret-token"): DeclarativeRequest => {
      const body = Buffer.from(JSON.stringify(event));
      return { headers: signWithDescription(description, Buffer.from(key), { body, url: URL, nowSeconds: NOW }), body, url: URL, nowSeconds: NOW };
    };
    const validation = (plainToken: string) => ({ event: "endpoint.url_validation", payload: { plainToken } });

    it("answers a plain token of at most 256 characters with its HMAC, as JSON", () => {
      const plainToken = "p".repeat(256);
      assert.deepEqual(zoom.handshake!(signed(validation(plainToken)), keys), {
        contentType: "application/json",
        body: JSON.stringify({ plainToken, encryptedToken: createHmac("sha256", "zoom-secret-token").update(plainToken).digest("hex") }),
      });
    });

    it("no answer for another event, a longer or missing token, another signer, or keys of another kind", () => {
      assert.equal(zoom.handshake!(signed({ event: "meeting.started", payload: { plainToken: "p1" } }), keys), undefined);
      assert.equal(zoom.handshake!(signed(validation("p".repeat(257))), keys), undefined);
      assert.equal(zoom.handshake!(signed({ event: "endpoint.url_validation", payload: {} }), keys), undefined);
      assert.equal(zoom.handshake!(signed(validation("p1"), "another-zoom-token"), keys), undefined);
      assert.equal(zoom.handshake!(signed(validation("p1")), { kind: "public", keys: [] }), undefined);
    });
  });
});
