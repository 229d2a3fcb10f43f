// The DynamoDB stream mapping emulator's shard reading (local/streamMapping.ts) over a scripted DynamoDB Streams
// API (FakeAws answering as AWS does): no Java, so mutation runs can use it; streamMapping.test.ts covers the
// same against DynamoDB Local.
import assert from "node:assert/strict";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { ReservedConcurrency } from "../../local/invocation";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import { DynamoStreamEventSourceMapping, type StreamFailureRecord, type StreamMappingOptions } from "../../local/streamMapping";
import { FakeAws, type RecordedCall } from "../helpers/fakeAws";
import { silentLogger } from "../helpers/handlers";

const ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/2026-01-01T00:00:00.000";

interface Shard {
  readonly id: string;
  readonly parent?: string;
  readonly records: { seq: string; name?: string; at?: number }[];
  /** Closed shards end (no NextShardIterator) after their records. */
  readonly closed: boolean;
}

function raw(seq: string, name = "INSERT", at = 1_760_000_000) {
  return { eventID: `ev-${seq}`, eventName: name, eventVersion: "1.1", eventSource: "aws:dynamodb", awsRegion: "us-east-1", dynamodb: { ApproximateCreationDateTime: at, Keys: { pk: { S: `k${seq}` } }, NewImage: { pk: { S: `k${seq}` } }, SequenceNumber: seq, SizeBytes: 10, StreamViewType: "NEW_IMAGE" } };
}

interface ScriptOptions {
  /** The first GetRecords past a shard's start answers ExpiredIteratorException. */
  readonly expireOnce?: boolean;
  /** The first GetRecords past a shard's start answers LimitExceededException (a transient error). */
  readonly throttleOnce?: boolean;
  /** Shards whose GetShardIterator answers no iterator (closed, nothing left to read). */
  readonly noIterator?: readonly string[];
  /** DescribeStream pages of this many shards (LastEvaluatedShardId between them). */
  readonly describePageSize?: number;
}

async function scriptedStream(shards: Shard[], options: ScriptOptions = {}) {
  let expired = !options.expireOnce;
  let throttled = !options.throttleOnce;
  const fake = await FakeAws.start((call: RecordedCall) => {
    const json = (body: unknown) => ({ status: 200, contentType: "application/x-amz-json-1.0", body });
    switch (call.target) {
      case "DynamoDBStreams_20120810.DescribeStream":
      {
        const from = call.body.ExclusiveStartShardId === undefined ? 0 : shards.findIndex((s) => s.id === call.body.ExclusiveStartShardId) + 1;
        const page = shards.slice(from, from + (options.describePageSize ?? shards.length));
        const more = from + page.length < shards.length;
        return json({ StreamDescription: { StreamArn: ARN, StreamStatus: "ENABLED", Shards: page.map((s) => ({ ShardId: s.id, ...(s.parent ? { ParentShardId: s.parent } : {}), SequenceNumberRange: { StartingSequenceNumber: "0" } })), ...(more ? { LastEvaluatedShardId: page[page.length - 1]!.id } : {}) } });
      }
      case "DynamoDBStreams_20120810.GetShardIterator": {
        const shard = shards.find((s) => s.id === call.body.ShardId)!;
        if (options.noIterator?.includes(shard.id)) return json({});
        const after = call.body.ShardIteratorType === "AFTER_SEQUENCE_NUMBER" ? shard.records.findIndex((r) => r.seq === call.body.SequenceNumber) + 1 : 0;
        return json({ ShardIterator: `${shard.id}|${after}` });
      }
      case "DynamoDBStreams_20120810.GetRecords": {
        const [id, from] = String(call.body.ShardIterator).split("|");
        const shard = shards.find((s) => s.id === id)!;
        const start = Number(from);
        if (!expired && start > 0) {
          expired = true;
          return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException", message: "Iterator expired" } };
        }
        if (!throttled && start > 0) {
          throttled = true;
          return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.dynamodb.v20120810#LimitExceededException", message: "Rate exceeded" } };
        }
        const page = shard.records.slice(start, start + 2).map((r) => raw(r.seq, r.name, r.at));
        const next = start + page.length;
        const done = next >= shard.records.length && shard.closed;
        return json({ Records: page, ...(done ? {} : { NextShardIterator: `${id}|${next}` }) });
      }
    }
    return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "UnknownOperationException" } };
  });
  const client = new DynamoDBStreamsClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return { fake, client, stop: async () => (client.destroy(), await fake.stop()) };
}

function mapping(client: DynamoDBStreamsClient, handler: StreamMappingOptions["handler"], overrides: Partial<StreamMappingOptions> = {}) {
  const failures: StreamFailureRecord[] = [];
  const m = new DynamoStreamEventSourceMapping({
    client, streamArn: ARN, functionArn: "arn:aws:lambda:us-east-1:000000000000:function:consumer", handler,
    batchSize: 100, maximumBatchingWindowSeconds: 0, maximumRetryAttempts: 2, maximumRecordAgeSeconds: 1e9, bisectBatchOnFunctionError: true,
    functionTimeoutSeconds: 5, concurrency: new ReservedConcurrency(2), onFailure: async (f) => void failures.push(f), logger: silentLogger,
    retryDelayMs: () => 1, pollIntervalMs: 5, now: () => 1_760_000_100_000, ...overrides,
  });
  return { m, failures };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), what);
}

const T0 = 1_760_000_100_000;

function getRecordsCalls(stream: { fake: FakeAws }): number {
  return stream.fake.calls.filter((c) => c.target.endsWith("GetRecords")).length;
}

/** Waits for `count` GetRecords calls with this iterator: each one follows a full pass of the reader's loop. */
async function readsAfter(stream: { fake: FakeAws }, iterator: string, count: number): Promise<void> {
  const base = stream.fake.calls.filter((c) => c.body.ShardIterator === iterator).length;
  await until(() => stream.fake.calls.filter((c) => c.body.ShardIterator === iterator).length >= base + count, `${count} reads at ${iterator}`);
}

describe("stream mapping over a scripted DynamoDB Streams API", () => {
  it("reads a closed shard to its end, in order, filtered, as Lambda records; a child shard only after its parent", async () => {
    const stream = await scriptedStream([
      { id: "child", parent: "parent", records: [{ seq: "5" }], closed: false },
      { id: "parent", records: [{ seq: "1" }, { seq: "2", name: "MODIFY" }, { seq: "3" }], closed: true },
    ]);
    const seen: string[] = [];
    const { m } = mapping(stream.client, async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)), { filterPattern: { eventName: ["INSERT"] } });
    m.start();
    await until(() => seen.length === 3, "parent's inserts and the child's");
    await m.stop();
    await stream.stop();
    assert.deepEqual(seen, ["1", "3", "5"]);
    const calls = stream.fake.calls.map((c) => [c.target.split(".")[1], c.body.ShardId ?? String(c.body.ShardIterator ?? "").split("|")[0]]);
    const firstChild = calls.findIndex(([op, shard]) => op === "GetShardIterator" && shard === "child");
    const lastParent = calls.map(([op, shard]) => op === "GetRecords" && shard === "parent").lastIndexOf(true);
    assert.ok(firstChild > lastParent, "the child is read only once the parent is finished");
  });

  it("an expired iterator is replaced by one after the last record read: nothing read twice, nothing lost", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }, { seq: "2" }, { seq: "3" }, { seq: "4" }], closed: true }], { expireOnce: true });
    const seen: string[] = [];
    const { m } = mapping(stream.client, async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)), { batchSize: 2 });
    m.start();
    await until(() => seen.length === 4, "all four");
    await m.stop();
    await stream.stop();
    assert.deepEqual(seen, ["1", "2", "3", "4"]);
    const after = stream.fake.calls.find((c) => c.body.ShardIteratorType === "AFTER_SEQUENCE_NUMBER");
    assert.equal(after?.body.SequenceNumber, "2");
  });

  it("a record that always fails is bisected out and described to the on-failure destination, the rest delivered", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1", at: 1_760_000_010 }, { seq: "2", at: 1_760_000_020 }, { seq: "3" }], closed: true }]);
    const delivered = new Set<string>();
    const { m, failures } = mapping(stream.client, async (event) => {
      const seqs = event.Records.map((r: DynamoDBRecord) => r.dynamodb!.SequenceNumber!);
      if (seqs.includes("2")) throw new Error("poison");
      seqs.forEach((s) => delivered.add(s));
    });
    m.start();
    await until(() => failures.length === 1 && delivered.size === 2, "poison skipped, others delivered");
    await m.stop();
    await stream.stop();
    assert.deepEqual([...delivered].sort(), ["1", "3"]);
    const failure = failures[0]!;
    assert.deepEqual(failure.DDBStreamBatchInfo, {
      shardId: "s", startSequenceNumber: "2", endSequenceNumber: "2", approximateArrivalOfFirstRecord: "2025-10-09T08:53:40.000Z",
      approximateArrivalOfLastRecord: "2025-10-09T08:53:40.000Z", batchSize: 1, streamArn: ARN,
    });
    assert.deepEqual(failure.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
    assert.deepEqual([failure.requestContext.condition, failure.requestContext.approximateInvokeCount, failure.responseContext.functionError, failure.version], ["RetryAttemptsExhausted", 3, "Unhandled", "1.0"]);
    assert.equal(failure.timestamp, "2025-10-09T08:55:00.000Z");
  });

  it("the handler gets a context whose remaining time counts down from the function timeout", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }], closed: true }]);
    let remaining = -1;
    const { m } = mapping(stream.client, async (_event, context) => void (remaining = context.getRemainingTimeInMillis()), { functionTimeoutSeconds: 7 });
    m.start();
    await until(() => remaining >= 0, "invoked");
    await m.stop();
    await stream.stop();
    assert.equal(remaining, 7000, "the emulator's clock is fixed here, so no time has passed");
  });
  // The batching rules: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-ddb-batchfailurereporting
  // and https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
  // ("invokes when the batch size is reached, or the batching window expires").
  it("a full batch is invoked at once, before the window ends and before reading further", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }, { seq: "2" }, { seq: "3" }, { seq: "4" }], closed: false }]);
    const batches: { seqs: string[]; readsBefore: number }[] = [];
    const { m } = mapping(stream.client, async (event) => void batches.push({ seqs: event.Records.map((r) => r.dynamodb!.SequenceNumber!), readsBefore: getRecordsCalls(stream) }), { batchSize: 1, maximumBatchingWindowSeconds: 300 });
    m.start();
    await until(() => batches.length === 4, "every full batch, the clock standing still");
    await m.stop();
    await stream.stop();
    // Each page holds two records: the second one is a full batch already, invoked before the next read.
    assert.deepEqual(batches, [{ seqs: ["1"], readsBefore: 1 }, { seqs: ["2"], readsBefore: 1 }, { seqs: ["3"], readsBefore: 2 }, { seqs: ["4"], readsBefore: 2 }]);
  });

  it("records are gathered for the batching window, counted from the first record read, then invoked together", async () => {
    const records = [{ seq: "1" }];
    const stream = await scriptedStream([{ id: "s", records, closed: false }]);
    let clock = T0;
    const batches: string[][] = [];
    const { m } = mapping(stream.client, async (event) => void batches.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!)), { maximumBatchingWindowSeconds: 10, now: () => clock });
    m.start();
    await readsAfter(stream, "s|1", 2);
    assert.deepEqual(batches, [], "a lone record waits for the window");
    clock = T0 + 6_000;
    records.push({ seq: "2" });
    await readsAfter(stream, "s|2", 1);
    assert.deepEqual(batches, [], "a second record does not restart the window");
    clock = T0 + 10_000;
    await until(() => batches.length === 1, "the window is over");
    await m.stop();
    await stream.stop();
    assert.deepEqual(batches, [["1", "2"]]);
  });

  it("records left over after a full batch start their own window when they were read", async () => {
    const records = [{ seq: "1" }, { seq: "2" }];
    const stream = await scriptedStream([{ id: "s", records, closed: false }]);
    let clock = T0;
    const batches: string[][] = [];
    const { m } = mapping(stream.client, async (event) => void batches.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!)), { batchSize: 3, maximumBatchingWindowSeconds: 10, now: () => clock });
    m.start();
    await readsAfter(stream, "s|2", 1);
    clock = T0 + 8_000;
    records.push({ seq: "3" }, { seq: "4" });
    await readsAfter(stream, "s|4", 1);
    assert.deepEqual(batches, [["1", "2", "3"]], "the batch filled up");
    clock = T0 + 12_000;
    await readsAfter(stream, "s|4", 3);
    assert.deepEqual(batches, [["1", "2", "3"]], "record 4 was read at 8 s: its window runs to 18 s");
    clock = T0 + 18_000;
    await until(() => batches.length === 2, "record 4's window is over");
    await m.stop();
    await stream.stop();
    assert.deepEqual(batches, [["1", "2", "3"], ["4"]]);
    assert.ok(batches.every((batch) => batch.length > 0));
  });

  it("an open shard keeps being polled: records written after a quiet spell are delivered", async () => {
    const records: { seq: string }[] = [];
    const stream = await scriptedStream([{ id: "s", records, closed: false }]);
    const seen: string[] = [];
    const { m } = mapping(stream.client, async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)));
    m.start();
    await readsAfter(stream, "s|0", 2);
    records.push({ seq: "1" });
    await until(() => seen.length === 1, "the late record");
    await m.stop();
    await stream.stop();
    assert.deepEqual(seen, ["1"]);
  });

  it("every page of DescribeStream is read: shards on a later page are consumed too", async () => {
    const stream = await scriptedStream([{ id: "a", records: [{ seq: "1" }], closed: true }, { id: "b", records: [{ seq: "2" }], closed: true }], { describePageSize: 1 });
    const seen: string[] = [];
    const { m } = mapping(stream.client, async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)));
    m.start();
    await until(() => seen.length === 2, "both shards");
    await m.stop();
    await stream.stop();
    assert.deepEqual(seen.sort(), ["1", "2"]);
  });

  it("a closed shard that gives no iterator is finished: its child shard is read", async () => {
    const stream = await scriptedStream([{ id: "parent", records: [], closed: true }, { id: "child", parent: "parent", records: [{ seq: "7" }], closed: false }], { noIterator: ["parent"] });
    const seen: string[] = [];
    const { m } = mapping(stream.client, async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)));
    m.start();
    await until(() => seen.length === 1, "the child's record");
    await m.stop();
    await stream.stop();
    assert.deepEqual(seen, ["7"]);
    assert.equal(stream.fake.calls.filter((c) => c.target.endsWith("GetRecords") && String(c.body.ShardIterator).startsWith("parent")).length, 0);
  });

  it("a transient GetRecords error keeps the iterator (valid 15 minutes): no new one is taken, nothing read twice", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }, { seq: "2" }, { seq: "3" }], closed: true }], { throttleOnce: true });
    const seen: string[] = [];
    const { m } = mapping(stream.client, async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)));
    m.start();
    await until(() => seen.length === 3, "all three");
    await m.stop();
    await stream.stop();
    assert.deepEqual(seen, ["1", "2", "3"]);
    assert.deepEqual(stream.fake.calls.filter((c) => c.target.endsWith("GetShardIterator")).map((c) => c.body.ShardIteratorType), ["TRIM_HORIZON"]);
  });

  it("getRemainingTimeInMillis is the function timeout less the time the invocation has run", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }], closed: true }]);
    let clock = T0;
    let remaining = -1;
    const { m } = mapping(stream.client, async (_event, context) => {
      clock += 2_000;
      remaining = context.getRemainingTimeInMillis();
    }, { functionTimeoutSeconds: 7, now: () => clock });
    m.start();
    await until(() => remaining >= 0, "invoked");
    await m.stop();
    await stream.stop();
    assert.equal(remaining, 5_000);
  });

  it("stop waits for the batch being processed before it resolves", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }], closed: false }]);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { m } = mapping(stream.client, async () => {
      order.push("invoked");
      await gate;
      order.push("batch done");
    });
    m.start();
    await until(() => order.length === 1, "invoked");
    const stopped = m.stop().then(() => void order.push("stopped"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await stopped;
    await stream.stop();
    assert.deepEqual(order, ["invoked", "batch done", "stopped"]);
  });

  it("while stopping, a failing on-failure destination is tried three times, then given up so stop ends", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }], closed: false }]);
    let writes = 0;
    let stopped: Promise<void> | undefined;
    const { m } = mapping(stream.client, async () => {
      stopped ??= m.stop();
      throw new Error("poison");
    }, { maximumRetryAttempts: 0, onFailure: async () => {
      writes++;
      throw new Error("destination down");
    } });
    try {
      m.start();
      await until(() => stopped !== undefined, "invoked");
      // The reader gives up (logged: the record was not written) and stop ends without an error, so shutting
      // down with a destination down never crashes on an unhandled rejection.
      await stopped;
    } finally {
      await stream.stop();
    }
    assert.equal(writes, 3);
  });

  it("a failed on-failure destination write is retried until it lands", async () => {
    const stream = await scriptedStream([{ id: "s", records: [{ seq: "1" }], closed: true }]);
    let writes = 0;
    const landed: StreamFailureRecord[] = [];
    const { m } = mapping(stream.client, async () => {
      throw new Error("poison");
    }, { maximumRetryAttempts: 0, onFailure: async (f) => { writes++; if (writes < 4) throw new Error("destination down"); landed.push(f); } });
    m.start();
    await until(() => landed.length === 1, "the failure record lands on the fourth write");
    await m.stop();
    await stream.stop();
    assert.equal(writes, 4);
    assert.equal(landed[0]!.DDBStreamBatchInfo.startSequenceNumber, "1");
  });
});
