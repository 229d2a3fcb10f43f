// Bodies at rest (handlers/core/storedBody.ts): gzip'ed in the events table only when smaller, always given back
// byte for byte, and a damaged item is refused rather than published as some other body.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { eventItemAttributes } from "../../../handlers/adapters/dynamo";
import { analyticsRecordOf, malformedImageReason, type StreamAttribute } from "../../../handlers/core/analytics";
import { eventItemFrom } from "../../../handlers/core/eventItem";
import { bodyFromStored, GZIP_MIN_BODY_BYTES, storedBodyOf } from "../../../handlers/core/storedBody";
import { arbBody, arbJsonBody } from "../../helpers/arbitraries";
import { itemBytes, sampleGithubEnvelope, sampleWebhook } from "../../helpers/items";

const envelopeOf = (body: Buffer) => ({
  tenant: "acme",
  eventId: `sig:${"ab".repeat(32)}`,
  scheme: "github" as const,
  receivedAt: 1_764_244_800_000,
  headers: { "content-type": "application/json", "x-github-event": "push", "user-agent": "GitHub-Hookshot/abc1234" },
  body,
});

/** The stream image Lambda would deliver for the item (binary attributes base64). */
function imageOf(attributes: ReturnType<typeof eventItemAttributes>): Record<string, StreamAttribute> {
  return JSON.parse(JSON.stringify(attributes, (_key, value) => (value?.type === "Buffer" ? Buffer.from(value.data).toString("base64") : value)));
}

describe("bodies at rest", () => {
  it("any body comes back byte for byte from what the item stores", () => {
    fc.assert(
      fc.property(fc.oneof(arbBody, arbJsonBody, fc.string({ maxLength: 4096 }).map((text) => Buffer.from(text.repeat(3)))), (body) => {
        const stored = storedBodyOf(body);
        assert.ok(stored.bytes.length <= body.length, "stored bytes never exceed the body");
        assert.deepEqual(bodyFromStored(stored.bytes, stored.encoding, body.length), body);
      }),
    );
  });

  it("a body shorter than 256 bytes is stored as received, whatever gzip would make of it", () => {
    assert.equal(GZIP_MIN_BODY_BYTES, 256);
    const short = Buffer.from("a".repeat(255));
    assert.deepEqual(storedBodyOf(short), { bytes: short });
    assert.equal(storedBodyOf(Buffer.from("a".repeat(256))).encoding, "gzip");
  });

  it("a body gzip does not shrink (random bytes) is stored as received", () => {
    const random = Buffer.concat(Array.from({ length: 32 }, (_, i) => createHash("sha256").update(String(i)).digest()));
    const stored = storedBodyOf(random);
    assert.equal(stored.encoding, undefined);
    assert.equal(stored.bytes, random);
  });

  it("a typical 2 KiB JSON webhook's item takes 1 write unit: its body gzip'ed, nothing stored twice (3 as received)", () => {
    const envelope = sampleGithubEnvelope();
    assert.ok(envelope.body.length >= 1900 && envelope.body.length <= 2300, `sample is ${envelope.body.length} B`);
    const item = eventItemAttributes(eventItemFrom(envelope, 7));
    assert.equal(item.bodyEncoding?.S, "gzip");
    const asReceived = { ...item, body: { B: envelope.body } } as typeof item;
    delete (asReceived as Record<string, unknown>).bodyEncoding;
    assert.equal(Math.ceil(itemBytes(asReceived as never) / 1024), 3);
    assert.equal(Math.ceil(itemBytes(item as never) / 1024), 1, `gzip'ed item is ${itemBytes(item as never)} B`);
  });

  it("the item says gzip only when its body is gzip'ed, and keeps the body's own size", () => {
    const body = sampleWebhook();
    const gzipped = eventItemAttributes(eventItemFrom(envelopeOf(body), 7));
    assert.deepEqual([gzipped.bodyEncoding, gzipped.size], [{ S: "gzip" }, { N: String(body.length) }]);
    const plain = eventItemAttributes(eventItemFrom(envelopeOf(Buffer.from("{}")), 7));
    assert.equal("bodyEncoding" in plain, false);
    assert.deepEqual(plain.body, { B: Buffer.from("{}") });
  });

  it("the analytics record carries the body as received, from a gzip'ed item's stream image", () => {
    const body = sampleWebhook();
    const record = analyticsRecordOf(imageOf(eventItemAttributes(eventItemFrom(envelopeOf(body), 7))));
    assert.deepEqual([record?.payloadEncoding, record?.payload, record?.size], ["utf8", body.toString("utf8"), body.length]);
  });

  it("any changed byte of a gzip'ed body gives the same body or none, never another body", () => {
    const body = sampleWebhook();
    const stored = storedBodyOf(body);
    fc.assert(
      fc.property(fc.nat({ max: stored.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const damaged = Buffer.from(stored.bytes);
        damaged[index]! ^= flip;
        const back = bodyFromStored(damaged, "gzip", body.length);
        assert.ok(back === undefined || back.equals(body), `byte ${index} ^ ${flip} gave another body`);
      }),
    );
  });

  it("a stored body that disagrees with its item is refused: wrong size, unknown encoding, not gzip, over the limit", () => {
    const body = sampleWebhook();
    const { bytes } = storedBodyOf(body);
    assert.deepEqual(bodyFromStored(bytes, "gzip", body.length), body);
    for (const size of [body.length - 1, body.length + 1, Number.NaN, -1, 1.5]) assert.equal(bodyFromStored(bytes, "gzip", size), undefined, String(size));
    assert.equal(bodyFromStored(bytes, "br", body.length), undefined);
    assert.equal(bodyFromStored(body, "gzip", body.length), undefined);
    // Only inline bodies (at most 8 KiB) are gzip'ed, so no larger gzip'ed size is believed.
    const zeros = gzipSync(Buffer.alloc(8 * 1024 + 1));
    assert.equal(bodyFromStored(zeros, "gzip", 8 * 1024 + 1), undefined);
    assert.equal(bodyFromStored(gzipSync(Buffer.alloc(8 * 1024)), "gzip", 8 * 1024)?.length, 8 * 1024);
    assert.equal(bodyFromStored(gzipSync(Buffer.alloc(6_291_456)), "gzip", 6_291_456), undefined, "6 MiB of zeros gzip to ~6 KB: never inflated");
  });

  it("a body over the 8 KiB inline threshold (a stack without a bodies bucket) is stored as received; at it, gzip'ed", () => {
    const over = Buffer.from("x".repeat(8 * 1024 + 1));
    assert.deepEqual(storedBodyOf(over), { bytes: over });
    assert.equal(storedBodyOf(Buffer.from("x".repeat(8 * 1024))).encoding, "gzip");
  });

  it("a small size cannot be inflated past: a gzip bomb claiming 100 bytes is refused without inflating it", () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.equal(bodyFromStored(bomb, "gzip", 100), undefined);
    assert.equal(bodyFromStored(gzipSync(Buffer.alloc(0)), "gzip", 0)?.length, 0);
  });

  it("a damaged gzip'ed image is not an event to publish (the consumer counts it malformed)", () => {
    const attributes = eventItemAttributes(eventItemFrom(envelopeOf(sampleWebhook()), 7));
    const image = imageOf(attributes);
    assert.ok(analyticsRecordOf(image));
    assert.equal(analyticsRecordOf({ ...image, size: { N: "1" } }), undefined);
    assert.equal(analyticsRecordOf({ ...image, bodyEncoding: { S: "zstd" } }), undefined);
    // The consumer's log line says why, for on-call (RUNBOOK malformed-stream-records).
    assert.equal(malformedImageReason({ ...image, size: { N: "1" } }), "stored body does not decode to its size (bodyEncoding gzip, size 1)");
    assert.equal(malformedImageReason({ ...image, bodyEncoding: { S: "zstd" }, size: undefined as never }), "stored body does not decode to its size (bodyEncoding zstd, size missing)");
    assert.equal(malformedImageReason({ pk: { S: "x" } }), "missing tenant, event id, scheme or time");
    for (const missing of ["pk", "scheme", "receivedKey"]) {
      const partial = { ...image };
      delete partial[missing];
      assert.equal(malformedImageReason(partial), "missing tenant, event id, scheme or time", missing);
    }
    const { bodyEncoding: _encoding, ...plain } = image;
    assert.equal(malformedImageReason(plain), `stored body does not decode to its size (bodyEncoding none, size ${image.size!.N})`);
    assert.equal(malformedImageReason({ ...image, receivedAt: { N: "soon" } }), "missing tenant, event id, scheme or time");
    assert.equal(malformedImageReason({ ...image, receivedKey: { S: "soon" } }), "missing tenant, event id, scheme or time");
    assert.equal(malformedImageReason(undefined), "no new image");
  });

  it("an item written before bodies were gzip'ed (no bodyEncoding) reads as its bytes", () => {
    const body = sampleWebhook();
    assert.deepEqual(bodyFromStored(body, undefined, body.length), body);
    const record = analyticsRecordOf({ pk: { S: "acme#e1" }, tenant: { S: "acme" }, eventId: { S: "e1" }, scheme: { S: "github" }, receivedAt: { N: "1" }, body: { B: body.toString("base64") }, size: { N: String(body.length) } });
    assert.equal(record?.payload, body.toString("utf8"));
  });
});
