// Description validation, key preparation and the engine's small parsers, rule by rule: every refusal names its
// field and says exactly what is wrong (the message a tenant reads from `npm run plan`), every bound is checked at
// the value it allows and at the first it refuses, and a valid description comes back exactly as written.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import {
  decodeBase64Url,
  DescriptionError,
  jsonField,
  parseDescription,
  prepareDeclarativeKeys,
  timestampSeconds,
  type SchemeDescription,
} from "../../../handlers/core/verify/declarative";

const SIG = { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" } as const;
const BASE = { signature: SIG, signed: [{ body: true }], secret: { encoding: "utf8" } } as const;
const PART_KINDS = "must be one of {body: true}, {timestamp: true}, {header: <name>}, {url: true}, {method: true}, {literal: <text>}";
const FROM_KINDS = "must be {header: <name>}, {item: true} or {json: <field>}";
const ID_KINDS = "must be {header: <name>} or {json: <field>}";
const ITEMS = { kind: "items", separator: ",", assign: "=", signatureKey: "v1", timestampKey: "t" } as const;

/** The description with some top-level settings replaced (or, with `undefined`, removed). */
function with_(changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...BASE, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete out[key];
  return out;
}
const withSignature = (changes: Record<string, unknown>) => with_({ signature: { ...SIG, ...changes } });

function refuses(raw: unknown, message: string, field?: string): void {
  assert.throws(
    () => (field === undefined ? parseDescription(raw) : parseDescription(raw, field)),
    (error: unknown) => {
      assert.ok(error instanceof DescriptionError, String(error));
      assert.equal(error.message, message);
      assert.equal(error.name, "DescriptionError");
      assert.equal(error.field, message.slice(0, message.indexOf(": ")));
      return true;
    },
  );
}

describe("declarative descriptions: validation, rule by rule", () => {
  describe("refusals name the field and say exactly what is wrong", () => {
    const cases: [string, unknown, string][] = [
      // The description itself.
      ["null", null, "custom: must be an object { signature, signed, timestamp?, eventId?, deliveryIdHeader?, secret }"],
      ["a list", [BASE], "custom: must be an object { signature, signed, timestamp?, eventId?, deliveryIdHeader?, secret }"],
      ["a string", "hmac", "custom: must be an object { signature, signed, timestamp?, eventId?, deliveryIdHeader?, secret }"],
      ["a number", 7, "custom: must be an object { signature, signed, timestamp?, eventId?, deliveryIdHeader?, secret }"],
      ["an unknown setting", with_({ tolerance: 5 }), "custom.tolerance: is not a known setting"],
      // signature
      ["no signature", with_({ signature: undefined }), "custom.signature: must be an object { header, algorithm, encoding, prefix?, format? }"],
      ["a signature that is text", with_({ signature: "x-sig" }), "custom.signature: must be an object { header, algorithm, encoding, prefix?, format? }"],
      ["a signature that is a list", with_({ signature: [SIG] }), "custom.signature: must be an object { header, algorithm, encoding, prefix?, format? }"],
      ["a signature that is null", with_({ signature: null }), "custom.signature: must be an object { header, algorithm, encoding, prefix?, format? }"],
      ["a header name with a space", withSignature({ header: "x sig" }), 'custom.signature.header: must be an HTTP header name, got "x sig"'],
      ["a header name of 65 characters", withSignature({ header: "x".repeat(65) }), `custom.signature.header: must be an HTTP header name, got "${"x".repeat(65)}"`],
      ["a header name that is a number", withSignature({ header: 42 }), "custom.signature.header: must be an HTTP header name, got 42"],
      ["no header name", withSignature({ header: undefined }), "custom.signature.header: must be an HTTP header name, got undefined"],
      ["a JSON signature path with an empty level", withSignature({ json: "signature..sig" }), 'custom.signature.json: must be a JSON field or dotted path (at most 5 levels), got "signature..sig"'],
      ["a JSON signature path of 6 levels", withSignature({ json: "a.b.c.d.e.f" }), 'custom.signature.json: must be a JSON field or dotted path (at most 5 levels), got "a.b.c.d.e.f"'],
      ["an unknown algorithm", withSignature({ algorithm: "md5" }), 'custom.signature.algorithm: must be one of hmac-sha1|hmac-sha256|hmac-sha512|ed25519|ecdsa-p256-sha256|token, got "md5"'],
      ["no algorithm", withSignature({ algorithm: undefined }), "custom.signature.algorithm: must be one of hmac-sha1|hmac-sha256|hmac-sha512|ed25519|ecdsa-p256-sha256|token, got undefined"],
      ["an HMAC without its encoding", withSignature({ encoding: undefined }), "custom.signature.encoding: must be one of hex|base64|base64url, got undefined"],
      ["an encoding in capitals", withSignature({ encoding: "HEX" }), 'custom.signature.encoding: must be one of hex|base64|base64url, got "HEX"'],
      ["a prefix of 33 characters", withSignature({ prefix: "p".repeat(33) }), "custom.signature.prefix: must be a string of 0..32 characters"],
      ["a prefix that is a number", withSignature({ prefix: 7 }), "custom.signature.prefix: must be a string of 0..32 characters"],
      // signature.format
      ["a format that is text", withSignature({ format: "list" }), "custom.signature.format: must be an object"],
      ["an unknown format kind", withSignature({ format: { kind: "multi" } }), 'custom.signature.format.kind: must be one of single|list|items, got "multi"'],
      ["a single format with a separator", withSignature({ format: { kind: "single", separator: "," } }), "custom.signature.format.separator: is not a known setting"],
      ["a list with an empty separator", withSignature({ format: { kind: "list", separator: "" } }), "custom.signature.format.separator: must be a string of 1..4 characters"],
      ["a list separator of 5 characters", withSignature({ format: { kind: "list", separator: "12345" } }), "custom.signature.format.separator: must be a string of 1..4 characters"],
      ["a list separator that is a number", withSignature({ format: { kind: "list", separator: 1 } }), "custom.signature.format.separator: must be a string of 1..4 characters"],
      ["a list with an assign", withSignature({ format: { kind: "list", separator: " ", assign: "=" } }), "custom.signature.format.assign: is not a known setting"],
      ["a list entry prefix of 17 characters", withSignature({ format: { kind: "list", separator: " ", entryPrefix: "e".repeat(17) } }), "custom.signature.format.entryPrefix: must be a string of 1..16 characters"],
      ["an empty list entry prefix", withSignature({ format: { kind: "list", separator: " ", entryPrefix: "" } }), "custom.signature.format.entryPrefix: must be a string of 1..16 characters"],
      ["an items separator of 5 characters", withSignature({ format: { ...ITEMS, separator: "12345" } }), "custom.signature.format.separator: must be a string of 1..4 characters"],
      ["an items assign of 5 characters", withSignature({ format: { ...ITEMS, assign: "=====" } }), "custom.signature.format.assign: must be a string of 1..4 characters"],
      ["an items signature key of 17 characters", withSignature({ format: { ...ITEMS, signatureKey: "k".repeat(17) } }), "custom.signature.format.signatureKey: must be a string of 1..16 characters"],
      ["items without a signature key", withSignature({ format: { ...ITEMS, signatureKey: undefined } }), "custom.signature.format.signatureKey: must be a string of 1..16 characters"],
      ["an items timestamp key of 17 characters", withSignature({ format: { ...ITEMS, timestampKey: "k".repeat(17) } }), "custom.signature.format.timestampKey: must be a string of 1..16 characters"],
      ["items with an entry prefix", withSignature({ format: { ...ITEMS, entryPrefix: "v1," } }), "custom.signature.format.entryPrefix: is not a known setting"],
      // signed
      ["signed parts that are not a list", with_({ signed: { body: true } }), "custom.signed: must be a list of parts"],
      ["no signed parts at all", with_({ signed: undefined }), "custom.signed: must be a list of parts"],
      ["13 signed parts", with_({ signed: [{ body: true }, ...Array.from({ length: 12 }, (_, i) => ({ literal: String(i) }))] }), "custom.signed: must have at most 12 parts"],
      ["a part that is text", with_({ signed: [{ body: true }, "url"] }), `custom.signed[1]: ${PART_KINDS}`],
      ["a part naming two things", with_({ signed: [{ body: true, url: true }] }), `custom.signed[0]: ${PART_KINDS}`],
      ["a part with nothing in it", with_({ signed: [{ body: true }, {}] }), `custom.signed[1]: ${PART_KINDS}`],
      ["a body part that is false", with_({ signed: [{ body: false }] }), `custom.signed[0]: ${PART_KINDS}`],
      ["a signed header name with a space", with_({ signed: [{ body: true }, { header: "x id" }] }), 'custom.signed[1].header: must be an HTTP header name, got "x id"'],
      ["a signed JSON path with an empty level", with_({ signed: [{ body: true }, { json: "a..b" }] }), 'custom.signed[1].json: must be a JSON field or dotted path (at most 5 levels), got "a..b"'],
      ["an empty literal", with_({ signed: [{ body: true }, { literal: "" }] }), "custom.signed[1].literal: must be a string of 1..256 characters"],
      ["a literal of 257 characters", with_({ signed: [{ body: true }, { literal: "l".repeat(257) }] }), "custom.signed[1].literal: must be a string of 1..256 characters"],
      ["a token that signs something", with_({ signature: { header: "x-token", algorithm: "token" }, signed: [{ body: true }] }), "custom.signed: must be empty for algorithm token (the header holds the secret itself)"],
      ["the body twice", with_({ signed: [{ body: true }, { literal: "." }, { body: true }] }), "custom.signed: may hold the body once"],
      ["the timestamp signed but not described", with_({ signed: [{ timestamp: true }, { body: true }] }), "custom.signed: names the timestamp, but no timestamp says where it is"],
      // timestamp
      ["a timestamp that is text", with_({ timestamp: "x-ts" }), "custom.timestamp: must be an object { from, format }"],
      ["a timestamp with an unknown setting", with_({ signed: [{ timestamp: true }, { body: true }], timestamp: { from: { header: "x-ts" }, format: "unix", skew: 5 } }), "custom.timestamp.skew: is not a known setting"],
      ["a timestamp source that is text", with_({ signed: [{ timestamp: true }, { body: true }], timestamp: { from: "x-ts", format: "unix" } }), `custom.timestamp.from: ${FROM_KINDS}`],
      ["a header timestamp source with a second key", with_({ signed: [{ timestamp: true }, { body: true }], timestamp: { from: { header: "x-ts", json: "ts" }, format: "unix" } }), `custom.timestamp.from: ${FROM_KINDS}`],
      ["an item timestamp source with a second key", { ...withSignature({ format: ITEMS }), signed: [{ timestamp: true }, { body: true }], timestamp: { from: { item: true, header: "x-ts" }, format: "unix" } }, `custom.timestamp.from: ${FROM_KINDS}`],
      ["an item timestamp source that is false", { ...withSignature({ format: ITEMS }), signed: [{ timestamp: true }, { body: true }], timestamp: { from: { item: false }, format: "unix" } }, `custom.timestamp.from: ${FROM_KINDS}`],
      ["a JSON timestamp source with a second key", with_({ timestamp: { from: { json: "ts", item: true }, format: "unix" } }), `custom.timestamp.from: ${FROM_KINDS}`],
      ["a timestamp header name with a space", with_({ signed: [{ timestamp: true }, { body: true }], timestamp: { from: { header: "x ts" }, format: "unix" } }), 'custom.timestamp.from.header: must be an HTTP header name, got "x ts"'],
      ["a timestamp JSON path with an empty level", with_({ timestamp: { from: { json: "a..ts" }, format: "unix" } }), 'custom.timestamp.from.json: must be a JSON field or dotted path (at most 5 levels), got "a..ts"'],
      ["an unknown timestamp format", with_({ signed: [{ timestamp: true }, { body: true }], timestamp: { from: { header: "x-ts" }, format: "iso" } }), 'custom.timestamp.format: must be one of unix|unix-ms|rfc3339, got "iso"'],
      ["an item timestamp with items that name no timestamp key", { ...withSignature({ format: { ...ITEMS, timestampKey: undefined } }), signed: [{ timestamp: true }, { body: true }], timestamp: { from: { item: true }, format: "unix" } }, "custom.timestamp.from: item needs signature.format items with a timestampKey"],
      ["a JSON timestamp neither in the signed body nor signed itself", with_({ signed: [{ json: "token" }], timestamp: { from: { json: "ts" }, format: "unix" } }), "custom.timestamp: is not covered by the signature: add {timestamp: true} (or the body, for a JSON field) to signed"],
      ["a header timestamp where another header is signed", with_({ signed: [{ body: true }, { header: "x-other" }], timestamp: { from: { header: "x-ts" }, format: "unix" } }), "custom.timestamp: is not covered by the signature: add {timestamp: true} (or the body, for a JSON field) to signed"],
      // eventId
      ["an event id that is text", with_({ eventId: "x-id" }), `custom.eventId: ${ID_KINDS}`],
      ["an event id header with a second key", with_({ signed: [{ body: true }, { header: "x-id" }], eventId: { header: "x-id", json: "id" } }), `custom.eventId: ${ID_KINDS}`],
      ["an event id JSON path with a second key", with_({ eventId: { json: "id", header: "x-id" } }), `custom.eventId: ${ID_KINDS}`],
      ["an event id header name with a space", with_({ signed: [{ body: true }, { header: "x-id" }], eventId: { header: "x id" } }), 'custom.eventId.header: must be an HTTP header name, got "x id"'],
      ["an event id header where another header is signed", with_({ signed: [{ body: true }, { header: "x-other" }], eventId: { header: "x-id" } }), "custom.eventId.header: 'x-id' is not signed: an unsigned id would let a replay pass as a new event (add {header: x-id} to signed, or leave eventId out)"],
      ["an event id JSON path with an empty level", with_({ eventId: { json: "a..id" } }), 'custom.eventId.json: must be a JSON field or dotted path (at most 5 levels), got "a..id"'],
      ["an event id from an unsigned body field", with_({ signed: [{ json: "token" }], eventId: { json: "id" } }), "custom.eventId.json: the body is not signed, so its fields cannot identify the event (unless that field itself is signed)"],
      // secret
      ["no secret", with_({ secret: undefined }), "custom.secret: must be an object { encoding: utf8|base64|hex, stripPrefix? }"],
      ["a secret that is text", with_({ secret: "utf8" }), "custom.secret: must be an object { encoding: utf8|base64|hex, stripPrefix? }"],
      ["a secret with an unknown setting", with_({ secret: { encoding: "utf8", strip: "whsec_" } }), "custom.secret.strip: is not a known setting"],
      ["an unknown secret encoding", with_({ secret: { encoding: "latin1" } }), 'custom.secret.encoding: must be one of utf8|base64|hex, got "latin1"'],
      ["a secret prefix of 17 characters", with_({ secret: { encoding: "base64", stripPrefix: "s".repeat(17) } }), "custom.secret.stripPrefix: must be a string of 1..16 characters"],
      ["an empty secret prefix", with_({ secret: { encoding: "base64", stripPrefix: "" } }), "custom.secret.stripPrefix: must be a string of 1..16 characters"],
      ["an ECDSA key as utf8", { ...withSignature({ algorithm: "ecdsa-p256-sha256", encoding: "base64" }), secret: { encoding: "utf8" } }, "custom.secret.encoding: a ecdsa-p256-sha256 public key is hex or base64, not utf8"],
      // deliveryIdHeader
      ["a delivery id header name with a space", with_({ deliveryIdHeader: "x delivery" }), 'custom.deliveryIdHeader: must be an HTTP header name, got "x delivery"'],
    ];
    for (const [label, raw, message] of cases) it(`${label}: ${message}`, () => refuses(raw, message));

    it("the field path starts with the name the caller gives (the tenant's config key)", () => {
      refuses(null, "webhooks:tenants.acme.custom: must be an object { signature, signed, timestamp?, eventId?, deliveryIdHeader?, secret }", "webhooks:tenants.acme.custom");
      refuses(withSignature({ format: { kind: "list", separator: "" } }), "zoom.signature.format.separator: must be a string of 1..4 characters", "zoom");
    });
  });

  describe("what is allowed comes back exactly as written (header names in lower case)", () => {
    it("every bound at the largest value it allows", () => {
      const raw = {
        signature: { header: `X-${"S".repeat(62)}`, json: "a.b.c.d.e", algorithm: "hmac-sha512", encoding: "base64url", prefix: "p".repeat(32), format: { kind: "list", separator: "1234", entryPrefix: "e".repeat(16) } },
        signed: [{ body: true }, { literal: "l".repeat(256) }, ...Array.from({ length: 10 }, (_, i) => ({ literal: String(i) }))],
        deliveryIdHeader: "X-Delivery",
        secret: { encoding: "base64", stripPrefix: "s".repeat(16) },
      };
      assert.deepEqual(parseDescription(raw), {
        signature: { header: `x-${"s".repeat(62)}`, json: "a.b.c.d.e", algorithm: "hmac-sha512", encoding: "base64url", prefix: "p".repeat(32), format: { kind: "list", separator: "1234", entryPrefix: "e".repeat(16) } },
        signed: raw.signed,
        deliveryIdHeader: "x-delivery",
        secret: { encoding: "base64", stripPrefix: "s".repeat(16) },
      });
    });

    it("items at their largest, an item timestamp, an empty prefix", () => {
      const format = { kind: "items", separator: "1234", assign: "abcd", signatureKey: "k".repeat(16), timestampKey: "t".repeat(16) };
      const raw = { signature: { ...SIG, prefix: "", format }, signed: [{ timestamp: true }, { body: true }], timestamp: { from: { item: true }, format: "unix-ms" }, secret: { encoding: "hex" } };
      assert.deepEqual(parseDescription(raw), { signature: { ...SIG, prefix: "", format }, signed: raw.signed, timestamp: { from: { item: true }, format: "unix-ms" }, secret: { encoding: "hex" } });
    });

    it("a single format says so; a list without an entry prefix has none", () => {
      assert.deepEqual(parseDescription(withSignature({ format: { kind: "single" } })).signature, { ...SIG, format: { kind: "single" } });
      assert.deepEqual(parseDescription(BASE).signature, { ...SIG, format: { kind: "single" } });
      assert.deepEqual(parseDescription(withSignature({ format: { kind: "list", separator: " " } })).signature.format, { kind: "list", separator: " " });
      assert.deepEqual(parseDescription(withSignature({ format: { kind: "items", separator: ",", assign: "=", signatureKey: "v1" } })).signature.format, { kind: "items", separator: ",", assign: "=", signatureKey: "v1" });
    });

    it("a token's encoding defaults to hex, and one it names is kept", () => {
      const token = { header: "X-Token", algorithm: "token" };
      assert.deepEqual(parseDescription({ signature: token, signed: [], secret: { encoding: "utf8" } }).signature, { header: "x-token", algorithm: "token", encoding: "hex", format: { kind: "single" } });
      assert.equal(parseDescription({ signature: { ...token, encoding: "base64" }, signed: [], secret: { encoding: "utf8" } }).signature.encoding, "base64");
    });

    it("exactly 12 signed parts", () => {
      const signed = [{ body: true }, ...Array.from({ length: 11 }, (_, i) => ({ literal: String(i) }))];
      assert.equal(parseDescription(with_({ signed })).signed.length, 12);
    });

    it("each kind of signed part", () => {
      const signed = [{ body: true }, { url: true }, { method: true }, { header: "X-Id" }, { json: "data.id" }, { literal: "." }];
      assert.deepEqual(parseDescription(with_({ signed })).signed, [{ body: true }, { url: true }, { method: true }, { header: "x-id" }, { json: "data.id" }, { literal: "." }]);
    });

    it("timestamps covered by {timestamp: true}, by the signed header itself, by the signed body, or by the signed JSON field", () => {
      const header = { from: { header: "X-Ts" }, format: "unix" };
      assert.deepEqual(parseDescription(with_({ signed: [{ timestamp: true }, { body: true }], timestamp: header })).timestamp, { from: { header: "x-ts" }, format: "unix" });
      assert.deepEqual(parseDescription(with_({ signed: [{ body: true }, { header: "x-ts" }], timestamp: header })).timestamp, { from: { header: "x-ts" }, format: "unix" });
      assert.deepEqual(parseDescription(with_({ timestamp: { from: { json: "ts" }, format: "rfc3339" } })).timestamp, { from: { json: "ts" }, format: "rfc3339" });
      assert.deepEqual(parseDescription(with_({ signed: [{ json: "token" }, { json: "ts" }], timestamp: { from: { json: "ts" }, format: "unix" } })).timestamp, { from: { json: "ts" }, format: "unix" });
      assert.deepEqual(parseDescription(with_({ signed: [{ json: "token" }, { timestamp: true }], timestamp: { from: { json: "ts" }, format: "unix" } })).signed, [{ json: "token" }, { timestamp: true }]);
    });

    it("event ids: a signed header with the body, a field of the signed body, a signed field without the body", () => {
      assert.deepEqual(parseDescription(with_({ signed: [{ body: true }, { header: "x-id" }], eventId: { header: "X-Id" } })).eventId, { header: "x-id" });
      assert.deepEqual(parseDescription(with_({ eventId: { json: "data.id" } })).eventId, { json: "data.id" });
      assert.deepEqual(parseDescription(with_({ signed: [{ json: "token" }], eventId: { json: "token" } })).eventId, { json: "token" });
    });

    it("public keys as hex or base64", () => {
      for (const algorithm of ["ed25519", "ecdsa-p256-sha256"] as const) {
        for (const encoding of ["hex", "base64"] as const) {
          assert.equal(parseDescription({ ...withSignature({ algorithm }), secret: { encoding } }).secret.encoding, encoding);
        }
      }
    });
  });
});

describe("declarative keys: prepareDeclarativeKeys", () => {
  const utf8 = parseDescription(BASE);
  const hex = parseDescription(with_({ secret: { encoding: "hex" } }));
  const base64 = parseDescription(with_({ secret: { encoding: "base64" } }));
  const prefixed = parseDescription(with_({ secret: { encoding: "base64", stripPrefix: "whsec_" } }));
  const ed25519 = parseDescription({ ...withSignature({ algorithm: "ed25519" }), secret: { encoding: "hex" } });
  const ecdsa = parseDescription({ ...withSignature({ algorithm: "ecdsa-p256-sha256", encoding: "base64" }), secret: { encoding: "base64" } });

  function refusesSecrets(description: SchemeDescription, secrets: string[], message: string): void {
    assert.throws(() => prepareDeclarativeKeys(description, secrets), (error: unknown) => error instanceof Error && error.message === message);
  }

  it("refuses an empty list, blank secrets and surrounding whitespace, naming the position", () => {
    refusesSecrets(utf8, [], "no secret configured");
    refusesSecrets(utf8, [""], "secret #0: is blank or has surrounding whitespace");
    refusesSecrets(utf8, ["        "], "secret #0: is blank or has surrounding whitespace");
    refusesSecrets(utf8, ["a-good-secret", " padded-secret"], "secret #1: is blank or has surrounding whitespace");
    refusesSecrets(utf8, ["padded-secret\n"], "secret #0: is blank or has surrounding whitespace");
  });

  it("UTF-8 secrets: at least 8 characters, used as their bytes", () => {
    refusesSecrets(utf8, ["1234567"], "secret #0: must be at least 8 characters");
    assert.deepEqual(prepareDeclarativeKeys(utf8, ["12345678", "naïve-secret"]), { kind: "bytes", keys: [Buffer.from("12345678"), Buffer.from("naïve-secret", "utf8")] });
  });

  it("hex and base64 secrets: decoded, of any non-empty length; base64url accepted for base64", () => {
    assert.deepEqual(prepareDeclarativeKeys(hex, ["deadbeef"]), { kind: "bytes", keys: [Buffer.from("deadbeef", "hex")] });
    assert.deepEqual(prepareDeclarativeKeys(base64, ["AAEC", "-_8"]), { kind: "bytes", keys: [Buffer.from([0, 1, 2]), Buffer.from([0xfb, 0xff])] });
    refusesSecrets(hex, ["not-hex!"], "secret #0: is not hex");
    refusesSecrets(hex, ["abc"], "secret #0: is not hex");
    refusesSecrets(base64, ["AAEC", "!!!!"], "secret #1: is not base64");
  });

  it("a prefix to strip: required, removed before decoding, and what is left must not be empty", () => {
    assert.deepEqual(prepareDeclarativeKeys(prefixed, ["whsec_AAEC"]), { kind: "bytes", keys: [Buffer.from([0, 1, 2])] });
    refusesSecrets(prefixed, ["AAEC"], "secret #0: expected the prefix whsec_");
    refusesSecrets(prefixed, ["AAECwhsec_"], "secret #0: expected the prefix whsec_");
    refusesSecrets(prefixed, ["whsec_"], "secret #0: is not base64");
    const hexPrefixed = parseDescription(with_({ secret: { encoding: "hex", stripPrefix: "key_" } }));
    refusesSecrets(hexPrefixed, ["key_"], "secret #0: is not hex");
  });

  it("Ed25519: a 32-byte public key, nothing else", () => {
    const pair = generateKeyPairSync("ed25519");
    const raw = pair.publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const keys = prepareDeclarativeKeys(ed25519, [raw.toString("hex")]);
    assert.equal(keys.kind, "public");
    assert.ok(keys.kind === "public" && keys.keys[0]!.equals(pair.publicKey));
    refusesSecrets(ed25519, [raw.subarray(1).toString("hex")], "secret #0: an Ed25519 public key is 32 bytes");
    refusesSecrets(ed25519, [raw.toString("hex"), Buffer.concat([raw, Buffer.from([0])]).toString("hex")], "secret #1: an Ed25519 public key is 32 bytes");
  });

  it("ECDSA: a P-256 public key in SubjectPublicKeyInfo DER; another curve, another key type or junk is refused", () => {
    const der = (key: ReturnType<typeof generateKeyPairSync>["publicKey"]) => key.export({ format: "der", type: "spki" }).toString("base64");
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const keys = prepareDeclarativeKeys(ecdsa, [der(p256)]);
    assert.ok(keys.kind === "public" && keys.keys[0]!.equals(p256));
    const message = "secret #0: expected a P-256 public key (SubjectPublicKeyInfo DER)";
    refusesSecrets(ecdsa, [der(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey)], message);
    refusesSecrets(ecdsa, [der(generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey)], message);
    refusesSecrets(ecdsa, [der(generateKeyPairSync("ed25519").publicKey)], message);
    refusesSecrets(ecdsa, ["AAECAwQF"], message);
  });
});

describe("declarative engine parsers", () => {
  it("decodeBase64Url: strict, unpadded and canonical", () => {
    assert.deepEqual(decodeBase64Url(""), Buffer.alloc(0));
    assert.deepEqual(decodeBase64Url("aQ"), Buffer.from([0x69]));
    assert.deepEqual(decodeBase64Url("-_8"), Buffer.from([0xfb, 0xff]));
    for (const bad of ["ab", "aR", "aQ==", "+/8", "ab cd", "abcde", "a"]) assert.equal(decodeBase64Url(bad), undefined, bad);
  });

  it("timestampSeconds: unix (up to 12 digits), unix-ms (up to 15), RFC 3339 (T, t or a space; Z or an offset)", () => {
    assert.equal(timestampSeconds("1760000000", "unix"), 1_760_000_000);
    assert.equal(timestampSeconds("999999999999", "unix"), 999_999_999_999);
    assert.equal(timestampSeconds("1760000000123", "unix-ms"), 1_760_000_000.123);
    assert.equal(timestampSeconds("999999999999999", "unix-ms"), 999_999_999_999.999);
    for (const bad of ["", "x1760000000", "1760000000x", "1760000000 ", "-1760000000", "1760000000.5", "1234567890123"]) assert.equal(timestampSeconds(bad, "unix"), undefined, `unix ${bad}`);
    for (const bad of ["", "x1760000000000", "1760000000000x", "1234567890123456"]) assert.equal(timestampSeconds(bad, "unix-ms"), undefined, `unix-ms ${bad}`);
    const at = Date.parse("2025-10-09T08:53:20Z") / 1000;
    assert.equal(timestampSeconds("2025-10-09T08:53:20Z", "rfc3339"), at);
    assert.equal(timestampSeconds("2025-10-09 08:53:20Z", "rfc3339"), at);
    assert.equal(timestampSeconds("2025-10-09t08:53:20z", "rfc3339"), at);
    assert.equal(timestampSeconds("2025-10-09T10:53:20.5+02:00", "rfc3339"), at + 0.5);
    for (const bad of ["2025-10-09", "2025-10-09T08:53:20", "Thu, 09 Oct 2025 08:53:20 GMT", "2025-13-45T08:53:20Z", "1760000000"]) assert.equal(timestampSeconds(bad, "rfc3339"), undefined, `rfc3339 ${bad}`);
  });

  it("jsonField: a dotted path descends objects only, never reads a top-level key that contains the dot", () => {
    const body = (text: string) => Buffer.from(text);
    assert.equal(jsonField(body('{"a.b":"top","a":{"b":"nested"}}'), "a.b"), "nested");
    assert.equal(jsonField(body('{"a.b":"top"}'), "a.b"), undefined);
    assert.equal(jsonField(body('{"a":{"b":""}}'), "a.b"), undefined, "an empty string is no value");
    assert.equal(jsonField(body('{"a":{"b":{"c":1}}}'), "a.b"), undefined, "an object is no value");
    assert.equal(jsonField(body('{"a":{"b":true}}'), "a.b"), undefined, "a boolean is no value");
    assert.equal(jsonField(body('{"a":{"b":12.5}}'), "a.b"), "12.5");
    assert.equal(jsonField(body('{"a":["b"]}'), "a.0"), undefined, "lists are not descended");
    assert.equal(jsonField(body('{"t":1e999}'), "t"), undefined, "a number too large to be finite is no timestamp");
    assert.equal(jsonField(body('{"t":1760000000,"t":1760000001}'), "t"), "1760000001");
    assert.equal(jsonField(body('["a"]'), "a.b"), undefined);
    assert.equal(jsonField(body('{"a":{"b":"x"}'), "a.b"), undefined, "unparsable");
    assert.equal(jsonField(Buffer.alloc(0), "a.b"), undefined);
  });

  it("jsonField parses a body at most once, and never one that is not a JSON object", () => {
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
      parses += 1;
      return parse(...args);
    }) as typeof JSON.parse;
    try {
      const body = Buffer.from('{"a":{"b":"x","c":"y"},"t":1760000000}');
      assert.deepEqual([jsonField(body, "a.b"), jsonField(body, "a.c"), jsonField(body, "t")], ["x", "y", "1760000000"]);
      assert.equal(parses, 1, "one parse for three reads of one body");
      for (const other of ['["a",{"b":1}]', "", '"a.b"', "123"]) jsonField(Buffer.from(other), "a.b");
      assert.equal(parses, 1, "bodies that are not objects are not parsed");
      const broken = Buffer.from('{"a":');
      assert.equal(jsonField(broken, "a.b"), undefined);
      assert.equal(jsonField(broken, "a.c"), undefined);
      assert.equal(parses, 2, "an unparsable body is tried once");
    } finally {
      JSON.parse = parse;
    }
  });
});
