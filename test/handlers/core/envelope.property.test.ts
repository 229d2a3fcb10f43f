import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../../../handlers/core/envelope";
import { MalformedEnvelopeError } from "../../../handlers/core/errors";
import { arbBody, arbDeliveryId, arbScheme } from "../../helpers/arbitraries";

const arbEnvelope: fc.Arbitrary<Envelope> = fc.record({
  tenant: fc.stringMatching(/^[a-z0-9-]{1,32}$/),
  eventId: fc.oneof(arbDeliveryId, fc.string({ minLength: 1, maxLength: 64 })),
  scheme: arbScheme,
  receivedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  headers: fc.dictionary(fc.constantFrom("content-type", "user-agent", "x-github-event"), fc.string({ maxLength: 40 })),
  body: fc.oneof(arbBody, fc.string({ unit: "grapheme", maxLength: 200 }).map((s) => Buffer.from(s))),
});

/** Characters SQS accepts in a message body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const SQS_SAFE = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe("envelope (properties)", () => {
  it("decode(encode(x)) = x, byte for byte", () => {
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const decoded = decodeEnvelope(encodeEnvelope(envelope));
        assert.deepEqual({ ...decoded, body: decoded.body.toString("hex") }, { ...envelope, headers: { ...envelope.headers }, body: envelope.body.toString("hex") });
      }),
    );
  });

  it("an encoded envelope is always a valid SQS message body", () => {
    fc.assert(fc.property(arbEnvelope, (envelope) => assert.match(encodeEnvelope(envelope), SQS_SAFE)));
  });

  it("anything that is not an envelope is a MalformedEnvelopeError, never another exception", () => {
    const arbMessage = fc.oneof(fc.string(), fc.json(), arbEnvelope.map((e) => JSON.stringify({ ...JSON.parse(encodeEnvelope(e)), v: 2 })));
    fc.assert(
      fc.property(arbMessage, (message) => {
        try {
          decodeEnvelope(message);
        } catch (error) {
          assert.ok(error instanceof MalformedEnvelopeError, String(error));
        }
      }),
    );
  });
});
