// Decoding an SQS message into an envelope (handlers/core/envelope.ts): each field that is missing or of the
// wrong type is refused with a MalformedEnvelopeError naming it (the worker reports it, and SQS moves it to the
// DLQ), and the checks that make a message one SQS accepts.
import assert from "node:assert/strict";
import { bodyEncodingOf, decodeEnvelope, encodeEnvelope, keptHeaders, sqsMessageProblem, type Envelope } from "../../../handlers/core/envelope";
import { INLINE_BODY_MAX_BYTES } from "../../../handlers/core/claimCheck";
import { MalformedEnvelopeError } from "../../../handlers/core/errors";

const envelope: Envelope = { tenant: "acme", eventId: "e1", scheme: "github", receivedAt: 1_760_000_000_000, headers: { "x-github-event": "push" }, unsignedHeaders: ["x-github-event"], deliveryId: "d", signedUrl: "https://x/y", body: Buffer.from("{}") };
const wire = (): Record<string, unknown> => JSON.parse(encodeEnvelope(envelope));

describe("envelope decoding refuses each malformed field, naming it", () => {
  const cases: [string, unknown, RegExp][] = [
    ["null", null, /not an object/],
    ["an array", [], /not an object/],
    ["a number", 5, /not an object/],
    ["version 99", { ...wire(), v: 99 }, /unsupported envelope version 99/],
    ["no tenant", { ...wire(), tenant: undefined }, /tenant missing/],
    ["empty tenant", { ...wire(), tenant: "" }, /tenant missing/],
    ["numeric tenant", { ...wire(), tenant: 5 }, /tenant missing/],
    ["no eventId", { ...wire(), eventId: undefined }, /eventId missing/],
    ["empty eventId", { ...wire(), eventId: "" }, /eventId missing/],
    ["unknown scheme", { ...wire(), scheme: "md5" }, /scheme unknown/],
    ["text receivedAt", { ...wire(), receivedAt: "1" }, /receivedAt is not a timestamp/],
    ["fractional receivedAt", { ...wire(), receivedAt: 1.5 }, /receivedAt is not a timestamp/],
    ["negative receivedAt", { ...wire(), receivedAt: -1 }, /receivedAt is not a timestamp/],
    ["null headers", { ...wire(), headers: null }, /headers is not an object/],
    ["list headers", { ...wire(), headers: [] }, /headers is not an object/],
    ["text headers", { ...wire(), headers: "x" }, /headers is not an object/],
    ["a numeric header value", { ...wire(), headers: { a: 1 } }, /header values must be strings/],
    ["no body", { ...wire(), body: undefined }, /body missing/],
    ["unknown body encoding", { ...wire(), bodyEncoding: "hex" }, /bodyEncoding unknown/],
    ["unsignedHeaders not a list", { ...wire(), unsignedHeaders: "x" }, /unsignedHeaders is not a list of names/],
    ["unsignedHeaders of numbers", { ...wire(), unsignedHeaders: [1] }, /unsignedHeaders is not a list of names/],
    ["numeric deliveryId", { ...wire(), deliveryId: 7 }, /deliveryId is not a string/],
    ["numeric signedUrl", { ...wire(), signedUrl: 7 }, /signedUrl is not a string/],
  ];
  for (const [label, message, reason] of cases) {
    it(`${label}: refused`, () => {
      assert.throws(() => decodeEnvelope(JSON.stringify(message)), (error: unknown) => error instanceof MalformedEnvelopeError && reason.test(error.message));
    });
  }

  it("not JSON: refused as such", () => {
    assert.throws(() => decodeEnvelope("{"), (error: unknown) => error instanceof MalformedEnvelopeError && /not JSON/.test(error.message));
  });

  it("the valid envelope decodes to itself", () => {
    assert.deepEqual(decodeEnvelope(encodeEnvelope(envelope)), envelope);
  });
});

describe("envelope encoding", () => {
  /** `text` after enough ASCII that the body is over INLINE_BODY_MAX_BYTES, where the encoding is chosen by length. */
  const PAD = "x".repeat(INLINE_BODY_MAX_BYTES);
  const over = (text: string) => Buffer.from(`${PAD}${text}`);

  it("every body up to INLINE_BODY_MAX_BYTES travels as base64, whatever it holds; one byte more and a JSON body travels as text", () => {
    for (const body of [Buffer.alloc(0), Buffer.from("hello"), Buffer.from('{"a":"é"}'), Buffer.from([0xff, 0x00]), Buffer.from("x".repeat(INLINE_BODY_MAX_BYTES))]) {
      assert.deepEqual(bodyEncodingOf(body, body.toString("utf8")), { bodyEncoding: "base64", text: body.toString("base64"), token: `"${body.toString("base64")}"`, tokenBytes: body.toString("base64").length + 2 });
    }
    assert.equal(JSON.parse(encodeEnvelope({ ...envelope, body: Buffer.from("hello") })).bodyEncoding, "base64");
    assert.equal(bodyEncodingOf(Buffer.from("x".repeat(INLINE_BODY_MAX_BYTES + 1))).bodyEncoding, "utf8");
    // The threshold is in bytes, not characters: 4,097 two-byte characters are 8,194 bytes, over it.
    const accents = "é".repeat(4097);
    assert.equal(bodyEncodingOf(Buffer.from(accents), accents).bodyEncoding, "utf8");
    assert.equal(bodyEncodingOf(Buffer.from("é".repeat(4096)), "é".repeat(4096)).bodyEncoding, "base64");
  });

  it("above it a UTF-8 body travels as escaped text, anything else as base64; the token's size is its UTF-8 size", () => {
    const json = over('{"a":"é"}');
    assert.deepEqual(bodyEncodingOf(json), { bodyEncoding: "utf8", text: `${PAD}{"a":"é"}`, token: `"${PAD}{\\"a\\":\\"é\\"}"`, tokenBytes: INLINE_BODY_MAX_BYTES + 16 });
    assert.equal(Buffer.byteLength(bodyEncodingOf(json).token), INLINE_BODY_MAX_BYTES + 16);
    const binary = Buffer.concat([Buffer.from(PAD), Buffer.from([0xff, 0x00])]);
    assert.deepEqual(bodyEncodingOf(binary), { bodyEncoding: "base64", text: binary.toString("base64"), token: `"${binary.toString("base64")}"`, tokenBytes: binary.toString("base64").length + 2 });
    assert.equal(JSON.parse(encodeEnvelope({ ...envelope, body: over("hello") })).bodyEncoding, "utf8");
  });

  it("kept header values are cut to 1024 characters; other headers are not kept", () => {
    const kept = keptHeaders({ "user-agent": "u".repeat(2000), "x-github-event": "push", authorization: "secret" });
    assert.deepEqual(kept, { "user-agent": "u".repeat(1024), "x-github-event": "push" });
  });

  it("SQS's rules: at most maxBytes UTF-8 bytes, and only the characters SQS accepts, naming the first other one", () => {
    assert.equal(sqsMessageProblem("a".repeat(10), 10), undefined);
    assert.equal(sqsMessageProblem("a".repeat(11), 10), "message is 11 bytes, over SQS's 10");
    assert.equal(sqsMessageProblem("é".repeat(5), 10), undefined, "bytes, not characters");
    assert.equal(sqsMessageProblem("é".repeat(6), 10), "message is 12 bytes, over SQS's 10");
    assert.equal(sqsMessageProblem("ok\t\n\r\u{10FFFF}"), undefined);
    assert.equal(sqsMessageProblem("a\u0000b"), "message contains the character #x0, which SQS refuses");
    assert.equal(sqsMessageProblem("a\uFFFEb"), "message contains the character #xFFFE, which SQS refuses");
    assert.equal(sqsMessageProblem("a\u001fb"), "message contains the character #x1F, which SQS refuses");
  });

  it("the event's own text is used only when it can be what the bytes decode to", () => {
    const textOf = (body: Buffer, asText: string) => {
      const { bodyEncoding, text } = bodyEncodingOf(body, asText);
      return { bodyEncoding, text };
    };
    assert.deepEqual(textOf(over("ab"), `${PAD}abc`), { bodyEncoding: "utf8", text: `${PAD}ab` }, "longer than the bytes: not their text");
    assert.deepEqual(textOf(over("\uD800"), `${PAD}\uD800`), { bodyEncoding: "utf8", text: `${PAD}\uFFFD` }, "a lone surrogate is not what the bytes decode to");
    assert.deepEqual(textOf(over("é"), `${PAD}é`), { bodyEncoding: "utf8", text: `${PAD}é` });
  });

  it("above it a body whose escaped text is longer than its base64, or that holds U+FFFE/U+FFFF, travels as base64; otherwise as text", () => {
    // Bodies of 8,194 bytes: base64 is 10,928 characters, so the text may grow by up to 2,734 in escapes.
    // 2,734 one-byte characters that escape to 2 characters each reach the tie exactly (kept as text, below).
    const controls = (c: string) => `${"x".repeat(INLINE_BODY_MAX_BYTES + 2 - 2734)}${c.repeat(2734)}`;
    assert.equal(Buffer.from(controls("\u0000")).length, INLINE_BODY_MAX_BYTES + 2);
    // \u0000 escapes to 6 characters (+5 each), \b to 2 (+1 each).
    for (const c of ["\u0000", "\u000B", "\u000E", "\u001F"]) assert.equal(bodyEncodingOf(Buffer.from(controls(c))).bodyEncoding, "base64", JSON.stringify(c));
    for (const c of ["\b", "\f", "\t", "\n", "\r", '"', "\\"]) assert.equal(bodyEncodingOf(Buffer.from(controls(c))).bodyEncoding, "utf8", JSON.stringify(c));
    // U+FFFE and U+FFFF: JSON leaves them as they are and SQS refuses them, whatever the lengths.
    for (const text of ["a\uFFFE", "a\uFFFF", `${"x".repeat(1000)}\uFFFF`]) assert.equal(bodyEncodingOf(over(text)).bodyEncoding, "base64", JSON.stringify(text.slice(-2)));
    // A long JSON body with a few controls stays text: its escaping adds far less than base64's third.
    const mostlyJson = over(`{"log":"${"line\u0001".repeat(10)}${"x".repeat(1000)}"}`);
    assert.equal(bodyEncodingOf(mostlyJson).bodyEncoding, "utf8");
    assert.deepEqual(bodyEncodingOf(over("a\tb\nc\rd\u0020\uFFFD")).text, `${PAD}a\tb\nc\rd \uFFFD`);
  });

  it("at the tie the text is kept: a token exactly as long as the base64 one travels as text, one byte longer as base64", () => {
    // 8,196 bytes: base64 is 10,928 characters, a 10,930-byte token. 5,464 x and 2,732 quotes escape to
    // 5,464 + 2 x 2,732 = 10,928, plus 2 quotes = 10,930: text. One x fewer and one quote more: 10,931, base64.
    const tie = Buffer.from(`${"x".repeat(5464)}${'"'.repeat(2732)}`);
    assert.equal(tie.length, 8196);
    assert.equal(bodyEncodingOf(tie).bodyEncoding, "utf8");
    assert.equal(bodyEncodingOf(tie).tokenBytes, 10930);
    assert.equal(bodyEncodingOf(Buffer.from(`${"x".repeat(5463)}${'"'.repeat(2733)}`)).bodyEncoding, "base64");
  });

  it("U+FFFE and U+FFFF in metadata are escaped (SQS refuses them), and decode back", () => {
    const odd: Envelope = { ...envelope, headers: { "user-agent": "x\uFFFEy\uFFFF" }, unsignedHeaders: ["user-agent"], deliveryId: "d\uFFFF" };
    const message = encodeEnvelope(odd);
    assert.equal(sqsMessageProblem(message), undefined);
    assert.ok(message.includes('"x\\ufffey\\uffff"'), message);
    assert.deepEqual(decodeEnvelope(message), odd);
  });
});
