import assert from "node:assert/strict";
import type { DynamoDBRecord } from "aws-lambda";
import fc from "fast-check";
import { STREAM_CONSUMER } from "../../components/settings";
import { assertSupportedFilter, deliverWithRetries, lambdaAttributeValue, matchesFilter, nextAfter, type DeliveryPolicy, type SkipCondition, type StreamInvokeOutcome } from "../../local/streamMapping";

const NOW_MS = 1_760_000_000_000;

function records(count: number, createdSeconds = NOW_MS / 1000): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    eventName: "INSERT",
    dynamodb: { SequenceNumber: String(1000 + i), ApproximateCreationDateTime: createdSeconds },
  }));
}

const seq = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;

interface Run {
  invocations: string[][];
  skipped: { records: string[]; condition: SkipCondition; invokeCount: number }[];
}

async function run(batch: DynamoDBRecord[], respond: (records: DynamoDBRecord[]) => StreamInvokeOutcome, overrides: Partial<DeliveryPolicy> = {}): Promise<Run> {
  const result: Run = { invocations: [], skipped: [] };
  await deliverWithRetries(batch, {
    maximumRetryAttempts: STREAM_CONSUMER.maximumRetryAttempts,
    maximumRecordAgeSeconds: STREAM_CONSUMER.maximumRecordAgeSeconds,
    bisectBatchOnFunctionError: true,
    invoke: async (records) => {
      result.invocations.push(records.map(seq));
      return respond(records);
    },
    skip: async (records, condition, invokeCount) => {
      result.skipped.push({ records: records.map(seq), condition, invokeCount });
    },
    delay: async () => {},
    stopping: () => false,
    now: () => NOW_MS,
    ...overrides,
  });
  return result;
}

const failsOn = (poison: Set<string>) => (records: DynamoDBRecord[]): StreamInvokeOutcome =>
  records.some((record) => poison.has(seq(record))) ? { ok: false, error: new Error("boom") } : { ok: true, result: { batchItemFailures: [] } };

describe("DynamoDB stream mapping emulation", () => {
  it("with bisect, a function error isolates exactly the poison records; each goes to the on-failure destination alone", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: STREAM_CONSUMER.batchSize }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }))), async ([n, poisonIndexes]) => {
        const batch = records(n);
        const poison = new Set(poisonIndexes.map((i) => seq(batch[i]!)));
        const result = await run(batch, failsOn(poison));
        assert.deepEqual(result.skipped.map((skip) => skip.records).sort(), [...poison].map((id) => [id]).sort());
        assert.ok(result.skipped.every((skip) => skip.condition === "RetryAttemptsExhausted"));
        // Every other record reached the function in a batch that succeeded.
        const succeeded = new Set(result.invocations.filter((ids) => !ids.some((id) => poison.has(id))).flat());
        for (const record of batch) if (!poison.has(seq(record))) assert.ok(succeeded.has(seq(record)), `${seq(record)} never delivered`);
      }),
      { numRuns: 60 },
    );
  });

  it("a partial batch response retries from the lowest failed sequence number, never re-sending what came before", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 50 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 3 }))), async ([n, failing]) => {
        const batch = records(n);
        let first = true;
        const result = await run(batch, (records) => {
          if (!first) return { ok: true, result: { batchItemFailures: [] } };
          first = false;
          return { ok: true, result: { batchItemFailures: failing.map((i) => ({ itemIdentifier: seq(records[i]!) })) } };
        });
        const lowest = Math.min(...failing);
        assert.equal(result.invocations.length, 2);
        assert.deepEqual(result.invocations[1], batch.slice(lowest).map(seq));
        assert.deepEqual(result.skipped, []);
      }),
    );
  });

  it("a record that always fails is retried maximumRetryAttempts times, then skipped with its invoke count", async () => {
    const batch = records(1);
    const result = await run(batch, () => ({ ok: true, result: { batchItemFailures: [{ itemIdentifier: seq(batch[0]!) }] } }));
    assert.equal(result.invocations.length, STREAM_CONSUMER.maximumRetryAttempts + 1);
    assert.deepEqual(result.skipped, [{ records: [seq(batch[0]!)], condition: "RetryAttemptsExhausted", invokeCount: STREAM_CONSUMER.maximumRetryAttempts + 1 }]);
  });

  it("records older than maximumRecordAgeSeconds are skipped without invoking the function", async () => {
    const old = records(3, NOW_MS / 1000 - STREAM_CONSUMER.maximumRecordAgeSeconds - 1);
    const result = await run(old, () => assert.fail("must not invoke"));
    assert.deepEqual(result.skipped.map((skip) => skip.condition), ["RecordAgeExceeded"]);
    assert.equal(result.skipped[0]!.records.length, 3);
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (MaximumRecordAgeInSeconds: "discard records older than")
  it("only the records past maximumRecordAgeSeconds are skipped; the younger ones of the batch still reach the function", async () => {
    const old = records(2, NOW_MS / 1000 - STREAM_CONSUMER.maximumRecordAgeSeconds - 1);
    const young = records(4).slice(2);
    const result = await run([...old, ...young], () => ({ ok: true, result: { batchItemFailures: [] } }));
    assert.deepEqual(result.skipped, [{ records: old.map(seq), condition: "RecordAgeExceeded", invokeCount: 0 }]);
    assert.deepEqual(result.invocations, [young.map(seq)]);
  });

  it("a record exactly maximumRecordAgeSeconds old is not yet older than the limit: it is delivered", async () => {
    const atLimit = records(1, NOW_MS / 1000 - STREAM_CONSUMER.maximumRecordAgeSeconds);
    const result = await run(atLimit, () => ({ ok: true, result: { batchItemFailures: [] } }));
    assert.deepEqual(result.invocations, [atLimit.map(seq)]);
    assert.deepEqual(result.skipped, []);
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (BisectBatchOnFunctionError splits a batch in two)
  it("with bisect, a single failing record is retried as is: a batch of one is never split, no empty batch is invoked", async () => {
    const batch = records(1);
    const result = await run(batch, () => ({ ok: false, error: new Error("boom") }));
    assert.deepEqual(result.invocations, Array.from({ length: STREAM_CONSUMER.maximumRetryAttempts + 1 }, () => [seq(batch[0]!)]));
    assert.deepEqual(result.skipped, [{ records: [seq(batch[0]!)], condition: "RetryAttemptsExhausted", invokeCount: STREAM_CONSUMER.maximumRetryAttempts + 1 }]);
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
  it("a filter list mixing exact values with any other matcher is refused: only exact-value matching is emulated", () => {
    assert.throws(() => assertSupportedFilter({ eventName: ["INSERT", { prefix: "MOD" }] } as never), /^Error: filter eventName: only exact-value matching is emulated locally$/);
    assert.throws(() => assertSupportedFilter({ a: { b: [{ numeric: [">", 1] }, "x"] } } as never), /^Error: filter a\.b: only exact-value matching/);
  });

  it("stopping ends retries with the checkpoint before the failed records (nothing skipped)", async () => {
    const result = await run(records(4), () => ({ ok: false, error: new Error("down") }), { stopping: () => true });
    assert.equal(result.invocations.length, 1);
    assert.deepEqual(result.skipped, []);
  });

  it("an invalid itemIdentifier retries the whole batch; a missing response means success", () => {
    const batch = records(3);
    for (const itemIdentifier of ["", undefined, 42, "no-such-sequence"]) {
      assert.deepEqual(nextAfter(batch, { ok: true, result: { batchItemFailures: [{ itemIdentifier }] } }), { kind: "retryFrom", index: 0 });
    }
    assert.deepEqual(nextAfter(batch, { ok: true, result: undefined }), { kind: "done" });
    assert.deepEqual(nextAfter(batch, { ok: true, result: null }), { kind: "done" });
  });

  it("stream binary attributes become Lambda's base64, nested ones too", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const base64 = Buffer.from(bytes).toString("base64");
        assert.deepEqual(lambdaAttributeValue({ B: bytes }), { B: base64 });
        assert.deepEqual(lambdaAttributeValue({ M: { x: { L: [{ B: bytes }, { S: "s" }] } } }), { M: { x: { L: [{ B: base64 }, { S: "s" }] } } });
        assert.deepEqual(lambdaAttributeValue({ BS: [bytes] }), { BS: [base64] });
      }),
    );
  });

  it("the INSERT filter passes inserts only", () => {
    const pattern = STREAM_CONSUMER.filterPattern;
    assert.equal(matchesFilter({ eventName: "INSERT" }, pattern), true);
    assert.equal(matchesFilter({ eventName: "REMOVE" }, pattern), false);
    assert.equal(matchesFilter({ eventName: "MODIFY" }, pattern), false);
    assert.equal(matchesFilter({ dynamodb: { NewImage: { tenant: { S: "a" } } } }, { dynamodb: { NewImage: { tenant: { S: ["a"] } } } }), true);
  });
});
