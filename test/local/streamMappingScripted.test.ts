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

async function scriptedStream(shards: Shard[], options: { expireOnce?: boolean } = {}) {
  let expired = !options.expireOnce;
  const fake = await FakeAws.start((call: RecordedCall) => {
    const json = (body: unknown) => ({ status: 200, contentType: "application/x-amz-json-1.0", body });
    switch (call.target) {
      case "DynamoDBStreams_20120810.DescribeStream":
        return json({ StreamDescription: { StreamArn: ARN, StreamStatus: "ENABLED", Shards: shards.map((s) => ({ ShardId: s.id, ...(s.parent ? { ParentShardId: s.parent } : {}), SequenceNumberRange: { StartingSequenceNumber: "0" } })) } });
      case "DynamoDBStreams_20120810.GetShardIterator": {
        const shard = shards.find((s) => s.id === call.body.ShardId)!;
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
});
