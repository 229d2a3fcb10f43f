// The declarative engine on hand-made requests: each verdict compared whole (status, reason and the message the
// sender reads), the header formats at their edges, the three timestamp sources, every kind of signed part, and
// the event id, delivery id and signed headers of an accepted request.
import assert from "node:assert/strict";
import { createHash, createHmac, generateKeyPairSync, sign } from "node:crypto";
import { parseDescription, prepareDeclarativeKeys, verifyDeclarative, type DeclarativeKeys, type DeclarativeRequest, type SchemeDescription } from "../../../handlers/core/verify/declarative";

const NOW = 1_760_000_000;
const URL = "https://hooks.example.com/in?tenant=acme";
const SECRET = "engine-secret-0123";
const BODY = Buffer.from('{"id":"evt_1","type":"thing.happened"}');
const BAD_SIGNATURE = { ok: false, status: 401, reason: "bad_signature", message: "no signature matched any active secret" };

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const bodyHashId = (bytes: Buffer | string) => `sha256:${sha256(bytes)}`;
const macId = (mac: Buffer) => `sig:${sha256(mac)}`;

function mac(parts: (string | Buffer)[], algorithm = "sha256", key: string = SECRET): Buffer {
  const h = createHmac(algorithm, key);
  for (const part of parts) h.update(part);
  return h.digest();
}

function request(headers: Record<string, string>, body: Buffer = BODY, extra: Partial<DeclarativeRequest> = {}): DeclarativeRequest {
  return { headers, body, url: URL, nowSeconds: NOW, ...extra };
}

function verify(description: SchemeDescription, req: DeclarativeRequest, keys: DeclarativeKeys = prepareDeclarativeKeys(description, [SECRET]), tolerance = 300) {
  return verifyDeclarative(description, req, keys, tolerance);
}

const malformed = (message: string) => ({ ok: false, status: 400, reason: "malformed_header", message });
const malformedBody = (message: string) => ({ ok: false, status: 400, reason: "malformed_body", message });
const missing = (name: string) => ({ ok: false, status: 400, reason: "missing_header", message: `missing ${name} header` });
const stale = (message: string) => ({ ok: false, status: 401, reason: "timestamp_out_of_tolerance", message });

describe("declarative engine: verdicts on hand-made requests", () => {
  describe("where the signature is", () => {
    // Written as a tenant might (mixed case): the engine reads and names the header in lower case.
    const single: SchemeDescription = { signature: { header: "X-Sig", algorithm: "hmac-sha256", encoding: "hex", prefix: "sha256=" }, signed: [{ body: true }], secret: { encoding: "utf8" } };
    const good = `sha256=${mac([BODY]).toString("hex")}`;

    it("a missing signature header is named in lower case", () => {
      assert.deepEqual(verify(single, request({})), missing("x-sig"));
      assert.deepEqual(verify(single, request({ "x-sig": "" })), missing("x-sig"));
    });

    it("a single signature: its prefix, its encoding, surrounding spaces, and the 2048-character bound", () => {
      assert.equal(verify(single, request({ "x-sig": good })).ok, true);
      assert.equal(verify(single, request({ "x-sig": `sha256= ${good.slice(7)}`.padEnd(2048, " ") })).ok, true, "2048 characters, spaces around the signature");
      assert.deepEqual(verify(single, request({ "x-sig": good.padEnd(2049, " ") })), malformed("x-sig header is malformed: longer than 2048 characters"));
      assert.deepEqual(verify(single, request({ "x-sig": good.slice(7) })), malformed("x-sig header is malformed: expected prefix 'sha256='"));
      assert.deepEqual(verify(single, request({ "x-sig": "sha256=zz" })), malformed("x-sig header is malformed: expected a hex signature"));
      assert.deepEqual(verify(single, request({ "x-sig": `sha256=${"0".repeat(64)}` })), BAD_SIGNATURE);
      for (const encoding of ["base64", "base64url"] as const) {
        const described: SchemeDescription = { ...single, signature: { header: "x-sig", algorithm: "hmac-sha256", encoding } };
        assert.equal(verify(described, request({ "x-sig": mac([BODY]).toString(encoding) })).ok, true, encoding);
        assert.deepEqual(verify(described, request({ "x-sig": "!!" })), malformed(`x-sig header is malformed: expected a ${encoding} signature`));
      }
    });

    it("a list: entries trimmed, only those with the entry prefix, at most 5 distinct", () => {
      const list: SchemeDescription = { ...single, signature: { header: "X-Sig", algorithm: "hmac-sha256", encoding: "hex", format: { kind: "list", separator: ",", entryPrefix: "v1=" } } };
      const sig = mac([BODY]).toString("hex");
      assert.equal(verify(list, request({ "x-sig": `v0=00, v1=${sig}` })).ok, true);
      assert.equal(verify(list, request({ "x-sig": `v1=${"0".repeat(64)},v1=${"1".repeat(64)},v1=${"2".repeat(64)},v1=${"3".repeat(64)},v1=${sig}` })).ok, true, "5 entries");
      assert.deepEqual(verify(list, request({ "x-sig": `v2=${sig}` })), malformed("x-sig header is malformed: no signature entry"));
      assert.deepEqual(verify(list, request({ "x-sig": `v1=zz,v1=${sig.slice(1)}` })), malformed("x-sig header is malformed: no signature entry"));
      const six = Array.from({ length: 6 }, (_, i) => `v1=${String(i).repeat(64)}`).join(",");
      assert.deepEqual(verify(list, request({ "x-sig": six })), malformed("x-sig header is malformed: more than 5 distinct signatures"));
      const bare: SchemeDescription = { ...single, signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex", prefix: "sha256=", format: { kind: "list", separator: " " } } };
      assert.equal(verify(bare, request({ "x-sig": `sha256=${"0".repeat(64)} ${sig}` })).ok, true, "the prefix is read once, before the list");
      assert.equal(verify(bare, request({ "x-sig": `${"0".repeat(64)} ${sig}` })).ok, true, "a list does not require the prefix");
    });

    it("items: names and values trimmed, read by name, the signature prefix on each value", () => {
      const items: SchemeDescription = {
        signature: { header: "X-Sig", algorithm: "hmac-sha256", encoding: "hex", prefix: "sha256=", format: { kind: "items", separator: ",", assign: "=", signatureKey: "v1", timestampKey: "t" } },
        signed: [{ timestamp: true }, { literal: "." }, { body: true }],
        timestamp: { from: { item: true }, format: "unix" },
        secret: { encoding: "utf8" },
      };
      const at = (ts: number | string) => mac([String(ts), ".", BODY]).toString("hex");
      assert.equal(verify(items, request({ "x-sig": `t=${NOW},v1=sha256=${at(NOW)}` })).ok, true);
      assert.equal(verify(items, request({ "x-sig": ` t = ${NOW} , v1 = sha256=${at(NOW)} ` })).ok, true, "spaces around names and values");
      assert.equal(verify(items, request({ "x-sig": `t=${NOW},v1=sha256=${at(NOW)},tx,v1` })).ok, true, "items without the assign are skipped");
      assert.equal(verify(items, request({ "x-sig": `v1=sha256=${"0".repeat(64)},t=${NOW},v1=sha256=${at(NOW)}` })).ok, true, "any order, several signatures");
      assert.deepEqual(verify(items, request({ "x-sig": `t=${NOW},v2=sha256=${at(NOW)}` })), malformed("x-sig header is malformed: no v1= signature"));
      assert.deepEqual(verify(items, request({ "x-sig": `t=${NOW},v1=sha257=${at(NOW)}` })), malformed("x-sig header is malformed: no v1= signature"), "a value without the prefix is skipped");
      assert.deepEqual(verify(items, request({ "x-sig": `v1=sha256=${at(NOW)}` })), malformed("x-sig header is malformed: no timestamp (x-sig timestamp)"));
      assert.deepEqual(verify(items, request({ "x-sig": `t=soon,v1=sha256=${at("soon")}` })), malformed("x-sig timestamp header is malformed: expected unix"));
      assert.deepEqual(verify(items, request({ "x-sig": `t=${NOW - 301},v1=sha256=${at(NOW - 301)}` })), stale("x-sig timestamp is outside the 300s tolerance"));
    });

    it("a signature carried in the body (Mailgun): read from its JSON path, never from the header of the same name", () => {
      const inBody = parseDescription({
        signature: { header: "x-mailgun-signature", json: "signature.signature", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ json: "signature.timestamp" }, { json: "signature.token" }],
        eventId: { json: "signature.token" },
        secret: { encoding: "utf8" },
      });
      const token = `token-${"x".repeat(40)}`;
      const signature = mac([String(NOW), token]).toString("hex");
      const body = (fields: Record<string, string>) => Buffer.from(JSON.stringify({ signature: fields, "event-data": { event: "delivered" } }));
      const verdict = verify(inBody, request({}, body({ timestamp: String(NOW), token, signature })));
      assert.deepEqual(verdict, { ok: true, eventId: token, deliveryId: undefined, signedHeaders: [] });
      assert.deepEqual(verify(inBody, request({ "x-mailgun-signature": signature }, body({ timestamp: String(NOW), token }))), malformedBody("no signature at signature.signature"));
      assert.deepEqual(verify(inBody, request({}, body({ timestamp: String(NOW), signature }))), malformedBody("no signature.token in the body"));
      assert.deepEqual(verify(inBody, request({}, body({ timestamp: String(NOW + 1), token, signature }))), BAD_SIGNATURE);
    });
  });

  describe("timestamps", () => {
    const fromHeader = parseDescription({
      signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
      signed: [{ timestamp: true }, { literal: "." }, { body: true }],
      timestamp: { from: { header: "X-Ts" }, format: "unix" },
      secret: { encoding: "utf8" },
    });
    const signedAt = (ts: number | string) => ({ "x-ts": String(ts), "x-sig": mac([String(ts), ".", BODY]).toString("hex") });

    it("from a header: missing, malformed, and the tolerance in both directions, inclusive", () => {
      assert.deepEqual(verify(fromHeader, request({ "x-sig": signedAt(NOW)["x-sig"] })), missing("x-ts"));
      assert.deepEqual(verify(fromHeader, request(signedAt("soon"))), malformed("x-ts header is malformed: expected unix"));
      assert.equal(verify(fromHeader, request(signedAt(NOW - 300))).ok, true);
      assert.equal(verify(fromHeader, request(signedAt(NOW + 300))).ok, true);
      assert.deepEqual(verify(fromHeader, request(signedAt(NOW - 301))), stale("x-ts is outside the 300s tolerance"));
      assert.deepEqual(verify(fromHeader, request(signedAt(NOW + 301))), stale("x-ts is outside the 300s tolerance"));
      assert.deepEqual(verify(fromHeader, request(signedAt(NOW - 61)), undefined, 60), stale("x-ts is outside the 60s tolerance"));
      assert.equal(verify(fromHeader, request(signedAt(NOW - 60)), undefined, 60).ok, true);
    });

    it("from the signed body: read only after the signature held, then missing, malformed or stale", () => {
      const fromBody = parseDescription({
        signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ literal: "v1:" }, { body: true }],
        timestamp: { from: { json: "ts" }, format: "unix" },
        secret: { encoding: "utf8" },
      });
      const body = (ts: unknown) => Buffer.from(JSON.stringify({ id: "evt_1", ...(ts === undefined ? {} : { ts }) }));
      const signedBody = (ts: unknown, key = SECRET) => request({ "x-sig": mac(["v1:", body(ts)], "sha256", key).toString("hex") }, body(ts));
      const fresh = verify(fromBody, signedBody(NOW));
      assert.deepEqual(fresh, { ok: true, eventId: bodyHashId(body(NOW)), deliveryId: undefined, signedHeaders: [] });
      assert.deepEqual(verify(fromBody, signedBody(NOW - 301, "another-secret-01")), BAD_SIGNATURE, "an unsigned stale request is refused for its signature");
      assert.deepEqual(verify(fromBody, signedBody(NOW - 301)), stale("body field ts is outside the 300s tolerance"));
      assert.deepEqual(verify(fromBody, signedBody(undefined)), malformed("x-sig header is malformed: no timestamp (body field ts)"));
      assert.deepEqual(verify(fromBody, signedBody("soon")), malformedBody("body field ts is not a unix timestamp"));
    });

    it("from the body and signed on its own too ({timestamp: true}): read before the content is assembled", () => {
      const both = parseDescription({
        signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ timestamp: true }, { literal: "." }, { body: true }],
        timestamp: { from: { json: "ts" }, format: "unix-ms" },
        secret: { encoding: "utf8" },
      });
      const body = Buffer.from(JSON.stringify({ ts: NOW * 1000 }));
      const verdict = verify(both, request({ "x-sig": mac([String(NOW * 1000), ".", body]).toString("hex") }, body));
      assert.deepEqual(verdict, { ok: true, eventId: bodyHashId(body), deliveryId: undefined, signedHeaders: [] });
    });
  });

  describe("signed parts", () => {
    const everything = parseDescription({
      signature: { header: "x-sig", algorithm: "hmac-sha512", encoding: "base64" },
      signed: [{ method: true }, { literal: " " }, { url: true }, { literal: "\n" }, { header: "x-id" }, { literal: "\n" }, { body: true }],
      eventId: { header: "x-id" },
      deliveryIdHeader: "x-delivery",
      secret: { encoding: "utf8" },
    });
    const signature = (method: string, id = "evt_1") => mac([method, " ", URL, "\n", id, "\n", BODY], "sha512").toString("base64");

    it("method (upper case; POST when the request names none), URL, a header, literals, the body, in order", () => {
      assert.deepEqual(verify(everything, request({ "x-sig": signature("POST"), "x-id": "evt_1", "x-delivery": "d-1" })), { ok: true, eventId: "evt_1", deliveryId: "d-1", signedHeaders: ["x-id"] });
      assert.equal(verify(everything, request({ "x-sig": signature("POST"), "x-id": "evt_1" }, BODY, { method: "post" })).ok, true);
      assert.equal(verify(everything, request({ "x-sig": signature("PUT"), "x-id": "evt_1" }, BODY, { method: "put" })).ok, true);
      assert.deepEqual(verify(everything, request({ "x-sig": signature("POST"), "x-id": "evt_1" }, BODY, { method: "PUT" })), BAD_SIGNATURE);
      assert.deepEqual(verify(everything, request({ "x-sig": signature("POST"), "x-id": "evt_1" }, BODY, { url: `${URL}&x=1` })), BAD_SIGNATURE);
      assert.deepEqual(verify(everything, request({ "x-sig": signature("POST") })), missing("x-id"));
    });

    it("the digest is the one the algorithm names", () => {
      for (const [algorithm, digest] of [["hmac-sha1", "sha1"], ["hmac-sha256", "sha256"], ["hmac-sha512", "sha512"]] as const) {
        const described = parseDescription({ signature: { header: "x-sig", algorithm, encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } });
        assert.equal(verify(described, request({ "x-sig": mac([BODY], digest).toString("hex") })).ok, true, algorithm);
        for (const other of ["sha1", "sha256", "sha512"].filter((d) => d !== digest)) {
          assert.equal(verify(described, request({ "x-sig": mac([BODY], other).toString("hex") })).ok, false, `${algorithm} is not ${other}`);
        }
      }
    });
  });

  describe("what an accepted request carries", () => {
    const plain = parseDescription({ signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } });

    it("no id of its own and no timestamp: the id is the verified MAC's, with either active secret", () => {
      const keys = prepareDeclarativeKeys(plain, ["old-secret-0123", SECRET]);
      const expected = mac([BODY]);
      assert.deepEqual(verify(plain, request({ "x-sig": expected.toString("hex"), "x-delivery": "d-1" }), keys), { ok: true, eventId: macId(expected), deliveryId: undefined, signedHeaders: [] });
    });

    it("a signed timestamp without the body (Mailgun's shape): the MAC still identifies exactly what is signed", () => {
      const described = parseDescription({
        signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ timestamp: true }, { json: "token" }],
        timestamp: { from: { header: "x-ts" }, format: "unix" },
        secret: { encoding: "utf8" },
      });
      const body = Buffer.from('{"token":"tok-1"}');
      const expected = mac([String(NOW), "tok-1"]);
      assert.deepEqual(verify(described, request({ "x-sig": expected.toString("hex"), "x-ts": String(NOW) }, body)), { ok: true, eventId: macId(expected), deliveryId: undefined, signedHeaders: ["x-ts"] });
    });

    it("a signed body field that is a number is signed as JavaScript prints it, fractions and large values included", () => {
      const described = parseDescription({
        signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ timestamp: true }, { json: "amount" }],
        timestamp: { from: { header: "x-ts" }, format: "unix" },
        secret: { encoding: "utf8" },
      });
      for (const [amount, printed] of [["12.5", "12.5"], ["1e21", "1e+21"], ["9007199254740993", "9007199254740992"]] as const) {
        const expected = mac([String(NOW), printed]);
        const verdict = verify(described, request({ "x-sig": expected.toString("hex"), "x-ts": String(NOW) }, Buffer.from(`{"amount":${amount}}`)));
        assert.deepEqual(verdict, { ok: true, eventId: macId(expected), deliveryId: undefined, signedHeaders: ["x-ts"] }, amount);
      }
    });

    it("a signed timestamp and body: the body identifies the event (the MAC changes on every retry)", () => {
      const described = parseDescription({
        signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ header: "x-ts" }, { literal: "." }, { body: true }],
        timestamp: { from: { header: "x-ts" }, format: "unix" },
        secret: { encoding: "utf8" },
      });
      const verdict = verify(described, request({ "x-sig": mac([String(NOW), ".", BODY]).toString("hex"), "x-ts": String(NOW) }));
      assert.deepEqual(verdict, { ok: true, eventId: bodyHashId(BODY), deliveryId: undefined, signedHeaders: ["x-ts"] }, "the timestamp header, signed as a header part");
    });

    it("the id header when usable (at most 256 characters), else the fallback; the delivery id capped at 256", () => {
      const described = parseDescription({
        signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" },
        signed: [{ header: "x-id" }, { timestamp: true }, { header: "x-ts" }, { body: true }],
        timestamp: { from: { header: "x-ts" }, format: "unix" },
        eventId: { header: "x-id" },
        deliveryIdHeader: "x-delivery",
        secret: { encoding: "utf8" },
      });
      const signedWith = (id: string, delivery: string) => request({ "x-id": id, "x-ts": String(NOW), "x-delivery": delivery, "x-sig": mac([id, String(NOW), String(NOW), BODY]).toString("hex") });
      assert.deepEqual(verify(described, signedWith("i".repeat(256), "d".repeat(300))), { ok: true, eventId: "i".repeat(256), deliveryId: "d".repeat(256), signedHeaders: ["x-id", "x-ts"] });
      assert.deepEqual(verify(described, signedWith("i".repeat(257), "d")), { ok: true, eventId: bodyHashId(BODY), deliveryId: "d", signedHeaders: ["x-id", "x-ts"] });
    });

    it("an id from a field of the signed body; the body hash when the field is missing", () => {
      const described = parseDescription({ signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], eventId: { json: "data.id" }, secret: { encoding: "utf8" } });
      const body = Buffer.from('{"data":{"id":"evt_9"}}');
      assert.deepEqual(verify(described, request({ "x-sig": mac([body]).toString("hex") }, body)), { ok: true, eventId: "evt_9", deliveryId: undefined, signedHeaders: [] });
      const expected = mac([BODY]);
      assert.deepEqual(verify(described, request({ "x-sig": expected.toString("hex") })), { ok: true, eventId: macId(expected), deliveryId: undefined, signedHeaders: [] });
    });

    it("keys of the wrong kind never verify (and never throw)", () => {
      const ed25519 = parseDescription({ signature: { header: "x-sig", algorithm: "ed25519", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "hex" } });
      assert.deepEqual(verify(ed25519, request({ "x-sig": "00".repeat(64) }), { kind: "bytes", keys: [Buffer.from(SECRET)] }), BAD_SIGNATURE);
      const publicKeys: DeclarativeKeys = { kind: "public", keys: [generateKeyPairSync("ed25519").publicKey] };
      assert.deepEqual(verify(plain, request({ "x-sig": mac([BODY]).toString("hex") }), publicKeys), BAD_SIGNATURE);
    });
  });

  describe("asymmetric signatures", () => {
    const pair = generateKeyPairSync("ed25519");
    const secret = pair.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
    const described = (raw: Record<string, unknown>) => parseDescription({ signature: { header: "x-sig", algorithm: "ed25519", encoding: "hex" }, secret: { encoding: "hex" }, ...raw });

    it("without a timestamp: identified by the signed content", () => {
      const noTimestamp = described({ signed: [{ literal: "v1:" }, { body: true }] });
      const content = Buffer.concat([Buffer.from("v1:"), BODY]);
      const verdict = verify(noTimestamp, request({ "x-sig": sign(null, content, pair.privateKey).toString("hex") }), prepareDeclarativeKeys(noTimestamp, [secret]));
      assert.deepEqual(verdict, { ok: true, eventId: bodyHashId(content), deliveryId: undefined, signedHeaders: [] });
    });

    it("with a signed timestamp: identified by the body", () => {
      const stamped = described({ signed: [{ timestamp: true }, { body: true }], timestamp: { from: { header: "x-ts" }, format: "unix" } });
      const content = Buffer.concat([Buffer.from(String(NOW)), BODY]);
      const verdict = verify(stamped, request({ "x-ts": String(NOW), "x-sig": sign(null, content, pair.privateKey).toString("hex") }), prepareDeclarativeKeys(stamped, [secret]));
      assert.deepEqual(verdict, { ok: true, eventId: bodyHashId(BODY), deliveryId: undefined, signedHeaders: ["x-ts"] });
    });

    it("a timestamp in the signed body is checked once the signature held", () => {
      const inBody = described({ signed: [{ body: true }], timestamp: { from: { json: "ts" }, format: "unix" } });
      const keys = prepareDeclarativeKeys(inBody, [secret]);
      const at = (ts: number) => {
        const body = Buffer.from(JSON.stringify({ ts }));
        return request({ "x-sig": sign(null, body, pair.privateKey).toString("hex") }, body);
      };
      assert.deepEqual(verify(inBody, at(NOW), keys), { ok: true, eventId: bodyHashId(Buffer.from(JSON.stringify({ ts: NOW }))), deliveryId: undefined, signedHeaders: [] });
      assert.deepEqual(verify(inBody, at(NOW - 301), keys), stale("body field ts is outside the 300s tolerance"));
      assert.deepEqual(verify(inBody, { ...at(NOW), body: Buffer.from(JSON.stringify({ ts: NOW + 1 })) }, keys), BAD_SIGNATURE);
    });
  });

  describe("a shared token (nothing signed)", () => {
    const token = parseDescription({ signature: { header: "Authorization", algorithm: "token", prefix: "Bearer " }, signed: [], secret: { encoding: "utf8" } });
    const keys = prepareDeclarativeKeys(token, ["old-token-1234", "new-token-5678"]);

    it("either active token after the prefix; the body identified by its hash", () => {
      for (const value of ["Bearer old-token-1234", "Bearer new-token-5678"]) {
        assert.deepEqual(verify(token, request({ authorization: value }), keys), { ok: true, eventId: bodyHashId(BODY), deliveryId: undefined, signedHeaders: [] }, value);
      }
    });

    it("refuses another token, another case of the prefix, and the token without its prefix", () => {
      for (const value of ["Bearer new-token-5679", "bearer new-token-5678", "new-token-5678", "Bearer  new-token-5678", "new-token-5678Bearer "]) {
        assert.deepEqual(verify(token, request({ authorization: value }), keys), BAD_SIGNATURE, value);
      }
      assert.deepEqual(verify(token, request({})), missing("authorization"));
      assert.deepEqual(verify(token, request({ authorization: "Bearer new-token-5678" }), { kind: "public", keys: [] }), BAD_SIGNATURE);
    });
  });
});
