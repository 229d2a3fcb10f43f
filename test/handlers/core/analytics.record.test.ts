// The analytics record read from an events-table stream image (handlers/core/analytics.ts): which header names
// are marked unsigned, the metadata carried only when present, an image without a body, and the errors a
// publish reports.
import assert from "node:assert/strict";
import { analyticsRecordOf, chunkEntries, publishWithRetry, type KinesisEntry } from "../../../handlers/core/analytics";

const image = {
  pk: { S: "acme#e1" }, tenant: { S: "acme" }, eventId: { S: "e1" }, scheme: { S: "twilio" }, receivedAt: { N: "1760000000000" },
  headers: { M: { "content-type": { S: "application/json" }, "user-agent": { S: "TwilioProxy" }, odd: { N: "1" } } },
  body: { B: Buffer.from("{}").toString("base64") },
};

describe("analytics record of a stream image", () => {
  it("the unsigned header names are the listed ones (names that are not strings skipped); without a list, every header", () => {
    assert.deepEqual(analyticsRecordOf({ ...image, unsignedHeaders: { L: [{ S: "user-agent" }, { N: "5" }, { S: "content-type" }] } })!.unsignedHeaders, ["user-agent", "content-type"]);
    assert.deepEqual(analyticsRecordOf({ ...image, unsignedHeaders: { L: [] } })!.unsignedHeaders, []);
    assert.deepEqual(analyticsRecordOf(image)!.unsignedHeaders, ["content-type", "user-agent"], "an item from before the list existed");
    assert.deepEqual(analyticsRecordOf(image)!.headers, { "content-type": "application/json", "user-agent": "TwilioProxy" });
  });

  it("delivery id and signed URL are carried exactly when the image has them", () => {
    const full = analyticsRecordOf({ ...image, deliveryId: { S: "d-1" }, signedUrl: { S: "https://x/y?bodySHA256=00" } })!;
    assert.deepEqual([full.deliveryId, full.signedUrl], ["d-1", "https://x/y?bodySHA256=00"]);
    const bare = analyticsRecordOf(image)!;
    assert.ok(!("deliveryId" in bare) && !("signedUrl" in bare));
    const wrongType = analyticsRecordOf({ ...image, deliveryId: { N: "1" } })!;
    assert.ok(!("deliveryId" in wrongType));
  });

  it("an image without a body is an empty payload, not a throw", () => {
    const { body: _body, ...noBody } = image;
    const record = analyticsRecordOf(noBody)!;
    assert.deepEqual([record.size, record.payloadEncoding, record.payload], [0, "utf8", ""]);
  });
});

describe("publishing analytics entries", () => {
  const entry = (ref: number, bytes = 2): KinesisEntry<number> => ({ partitionKey: "k", data: Buffer.alloc(bytes), ref });

  it("an entry over Kinesis' 1 MiB record is refused naming its size and the limit", () => {
    // Data plus partition key, at most 1 MiB: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
    assert.throws(() => chunkEntries([entry(0, 1_048_576)]), (error: unknown) => error instanceof RangeError && error.message === "entry of 1048577 bytes exceeds the 1048576-byte record limit");
  });

  it("a publish where every call succeeds reports no call errors; a failed call's error is reported", async () => {
    const policy = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 };
    const clean = await publishWithRetry([entry(1), entry(2)], { putRecords: async (chunk) => chunk.map(() => null) }, policy);
    assert.deepEqual([clean.published, clean.failed, clean.attempts, clean.callErrors], [2, [], 1, []]);
    const down = new Error("ServiceUnavailable");
    let calls = 0;
    const flaky = await publishWithRetry([entry(1)], { putRecords: async (chunk) => (calls++ === 0 ? Promise.reject(down) : chunk.map(() => null)) }, policy);
    assert.deepEqual([flaky.published, flaky.attempts, flaky.callErrors], [1, 2, [down]]);
  });
});
