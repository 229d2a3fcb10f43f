// Presets and custom descriptions as the stack and the handlers see them: the scheme names, GET verifications
// through the ingest decision, and a tenant's custom description validated with the tenant and field named.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigValidationError, parseStackConfig } from "../../../components/config";
import { evaluateIngest } from "../../../handlers/core/ingest";
import { jsonField, parseDescription, prepareDeclarativeKeys, verifyDeclarative } from "../../../handlers/core/verify/declarative";
import { PRESETS, presetNamed } from "../../../handlers/core/verify/presets";
import { descriptionOf } from "../../../handlers/core/verify/presets/preset";
import { signWithDescription } from "../../../local/signDeclarative";
import { PRESET_SCHEMES } from "../../../handlers/core/verify/presets/names";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { isTenantScheme } from "../../../handlers/core/verify/types";
import { readIngestEnv } from "../../../handlers/env";

const NOW_MS = 1_760_000_000_000;
const base = { ingestConcurrency: 1, workerConcurrency: 2 };

describe("presets and custom schemes, wired", () => {
  it("the README's provider table has a row for every preset, with its documentation link", () => {
    const readme = readFileSync(`${__dirname}/../../../README.md`, "utf8");
    for (const preset of PRESETS) assert.ok(readme.includes(`| \`${preset.name}\` | [${preset.provider}](${preset.docs}) |`), `README row for ${preset.name}`);
  });

  it("the scheme names the types list are exactly the presets", () => {
    assert.deepEqual([...PRESET_SCHEMES].sort(), PRESETS.map((p) => p.name).sort());
    assert.ok(isTenantScheme("custom") && isTenantScheme("twitch") && !isTenantScheme("paypal"));
  });

  it("Meta's GET subscription is answered through the ingest decision only with the verify token from the secret", () => {
    const verifier = createVerifier({ scheme: "meta", toleranceSeconds: 300 });
    const keys = verifier.prepare(["meta-app-secret", "verifyToken:tok-12345"]);
    const get = (token: string) =>
      evaluateIngest(
        { method: "GET", headers: {}, body: undefined, isBase64Encoded: false, url: `https://x.lambda-url.eu-west-1.on.aws/?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42` },
        { tenant: "t", scheme: "meta", maxBodyBytes: 1024 },
        verifier,
        keys,
        NOW_MS,
      );
    assert.deepEqual(get("tok-12345"), { kind: "handshake", eventId: "handshake", contentType: "text/plain", body: "42" });
    assert.equal((get("tok-12346") as { status: number }).status, 401);
  });

  it("GET stays 405 for schemes without a GET verification", () => {
    const verifier = createVerifier({ scheme: "twitch", toleranceSeconds: 600 });
    const outcome = evaluateIngest({ method: "GET", headers: {}, body: undefined, isBase64Encoded: false, url: "https://x/" }, { tenant: "t", scheme: "twitch", maxBodyBytes: 1024 }, verifier, verifier.prepare(["twitch-secret-0123"]), NOW_MS);
    assert.equal((outcome as { status: number }).status, 405);
  });

  it("a custom description that would store unsigned ids fails config at once, naming the tenant and field", () => {
    assert.throws(
      () =>
        parseStackConfig("t", {
          tenants: {
            acme: { ...base, scheme: "custom", custom: { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], eventId: { header: "x-delivery" }, secret: { encoding: "utf8" } } },
          },
        }),
      (error: unknown) => error instanceof ConfigValidationError && /^webhooks:tenants\.acme\.custom\.eventId\.header: 'x-delivery' is not signed/.test(error.message) && !error.message.includes("\n"),
    );
  });

  it("preset settings are checked: Square needs its notification URL, other schemes take none", () => {
    assert.throws(() => parseStackConfig("t", { tenants: { acme: { ...base, scheme: "square" } } }), /webhooks:tenants\.acme\.settings\.notificationUrl: is required for scheme square/);
    assert.throws(() => parseStackConfig("t", { tenants: { acme: { ...base, scheme: "github", settings: { x: "y" } } } }), /webhooks:tenants\.acme\.settings: scheme github takes no settings/);
    const square = parseStackConfig("t", { tenants: { acme: { ...base, scheme: "square", settings: { notificationUrl: "https://hooks.example.com/sq" } } } }).tenants[0]!;
    assert.deepEqual(square.presetSettings, { notificationUrl: "https://hooks.example.com/sq" });
  });

  it("a preset brings its own clock tolerance unless the tenant sets one", () => {
    const tenants = parseStackConfig("t", { tenants: { a: { ...base, scheme: "twitch" }, b: { ...base, scheme: "linear" }, c: { ...base, scheme: "linear", toleranceSeconds: 120 } } }).tenants;
    assert.deepEqual(tenants.map((t) => t.toleranceSeconds), [600, 60, 120]);
  });

  it("a secret that does not fit a preset is refused by pulumi up exactly as the handler would", () => {
    assert.throws(() => parseStackConfig("t", { tenants: { acme: { ...base, scheme: "discord" } }, secrets: { acme: ["not-a-hex-key"] } }), /webhooks:secrets\.acme\[0\]: is not hex \(scheme discord\)$/);
  });

  it("the function environment carries a custom description to the handler, which validates it again", () => {
    const env = readIngestEnv({
      TENANT_ID: "acme",
      SCHEME: "custom",
      QUEUE_URL: "q",
      SECRET_ID: "s",
      SCHEME_DESCRIPTION: JSON.stringify({ signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } }),
    });
    assert.equal(env.verifier.description?.signature.header, "x-sig");
    assert.throws(() => readIngestEnv({ TENANT_ID: "acme", SCHEME: "custom", QUEUE_URL: "q", SECRET_ID: "s", SCHEME_DESCRIPTION: "{}" }), /SCHEME_DESCRIPTION/);
  });
});

describe("declarative schemes: what the adversarial review found", () => {
  const sig = { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" } as const;

  it("a description that does not sign the body is refused (one captured request would accept any body)", () => {
    for (const signed of [[{ timestamp: true }], [{ literal: "hello" }], [{ method: true }], [{ header: "x-type" }], [{ url: true }]]) {
      const raw = { signature: sig, signed, ...(signed.some((p) => "timestamp" in p) ? { timestamp: { from: { header: "x-ts" }, format: "unix" } } : {}), secret: { encoding: "utf8" } };
      assert.throws(() => parseDescription(raw), /custom\.signed: must include the body/, JSON.stringify(signed));
    }
  });

  it("an event id from a header needs the body signed with it", () => {
    assert.throws(() => parseDescription({ signature: sig, signed: [{ header: "x-id" }, { json: "a" }], eventId: { header: "x-id" }, secret: { encoding: "utf8" } }), /eventId\.header: identifies an event only when the body is signed/);
  });

  it("Meta's verify token may not be blank or short: the subscription would answer anyone", () => {
    const verifier = createVerifier({ scheme: "meta", toleranceSeconds: 300 });
    assert.throws(() => verifier.prepare(["meta-app-secret", "verifyToken:"]), /verifyToken must be at least 8 characters/);
    assert.throws(() => verifier.prepare(["meta-app-secret", "verifyToken:abc"]), /verifyToken must be at least 8 characters/);
  });

  it("a body-signed JSON timestamp is read only after the signature held (an unsigned request never costs a parse)", () => {
    const verifier = createVerifier({ scheme: "linear", toleranceSeconds: 60 });
    const keys = verifier.prepare(["linear-signing-secret"]);
    const stale = { headers: { "linear-signature": "0".repeat(64) }, body: Buffer.from(`{"webhookTimestamp":1}`), url: "https://x/", nowSeconds: 1_760_000_000 };
    const verdict = verifier.verify(stale, keys);
    assert.equal(!verdict.ok && verdict.reason, "bad_signature", "the signature is checked before the (stale) body timestamp");
  });

  it("a top-level string field present twice reads as absent, in the engine as in the scanner", () => {
    assert.equal(jsonField(Buffer.from('{"id":"a","id":"b"}'), "id"), undefined);
    assert.equal(jsonField(Buffer.from('{"t":1700000000}'), "t"), "1700000000");
    assert.equal(jsonField(Buffer.from('{"signature":{"token":"x"}}'), "signature.token"), "x");
  });

  it("Zoom's url_validation is answered with the secret token that signed it, during a rotation too", () => {
    const zoom = presetNamed("zoom")!;
    const description = descriptionOf(zoom, {});
    const keys = prepareDeclarativeKeys(description, ["old-zoom-secret", "new-zoom-secret"]);
    const body = Buffer.from('{"event":"endpoint.url_validation","payload":{"plainToken":"pt-1"}}');
    const headers = signWithDescription(description, Buffer.from("new-zoom-secret"), { body, url: "https://x/", nowSeconds: 1_760_000_000 });
    const request = { headers, body, url: "https://x/", nowSeconds: 1_760_000_000 };
    assert.ok(verifyDeclarative(description, request, keys, 300).ok);
    const answer = JSON.parse(zoom.handshake!(request, keys)!.body) as { encryptedToken: string };
    assert.equal(answer.encryptedToken, createHmac("sha256", "new-zoom-secret").update("pt-1").digest("hex"));
  });
});
