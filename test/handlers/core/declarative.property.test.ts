import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import {
  DescriptionError,
  parseDescription,
  prepareDeclarativeKeys,
  verifyDeclarative,
  type SchemeDescription,
  type SignedPart,
} from "../../../handlers/core/verify/declarative";
import { signWithDescription } from "../../../local/signDeclarative";

const NOW = 1_760_000_000;
const URL = "https://abc.lambda-url.eu-west-1.on.aws/hooks?tenant=acme";
const TOLERANCE = 300;

/** A random HMAC description as a tenant could write it, valid by construction. */
const arbDescription: fc.Arbitrary<SchemeDescription> = fc
  .record({
    algorithm: fc.constantFrom("hmac-sha1", "hmac-sha256", "hmac-sha512"),
    encoding: fc.constantFrom("hex", "base64", "base64url"),
    prefix: fc.constantFrom("", "sha256=", "v1="),
    format: fc.constantFrom("single", "list", "items"),
    timestamp: fc.constantFrom("none", "header", "item"),
    timestampFormat: fc.constantFrom("unix", "unix-ms", "rfc3339"),
    idHeader: fc.boolean(),
    url: fc.boolean(),
    method: fc.boolean(),
    literal: fc.constantFrom(undefined, ".", ":", "v0:"),
    order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    secretEncoding: fc.constantFrom("utf8", "base64", "hex"),
  })
  .map((r) => {
    const timestamp = r.timestamp === "item" && r.format !== "items" ? "header" : r.timestamp;
    const parts: SignedPart[] = [{ body: true }];
    if (timestamp !== "none") parts.push({ timestamp: true });
    if (r.idHeader) parts.push({ header: "x-webhook-id" });
    if (r.url) parts.push({ url: true });
    if (r.method) parts.push({ method: true });
    if (r.literal) parts.push({ literal: r.literal });
    const ordered = parts.map((part, i) => ({ part, key: r.order[i]! })).sort((a, b) => a.key - b.key).map((x) => x.part);
    const raw = {
      signature: {
        header: "X-Signature",
        algorithm: r.algorithm,
        encoding: r.encoding,
        prefix: r.prefix,
        format: r.format === "single" ? { kind: "single" } : r.format === "list" ? { kind: "list", separator: " ", entryPrefix: "v1," } : { kind: "items", separator: ",", assign: "=", signatureKey: "sig", ...(timestamp === "item" ? { timestampKey: "t" } : {}) },
      },
      signed: ordered,
      ...(timestamp === "header" ? { timestamp: { from: { header: "x-timestamp" }, format: r.timestampFormat } } : {}),
      ...(timestamp === "item" ? { timestamp: { from: { item: true }, format: r.timestampFormat } } : {}),
      ...(r.idHeader ? { eventId: { header: "x-webhook-id" } } : {}),
      deliveryIdHeader: "x-delivery",
      secret: { encoding: r.secretEncoding },
    };
    return parseDescription(raw);
  });

const arbSecretBytes = fc.uint8Array({ minLength: 16, maxLength: 48 }).map((b) => Buffer.from(b));

function secretString(description: SchemeDescription, bytes: Buffer): string {
  const { encoding } = description.secret;
  return encoding === "utf8" ? bytes.toString("hex") : bytes.toString(encoding);
}

function signed(description: SchemeDescription, secret: string, body: Buffer, nowSeconds = NOW) {
  const key = prepareDeclarativeKeys(description, [secret]);
  const headers = signWithDescription(description, (key as unknown as { keys: Buffer[] }).keys[0]!, { body, url: URL, nowSeconds, headers: { "x-webhook-id": "evt_1", "x-delivery": "d-1", "content-type": "application/json" } });
  return { key, request: { headers, body, url: URL, method: "POST", nowSeconds: NOW } };
}

describe("declarative schemes (any description)", () => {
  it("what a description's signer signs, its verifier accepts, with the event id from signed material", () => {
    fc.assert(
      fc.property(arbDescription, arbSecretBytes, fc.uint8Array({ maxLength: 512 }), (description, bytes, body) => {
        const secret = secretString(description, bytes);
        const { key, request } = signed(description, secret, Buffer.from(body));
        const verdict = verifyDeclarative(description, request, key, TOLERANCE);
        assert.ok(verdict.ok, JSON.stringify({ description, verdict }));
        if (description.eventId) assert.equal(verdict.eventId, "evt_1");
        else assert.match(verdict.eventId, /^(sig|sha256):[0-9a-f]{64}$/);
        assert.equal(verdict.deliveryId, "d-1");
      }),
      { numRuns: 300 },
    );
  });

  it("a JSON event id tells events apart: two bodies whose id fields differ never get one event id, numbers past 2^53 included", () => {
    const description = parseDescription({ signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], eventId: { json: "id" }, secret: { encoding: "utf8" } });
    const idOf = (idText: string) => {
      const { key, request } = signed(description, "id-secret-0123", Buffer.from(`{"id":${idText},"type":"thing.happened"}`));
      const verdict = verifyDeclarative(description, request, key, TOLERANCE);
      assert.ok(verdict.ok);
      return verdict.eventId;
    };
    // A provider's string ids and small numbers are the id as written.
    assert.equal(idOf('"evt_9"'), "evt_9");
    assert.equal(idOf("9007199254740991"), "9007199254740991");
    // 2^53 + 1 and 2^53 + 2 (and these two snowflake-sized ids) parse to one double each: the fallback id (the MAC
    // here, the body hash with a signed timestamp) tells them apart.
    for (const [a, b] of [["9007199254740993", "9007199254740994"], ["1234567890123456789", "1234567890123456790"], ["0.1", "0.10000000000000001"]]) {
      assert.notEqual(idOf(a!), idOf(b!), `${a} vs ${b}`);
      assert.match(idOf(a!), /^(sig|sha256):[0-9a-f]{64}$/);
    }
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (a, b) => {
        fc.pre(a !== b);
        assert.notEqual(idOf(String(a)), idOf(String(b)));
      }),
      { numRuns: 200 },
    );
  });

  it("any changed signed byte fails verification: body, signed header, URL, method", () => {
    fc.assert(
      fc.property(arbDescription, arbSecretBytes, fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), (description, bytes, body, at) => {
        const secret = secretString(description, bytes);
        const { key, request } = signed(description, secret, Buffer.from(body));
        const flipped = Buffer.from(body);
        flipped[at % flipped.length] ^= 0x01;
        assert.equal(verifyDeclarative(description, { ...request, body: flipped }, key, TOLERANCE).ok, false, "body");
        if (description.signed.some((p) => "header" in p)) {
          assert.equal(verifyDeclarative(description, { ...request, headers: { ...request.headers, "x-webhook-id": "evt_2" } }, key, TOLERANCE).ok, false, "header");
        }
        if (description.signed.some((p) => "url" in p)) {
          assert.equal(verifyDeclarative(description, { ...request, url: `${URL}&x=1` }, key, TOLERANCE).ok, false, "url");
        }
        if (description.signed.some((p) => "method" in p)) {
          assert.equal(verifyDeclarative(description, { ...request, method: "PUT" }, key, TOLERANCE).ok, false, "method");
        }
      }),
      { numRuns: 200 },
    );
  });

  it("unsigned parts may change freely: other headers, and the URL or method when they are not signed", () => {
    fc.assert(
      fc.property(arbDescription, arbSecretBytes, fc.uint8Array({ maxLength: 128 }), (description, bytes, body) => {
        const { key, request } = signed(description, secretString(description, bytes), Buffer.from(body));
        const changed = {
          ...request,
          headers: { ...request.headers, "x-delivery": "d-other", "user-agent": "x" },
          url: description.signed.some((p) => "url" in p) ? request.url : "https://elsewhere.example/",
          method: description.signed.some((p) => "method" in p) ? request.method : "PUT",
        };
        const verdict = verifyDeclarative(description, changed, key, TOLERANCE);
        assert.ok(verdict.ok);
        assert.equal(verdict.deliveryId, "d-other", "the unsigned delivery id is metadata only");
      }),
      { numRuns: 150 },
    );
  });

  it("a signed timestamp outside the tolerance, either way, is refused as such", () => {
    fc.assert(
      fc.property(arbDescription.filter((d) => d.timestamp !== undefined), arbSecretBytes, fc.integer({ min: TOLERANCE + 2, max: 10 * TOLERANCE }), fc.boolean(), (description, bytes, skew, future) => {
        const { key, request } = signed(description, secretString(description, bytes), Buffer.from("{}"), NOW + (future ? skew : -skew));
        const verdict = verifyDeclarative(description, request, key, TOLERANCE);
        assert.equal(verdict.ok, false);
        assert.equal(!verdict.ok && verdict.reason, "timestamp_out_of_tolerance");
      }),
      { numRuns: 100 },
    );
  });

  it("a secret rotation: either active secret verifies", () => {
    fc.assert(
      fc.property(arbDescription, arbSecretBytes, arbSecretBytes, (description, a, b) => {
        const oldSecret = secretString(description, a);
        const newSecret = secretString(description, b);
        const { request } = signed(description, newSecret, Buffer.from("{}"));
        assert.ok(verifyDeclarative(description, request, prepareDeclarativeKeys(description, [oldSecret, newSecret]), TOLERANCE).ok);
      }),
      { numRuns: 100 },
    );
  });

  it("never throws, whatever the signature header holds; refuses with 4xx", () => {
    fc.assert(
      fc.property(arbDescription, arbSecretBytes, fc.string({ maxLength: 3000 }), (description, bytes, header) => {
        const { key, request } = signed(description, secretString(description, bytes), Buffer.from("{}"));
        const verdict = verifyDeclarative(description, { ...request, headers: { ...request.headers, "x-signature": header } }, key, TOLERANCE);
        assert.ok(verdict.ok || verdict.status === 400 || verdict.status === 401);
      }),
      { numRuns: 300 },
    );
  });

  it("bounded work: more than 5 distinct signatures or a header over 2048 characters is refused before any MAC", () => {
    const description = parseDescription({
      signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "list", separator: " " } },
      signed: [{ body: true }],
      secret: { encoding: "utf8" },
    });
    const key = prepareDeclarativeKeys(description, ["a-long-enough-secret"]);
    const entries = Array.from({ length: 6 }, (_, i) => String(i).repeat(64)).join(" ");
    const request = { headers: { "x-sig": entries }, body: Buffer.from("{}"), url: URL, nowSeconds: NOW };
    const verdict = verifyDeclarative(description, request, key, TOLERANCE);
    assert.equal(!verdict.ok && verdict.reason, "malformed_header");
    // The same entry repeated counts once (a sender may repeat itself; only distinct entries cost a MAC each).
    const one = signWithDescription(description, (key as unknown as { keys: Buffer[] }).keys[0]!, { body: request.body, url: URL, nowSeconds: NOW })["x-sig"]!;
    assert.ok(verifyDeclarative(description, { ...request, headers: { "x-sig": Array(8).fill(one).join(" ") } }, key, TOLERANCE).ok);
    const long = verifyDeclarative(description, { ...request, headers: { "x-sig": "a".repeat(2049) } }, key, TOLERANCE);
    assert.equal(!long.ok && long.status, 400);
  });

  it("asymmetric schemes: Ed25519 and ECDSA P-256 sign and verify; another key fails", () => {
    for (const [algorithm, type, encoding] of [["ed25519", "ed25519", "hex"], ["ecdsa-p256-sha256", "ec", "base64"]] as const) {
      const description = parseDescription({
        signature: { header: "x-sig", algorithm, encoding },
        signed: [{ timestamp: true }, { body: true }],
        timestamp: { from: { header: "x-ts" }, format: "unix" },
        secret: { encoding },
      });
      const pair = type === "ec" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("ed25519");
      const other = type === "ec" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("ed25519");
      const publicDer = pair.publicKey.export({ format: "der", type: "spki" });
      const secret = (algorithm === "ed25519" ? publicDer.subarray(-32) : publicDer).toString(encoding);
      const keys = prepareDeclarativeKeys(description, [secret]);
      const body = Buffer.from('{"type":1}');
      const headers = signWithDescription(description, pair.privateKey, { body, url: URL, nowSeconds: NOW });
      assert.ok(verifyDeclarative(description, { headers, body, url: URL, nowSeconds: NOW }, keys, TOLERANCE).ok, algorithm);
      const forged = signWithDescription(description, other.privateKey, { body, url: URL, nowSeconds: NOW });
      assert.equal(verifyDeclarative(description, { headers: forged, body, url: URL, nowSeconds: NOW }, keys, TOLERANCE).ok, false, `${algorithm}: another key`);
    }
  });

  it("a token scheme compares the header with the secret in constant time; the body is identified by its hash", () => {
    const description = parseDescription({ signature: { header: "X-Gitlab-Token", algorithm: "token" }, signed: [], secret: { encoding: "utf8" } });
    const keys = prepareDeclarativeKeys(description, ["gitlab-shared-token"]);
    const body = Buffer.from('{"object_kind":"push"}');
    const good = verifyDeclarative(description, { headers: { "x-gitlab-token": "gitlab-shared-token" }, body, url: URL, nowSeconds: NOW }, keys, TOLERANCE);
    assert.ok(good.ok);
    assert.match(good.ok ? good.eventId : "", /^sha256:/);
    assert.equal(verifyDeclarative(description, { headers: { "x-gitlab-token": "gitlab-shared-tokeN" }, body, url: URL, nowSeconds: NOW }, keys, TOLERANCE).ok, false);
  });

  const invalid: [string, unknown, RegExp][] = [
    ["an unsigned event id header", { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], eventId: { header: "x-id" }, secret: { encoding: "utf8" } }, /^custom\.eventId\.header: 'x-id' is not signed/],
    ["an unsigned timestamp", { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], timestamp: { from: { header: "x-ts" }, format: "unix" }, secret: { encoding: "utf8" } }, /^custom\.timestamp: is not covered by the signature/],
    ["a JSON id with the body unsigned", { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ url: true }], eventId: { json: "id" }, secret: { encoding: "utf8" } }, /^custom\.signed: must include the body/],
    ["an unknown algorithm", { signature: { header: "x-sig", algorithm: "md5", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } }, /^custom\.signature\.algorithm: must be one of/],
    ["nothing signed", { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [], secret: { encoding: "utf8" } }, /^custom\.signed: must name what is signed/],
    ["a typo", { signature: { header: "x-sig", algorithm: "hmac-sha256", encodng: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } }, /^custom\.signature\.encodng: is not a known setting/],
    ["a bad part", { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ bdy: true }], secret: { encoding: "utf8" } }, /^custom\.signed\[0\]: must be one of/],
    ["an item timestamp without items", { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ timestamp: true }, { body: true }], timestamp: { from: { item: true }, format: "unix" }, secret: { encoding: "utf8" } }, /^custom\.timestamp\.from: item needs/],
    ["a utf8 public key", { signature: { header: "x-sig", algorithm: "ed25519", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } }, /^custom\.secret\.encoding: a ed25519 public key/],
  ];
  for (const [label, raw, message] of invalid) {
    it(`refuses a description with ${label}, naming the field`, () => {
      assert.throws(() => parseDescription(raw), (error: unknown) => error instanceof DescriptionError && message.test(error.message));
    });
  }
});
