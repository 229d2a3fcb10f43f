import assert from "node:assert/strict";
import fc from "fast-check";
import {
  KINESIS_LIMITS, analyticsRecordOf, chunkEntries, entryBytes, kinesisEntryOf, publishWithRetry, type KinesisEntry, type KinesisLimits,
} from "../../../handlers/core/analytics";

/** Limits scaled down 1024x so arbitrary batches hit every boundary without allocating megabytes. */
const SMALL: KinesisLimits = { maxRecordsPerCall: 7, maxBytesPerCall: 5 * 1024, maxBytesPerRecord: 1024, maxPartitionKeyLength: 256 };

const arbEntry = fc
  .record({ key: fc.stringMatching(/^[a-z0-9:-]{1,40}$/), size: fc.integer({ min: 0, max: 1024 - 41 }) })
  .map(({ key, size }) => ({ partitionKey: key, data: Buffer.alloc(size, 1) }));

const arbEntries = fc.array(arbEntry, { maxLength: 60 }).map((entries) => entries.map((entry, i): KinesisEntry<number> => ({ ...entry, ref: i })));

const noSleep = { sleep: async () => {}, random: () => 0.5, baseDelayMs: 1, maxDelayMs: 10 };

describe("analytics fan-out (properties)", () => {
  it("Kinesis chunking respects every limit and keeps every entry once, in order", () => {
    fc.assert(
      fc.property(arbEntries, (entries) => {
        const chunks = chunkEntries(entries, SMALL);
        assert.deepEqual(chunks.flat().map((e) => e.ref), entries.map((e) => e.ref));
        for (const chunk of chunks) {
          assert.ok(chunk.length >= 1 && chunk.length <= SMALL.maxRecordsPerCall);
          assert.ok(chunk.reduce((sum, e) => sum + entryBytes(e), 0) <= SMALL.maxBytesPerCall);
          for (const e of chunk) assert.ok(entryBytes(e) <= SMALL.maxBytesPerRecord);
        }
      }),
    );
  });

  // The limits AWS fixes, as literals (never through KINESIS_LIMITS, the constant under test):
  // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
  // "Each PutRecords request can support up to 500 records. Each record in the request can be as large as 1 MiB,
  // up to a limit of 5 MiB for the entire request, including partition keys."
  const AWS_MAX_RECORDS_PER_CALL = 500;
  const AWS_MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
  const AWS_MAX_BYTES_PER_RECORD = 1024 * 1024;

  it("KINESIS_LIMITS are AWS's PutRecords limits: 500 records, 5 MiB per call, 1 MiB per record", () => {
    assert.equal(KINESIS_LIMITS.maxRecordsPerCall, AWS_MAX_RECORDS_PER_CALL);
    assert.equal(KINESIS_LIMITS.maxBytesPerCall, AWS_MAX_BYTES_PER_CALL);
    assert.equal(KINESIS_LIMITS.maxBytesPerRecord, AWS_MAX_BYTES_PER_RECORD);
  });

  it("with the default limits, 501 records or more than 5 MiB never go in one call", () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.alloc(10), ref: i }));
    assert.deepEqual(chunkEntries(many).map((c) => c.length), [500, 500, 1]);
    // Twelve records of 1 MiB each (partition key included): at most five fit in one 5 MiB call. One shared
    // buffer keeps the test at 1 MiB of memory.
    const data = Buffer.alloc(AWS_MAX_BYTES_PER_RECORD - 1);
    const big = Array.from({ length: 12 }, (_, i) => ({ partitionKey: "k", data, ref: i }));
    const chunks = chunkEntries(big);
    for (const chunk of chunks) {
      assert.ok(chunk.reduce((s, e) => s + entryBytes(e), 0) <= AWS_MAX_BYTES_PER_CALL, "a call above 5 MiB");
      assert.ok(chunk.length <= AWS_MAX_RECORDS_PER_CALL);
    }
    assert.deepEqual(chunks.map((c) => c.length), [5, 5, 2]);
    assert.deepEqual(chunks.flat().map((e) => e.ref), big.map((e) => e.ref));
  });

  it("with the default limits, a record above 1 MiB is refused, and one of exactly 1 MiB is not", () => {
    const exactly = { partitionKey: "k", data: Buffer.alloc(AWS_MAX_BYTES_PER_RECORD - 1), ref: 0 };
    assert.deepEqual(chunkEntries([exactly]).map((c) => c.length), [1]);
    assert.throws(() => chunkEntries([{ ...exactly, data: Buffer.alloc(AWS_MAX_BYTES_PER_RECORD) }]), RangeError);
  });

  it("retries only failed entries: each entry is accepted at most once, and published + failed = all", async () => {
    await fc.assert(
      fc.asyncProperty(arbEntries, fc.array(fc.boolean(), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), async (entries, failPattern, maxAttempts, callFails) => {
        const accepted: number[] = [];
        let call = 0;
        let flip = 0;
        const port = {
          async putRecords(chunk: readonly KinesisEntry<unknown>[]) {
            call += 1;
            if (callFails && call === 1) throw new Error("ServiceUnavailable");
            return chunk.map((entry) => {
              const failed = failPattern[flip++ % failPattern.length]!;
              if (!failed) accepted.push(entry.ref as number);
              return failed ? "ProvisionedThroughputExceededException" : null;
            });
          },
        };
        const result = await publishWithRetry(entries, port, { ...noSleep, maxAttempts }, SMALL);
        assert.equal(new Set(accepted).size, accepted.length, "an accepted entry was sent again");
        assert.equal(result.published + result.failed.length, entries.length);
        assert.deepEqual(new Set([...accepted, ...result.failed.map((e) => e.ref)]), new Set(entries.map((e) => e.ref)));
        assert.ok(result.attempts <= maxAttempts);
      }),
    );
  });

  it("an event too large for one record is published without its payload, never dropped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4000 }), (size) => {
        const record = analyticsRecordOf({
          pk: { S: "acme#e" }, tenant: { S: "acme" }, eventId: { S: "e" }, scheme: { S: "github" }, receivedAt: { N: "1700000000000" }, body: { B: Buffer.alloc(size, 0x61).toString("base64") },
        })!;
        const entry = kinesisEntryOf(record, "seq", SMALL);
        assert.ok(entryBytes(entry) <= SMALL.maxBytesPerRecord);
        const decoded = JSON.parse(entry.data.toString());
        assert.equal(decoded.size, size);
        assert.equal(decoded.payload === undefined, decoded.payloadOmitted === true);
      }),
    );
  });
});
