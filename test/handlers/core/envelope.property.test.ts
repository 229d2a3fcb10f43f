import assert from "node:assert/strict";
import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { bodyEncodingOf, decodeEnvelope, encodeEnvelope, encodeEnvelopeSized, SQS_MAX_MESSAGE_BYTES, type Envelope } from "../../../handlers/core/envelope";
import { INLINE_BODY_MAX_BYTES } from "../../../handlers/core/claimCheck";
import { MalformedEnvelopeError } from "../../../handlers/core/errors";
import { MAX_ID_LENGTH } from "../../../handlers/core/verify/types";
import { arbBody, arbEnvelope, arbLargeBody } from "../../helpers/arbitraries";

/** Characters SQS accepts in a message body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const SQS_SAFE = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** Bodies from `arb`, and the same after INLINE_BODY_MAX_BYTES of ASCII, where the encoding is chosen by length. */
const PAD = Buffer.alloc(INLINE_BODY_MAX_BYTES, "x");
const andOver = (arb: fc.Arbitrary<Buffer>) => fc.tuple(arb, fc.boolean()).map(([body, over]) => (over ? Buffer.concat([PAD, body]) : body));

const isValidSqsMessage = (message: string) => SQS_SAFE.test(message) && Buffer.byteLength(message, "utf8") <= SQS_MAX_MESSAGE_BYTES;

/** U+FFFE/U+FFFF escaped after JSON.stringify, as SQS refuses them. */
const sqsSafe = (value: unknown) => JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/** The earlier hand-written encoder, kept as the oracle of the wire bytes (inline bodies, version 2). */
function fieldByFieldMessage(envelope: Envelope): string {
  let head = `{"v":2,"tenant":${sqsSafe(envelope.tenant)},"eventId":${sqsSafe(envelope.eventId)},"scheme":${sqsSafe(envelope.scheme)},"receivedAt":${JSON.stringify(envelope.receivedAt)},"headers":{`;
  head += Object.keys(envelope.headers).map((name) => `${sqsSafe(name)}:${sqsSafe(envelope.headers[name])}`).join(",");
  head += `},"unsignedHeaders":[${(envelope.unsignedHeaders ?? Object.keys(envelope.headers)).map((name) => sqsSafe(name)).join(",")}]`;
  if (envelope.deliveryId !== undefined) head += `,"deliveryId":${sqsSafe(envelope.deliveryId)}`;
  if (envelope.signedUrl !== undefined) head += `,"signedUrl":${sqsSafe(envelope.signedUrl)}`;
  // The body's form chosen again here, not by bodyEncodingOf: base64 up to INLINE_BODY_MAX_BYTES (since
  // 2026-11-28; text was chosen by length at every size before), above it text when the bytes are UTF-8 without
  // U+FFFE/U+FFFF and its escaped token is no longer than the base64 one.
  const text = envelope.body.toString("utf8");
  const textToken = JSON.stringify(text);
  const base64Token = JSON.stringify(envelope.body.toString("base64"));
  const asText = envelope.body.length > INLINE_BODY_MAX_BYTES && isUtf8(envelope.body) && !/[\uFFFE\uFFFF]/.test(text) && Buffer.byteLength(textToken) <= base64Token.length;
  return `${head},"bodyEncoding":"${asText ? "utf8" : "base64"}","body":${asText ? textToken : base64Token}}`;
}

describe("envelope (properties)", () => {
  it("decode(encode(x)) = x, byte for byte", () => {
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const decoded = decodeEnvelope(encodeEnvelope(envelope));
        assert.deepEqual({ ...decoded, body: decoded.body.toString("hex") }, { ...envelope, headers: { ...envelope.headers }, body: envelope.body.toString("hex") });
      }),
    );
  });

  it("a body's token is never longer than its base64 token, is SQS-safe, is as many bytes as it says, and gives the body back", () => {
    const arbAnyBody = andOver(fc.oneof(arbBody, fc.string({ unit: "binary", maxLength: 300 }).map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.string({ unit: fc.constantFrom("\u0000", "\u0001", "\u001f", '"', "\\", "a", "\uffff", "é"), maxLength: 60 }).map((s) => Buffer.from(s))));
    fc.assert(
      fc.property(arbAnyBody, (body) => {
        const { bodyEncoding, token, tokenBytes } = bodyEncodingOf(body);
        assert.equal(tokenBytes, Buffer.byteLength(token, "utf8"));
        assert.ok(tokenBytes <= 4 * Math.ceil(body.length / 3) + 2, `${tokenBytes} bytes for a ${body.length}-byte body`);
        assert.ok(SQS_SAFE.test(token));
        assert.ok(Buffer.from(JSON.parse(token) as string, bodyEncoding).equals(body));
      }),
      { numRuns: 500 },
    );
  });

  it("every body up to INLINE_BODY_MAX_BYTES travels as base64, whatever its bytes and whatever text is given", () => {
    fc.assert(
      fc.property(fc.oneof(arbBody, fc.string({ unit: "grapheme", maxLength: 300 }).map((s) => Buffer.from(s)), fc.integer({ min: 0, max: INLINE_BODY_MAX_BYTES }).map((n) => Buffer.alloc(n, "{"))), fc.boolean(), (body, giveText) => {
        const { bodyEncoding, text } = bodyEncodingOf(body, giveText ? body.toString("utf8") : undefined);
        assert.equal(bodyEncoding, "base64");
        assert.equal(text, body.toString("base64"));
      }),
    );
  });

  it("an encoded envelope is always a valid SQS message body", () => {
    fc.assert(fc.property(arbEnvelope, (envelope) => assert.ok(isValidSqsMessage(encodeEnvelope(envelope)))));
  });

  it("any body up to the largest maxBodyBytes, with the largest metadata, fits SQS (charset and 1 MiB) and decodes to the same bytes", () => {
    fc.assert(
      fc.property(arbEnvelope, arbLargeBody, (envelope, body) => {
        const worst: Envelope = {
          ...envelope,
          eventId: "\uffff".repeat(MAX_ID_LENGTH),
          deliveryId: "\u0000".repeat(MAX_ID_LENGTH),
          headers: Object.fromEntries(["content-type", "user-agent", "x-github-event", "x-github-hook-id", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-slack-retry-num", "x-slack-retry-reason", "webhook-timestamp", "i-twilio-idempotency-token"].map((name) => [name, "\u0001".repeat(1024)])),
          body,
        };
        const message = encodeEnvelope(worst);
        assert.ok(isValidSqsMessage(message), `${Buffer.byteLength(message)} bytes`);
        assert.ok(decodeEnvelope(message).body.equals(body));
      }),
      { numRuns: 60 },
    );
  });

  it("the worst bodies at full size: all NUL, all U+FFFF, all quotes, all invalid UTF-8", () => {
    const size = 350 * 1024;
    for (const body of [Buffer.alloc(size), Buffer.alloc(size, Buffer.from("\uffff")), Buffer.alloc(size, 0x22), Buffer.alloc(size, 0xff), Buffer.alloc(size, Buffer.from("\u{10ffff}"))]) {
      const message = encodeEnvelope({ tenant: "t", eventId: "e", scheme: "github", receivedAt: 0, headers: {}, unsignedHeaders: [], body });
      assert.ok(isValidSqsMessage(message), `${body.subarray(0, 4).toString("hex")}: ${Buffer.byteLength(message)} bytes`);
      assert.ok(decodeEnvelope(message).body.equals(body));
    }
  });

  it("a version 1 envelope (in flight during a deploy) still decodes; every header is marked unsigned", () => {
    fc.assert(
      fc.property(arbEnvelope, fc.boolean(), (envelope, text) => {
        const v1 = JSON.stringify({
          v: 1, tenant: envelope.tenant, eventId: envelope.eventId, scheme: envelope.scheme, receivedAt: envelope.receivedAt, headers: envelope.headers,
          bodyEncoding: text ? "utf8" : "base64", body: text ? "héllo" : envelope.body.toString("base64"),
        });
        const decoded = decodeEnvelope(v1);
        assert.deepEqual(decoded.unsignedHeaders, Object.keys(envelope.headers));
        assert.ok(decoded.body.equals(text ? Buffer.from("héllo") : envelope.body));
        assert.equal(decoded.deliveryId, undefined);
      }),
    );
  });

  it("the message is byte for byte what the field-by-field writer gave, and its size is computed exactly", () => {
    fc.assert(
      fc.property(arbEnvelope, andOver(fc.oneof(arbBody, arbLargeBody, fc.string({ unit: "binary", maxLength: 300 }).map((s) => Buffer.from(s)))), (envelope, body) => {
        const withBody = { ...envelope, body };
        const { message, bytes } = encodeEnvelopeSized(withBody);
        assert.equal(bytes, Buffer.byteLength(message, "utf8"));
        // The reference: the field-by-field writer the release before 2026-11-28 shipped (each string escaped on
        // its own), so the wire stays byte for byte what a deployed worker already reads.
        const reference = fieldByFieldMessage(withBody);
        assert.equal(message, reference);
        const wire = JSON.parse(message) as Record<string, unknown>;
        assert.deepEqual(Object.keys(wire), ["v", "tenant", "eventId", "scheme", "receivedAt", "headers", "unsignedHeaders", ...(envelope.deliveryId !== undefined ? ["deliveryId"] : []), ...(envelope.signedUrl !== undefined ? ["signedUrl"] : []), "bodyEncoding", "body"]);
        assert.ok(decodeEnvelope(message).body.equals(body));
      }),
      { numRuns: 200 },
    );
  });

  it("the event's own text, when given, gives the same message as the bytes alone (lone surrogates included)", () => {
    fc.assert(
      fc.property(arbEnvelope, fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 200 }), fc.constantFrom("a\ud800b", "\udfff", "x\u0000\uffff", '{"id":"x"}')), fc.boolean(), (envelope, tail, over) => {
        const text = over ? `${PAD.toString("latin1")}${tail}` : tail;
        const body = Buffer.from(text, "utf8");
        const withBody = { ...envelope, body };
        assert.equal(encodeEnvelope(withBody, text), encodeEnvelope(withBody));
        assert.ok(decodeEnvelope(encodeEnvelope(withBody, text)).body.equals(body));
      }),
    );
  });

  it("unknown envelope versions are refused", () => {
    fc.assert(
      fc.property(arbEnvelope, fc.oneof(fc.integer().filter((v) => v !== 1 && v !== 2), fc.string(), fc.constant(null)), (envelope, v) => {
        assert.throws(() => decodeEnvelope(JSON.stringify({ ...JSON.parse(encodeEnvelope(envelope)), v })), MalformedEnvelopeError);
      }),
    );
  });

  it("an envelope with a wrong field is refused with a MalformedEnvelopeError", () => {
    const broken = fc.oneof(
      arbEnvelope.map((e) => JSON.stringify({ ...JSON.parse(encodeEnvelope(e)), v: 3 })),
      arbEnvelope.map((e) => JSON.stringify({ ...JSON.parse(encodeEnvelope(e)), unsignedHeaders: "x" })),
      arbEnvelope.map((e) => JSON.stringify({ ...JSON.parse(encodeEnvelope(e)), deliveryId: 7 })),
      fc.string().filter((text) => !text.trimStart().startsWith("{")),
    );
    fc.assert(fc.property(broken, (message) => void assert.throws(() => decodeEnvelope(message), MalformedEnvelopeError)));
  });

  it("anything else either decodes or is a MalformedEnvelopeError, never another exception", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (message) => {
        let outcome: unknown;
        try {
          outcome = decodeEnvelope(message);
        } catch (error) {
          outcome = error;
        }
        assert.ok(outcome instanceof MalformedEnvelopeError || Buffer.isBuffer((outcome as { body?: unknown }).body), String(outcome));
      }),
    );
  });

});
