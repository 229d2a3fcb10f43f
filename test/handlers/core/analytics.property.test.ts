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

  it("with the real limits, 501 records or 6 MiB never go in one call", () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.alloc(10), ref: i }));
    assert.deepEqual(chunkEntries(many).map((c) => c.length), [500, 500, 1]);
    const big = Array.from({ length: 12 }, (_, i) => ({ partitionKey: "k", data: Buffer.alloc(KINESIS_LIMITS.maxBytesPerRecord - 1), ref: i }));
    for (const chunk of chunkEntries(big)) assert.ok(chunk.reduce((s, e) => s + entryBytes(e), 0) <= KINESIS_LIMITS.maxBytesPerCall);
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
              return failed;
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
          tenant: { S: "acme" }, eventId: { S: "e" }, scheme: { S: "github" }, receivedAt: { N: "1700000000000" }, body: { B: Buffer.alloc(size, 0x61).toString("base64") },
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
