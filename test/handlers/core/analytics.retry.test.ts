// Publishing to Kinesis (handlers/core/analytics.ts): partition keys within Kinesis's 256-character limit, a
// record exactly at the 1 MiB record limit keeping its payload, and the retry schedule (exponential backoff with
// full jitter, stopping when the invocation is out of time).
import assert from "node:assert/strict";
import { kinesisEntryOf, partitionKeyOf, publishWithRetry, type AnalyticsRecord, type KinesisEntry } from "../../../handlers/core/analytics";

// Kinesis partition keys are at most 256 Unicode characters.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
const MAX_PARTITION_KEY = 256;

const entry = (ref: number): KinesisEntry<number> => ({ partitionKey: `t:${ref}`, data: Buffer.from(`{"n":${ref}}`), ref });

describe("analytics records on Kinesis", () => {
  it("partition key: tenant:eventId up to 256 characters; longer ones become tenant:sha256(eventId)", () => {
    const fits = "e".repeat(MAX_PARTITION_KEY - "acme:".length);
    assert.equal(partitionKeyOf({ tenant: "acme", eventId: fits }), `acme:${fits}`);
    const over = `${fits}e`;
    assert.match(partitionKeyOf({ tenant: "acme", eventId: over }), /^acme:[0-9a-f]{64}$/);
    assert.notEqual(partitionKeyOf({ tenant: "acme", eventId: over }), partitionKeyOf({ tenant: "acme", eventId: `${over}f` }));
  });

  it("a record of exactly the per-record limit keeps its payload; one byte more is published without it", () => {
    const record = { tenant: "t", eventId: "e", scheme: "github", receivedAt: 0, size: 0, payloadEncoding: "utf8", payload: "" } as unknown as AnalyticsRecord;
    const limits = { maxRecordsPerCall: 500, maxBytesPerCall: 5 * 1024 * 1024, maxBytesPerRecord: 400, maxPartitionKeyLength: 256 };
    const overhead = kinesisEntryOf(record, 0, limits).data.length + "t:e".length;
    const exact = kinesisEntryOf({ ...record, payload: "x".repeat(400 - overhead) }, 0, limits);
    assert.equal(exact.data.length + exact.partitionKey.length, 400);
    assert.ok(!("payloadOmitted" in JSON.parse(exact.data.toString())), "exactly at the limit keeps the payload");
    const over = kinesisEntryOf({ ...record, payload: "x".repeat(401 - overhead) }, 0, limits);
    assert.deepEqual([JSON.parse(over.data.toString()).payloadOmitted, JSON.parse(over.data.toString()).payload], [true, undefined]);
  });

  it("retries back off exponentially with full jitter, capped, and only while there is something to retry", async () => {
    const delays: number[] = [];
    let calls = 0;
    const port = { putRecords: async (chunk: readonly KinesisEntry<unknown>[]) => (calls++, chunk.map(() => (calls < 5 ? "ProvisionedThroughputExceededException" : null))) };
    const result = await publishWithRetry([entry(1)], port, { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void delays.push(ms), random: () => 0.5 });
    assert.deepEqual(delays, [100, 200, 400, 500], "random x min(max, base x 2^attempt), none before the first call");
    assert.deepEqual([result.published, result.failed.length, result.attempts], [1, 0, 5]);
  });

  it("what still fails is counted by its last failure: a record's ErrorCode, a missing answer, or the failed call's name", async () => {
    const down = Object.assign(new Error("service unavailable"), { name: "ServiceUnavailableException" });
    const answers: ((string | null)[] | Error)[] = [down, [null, "KMSThrottlingException", "ProvisionedThroughputExceededException"], ["ProvisionedThroughputExceededException"]];
    let calls = 0;
    const port = {
      putRecords: async () => {
        const answer = answers[calls++]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const result = await publishWithRetry([entry(1), entry(2), entry(3)], port, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
    // The third call answered for entry 2 only: entry 3, unanswered, still failed (never counted as published).
    assert.deepEqual([result.published, result.failed.map((e) => e.ref)], [1, [2, 3]]);
    assert.deepEqual(result.errorCodes, { ProvisionedThroughputExceededException: 1, NoAnswer: 1 });
    const allDown = await publishWithRetry([entry(1)], { putRecords: async () => Promise.reject(down) }, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
    assert.deepEqual(allDown.errorCodes, { ServiceUnavailableException: 1 });
    const oddThrow = await publishWithRetry([entry(1)], { putRecords: async () => Promise.reject("not an Error") }, { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
    assert.deepEqual(oddThrow.errorCodes, { CallFailed: 1 }, "a thrown non-Error still names a cause");
    const clean = await publishWithRetry([entry(1)], { putRecords: async () => [null] }, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
    assert.deepEqual(clean.errorCodes, {});
  });

  it("stops after maxAttempts, returning what still fails; never calls Kinesis with nothing to send", async () => {
    let calls = 0;
    const port = { putRecords: async (chunk: readonly KinesisEntry<unknown>[]) => (calls++, chunk.map(() => "ProvisionedThroughputExceededException")) };
    const result = await publishWithRetry([entry(1), entry(2)], port, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
    assert.deepEqual([calls, result.attempts, result.published, result.failed.map((e) => e.ref)], [3, 3, 0, [1, 2]]);
    const none = await publishWithRetry([], port, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
    assert.deepEqual([calls, none.attempts, none.published], [3, 0, 0]);
  });

  it("stops retrying when the invocation has no time for the next delay, reporting what is left", async () => {
    const asked: number[] = [];
    let calls = 0;
    const port = { putRecords: async (chunk: readonly KinesisEntry<unknown>[]) => (calls++, chunk.map(() => "ProvisionedThroughputExceededException")) };
    const result = await publishWithRetry([entry(1)], port, {
      maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, sleep: async () => {}, random: () => 1 - Number.EPSILON,
      hasTimeFor: (delay) => (asked.push(Math.round(delay)), asked.length < 2),
    });
    assert.deepEqual([calls, result.attempts, result.failed.length], [2, 2, 1]);
    assert.deepEqual(asked, [200, 400]);
  });
});
