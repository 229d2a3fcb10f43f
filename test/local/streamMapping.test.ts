// The DynamoDB stream mapping emulator against DynamoDB Local's real stream: the INSERT filter, Lambda's JSON
// for binary attributes, bisecting down to a poison record and describing it to the on-failure destination.
import assert from "node:assert/strict";
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { STREAM_CONSUMER } from "../../components/settings";
import { createEventsTable } from "../../local/resources";
import { ReservedConcurrency } from "../../local/invocation";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, type RunningServer } from "../../local/servers";
import { DynamoStreamEventSourceMapping, type StreamFailureRecord } from "../../local/streamMapping";
import { silentLogger } from "../helpers/handlers";

describe("DynamoDB stream mapping emulation against DynamoDB Local", function () {
  this.timeout(60_000);
  let server: RunningServer;
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;

  before(async () => {
    server = await startDynamoDbLocal();
    const config = { endpoint: server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    dynamodb = new DynamoDBClient(config);
    streams = new DynamoDBStreamsClient(config);
  });
  after(async () => {
    dynamodb?.destroy();
    streams?.destroy();
    await server?.stop();
  });

  it("delivers inserts only, binary as base64; a poison record is isolated by bisecting and sent to the on-failure destination", async () => {
    const table = "stream-mapping";
    const streamArn = await createEventsTable(dynamodb, table);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const ids = ["a", "b", "poison", "c", "d", "e"];
    for (const id of ids) {
      await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `t#${id}` }, eventId: { S: id }, body: { B: bytes }, tenantShard: { S: "t#0" }, receivedKey: { S: `2026#${id}` } } }));
    }
    await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: "t#a" } }, UpdateExpression: "SET touched = :t", ExpressionAttributeValues: { ":t": { BOOL: true } } }));
    await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "t#b" } } }));

    const delivered: DynamoDBRecord[][] = [];
    const failures: StreamFailureRecord[] = [];
    const mapping = new DynamoStreamEventSourceMapping({
      client: streams,
      streamArn,
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:consumer",
      handler: async (event) => {
        delivered.push(event.Records);
        if (event.Records.some((record) => record.dynamodb?.NewImage?.eventId?.S === "poison")) throw new Error("cannot publish this one");
        return { batchItemFailures: [] };
      },
      batchSize: STREAM_CONSUMER.batchSize,
      maximumBatchingWindowSeconds: 0,
      maximumRetryAttempts: 3,
      maximumRecordAgeSeconds: STREAM_CONSUMER.maximumRecordAgeSeconds,
      bisectBatchOnFunctionError: true,
      filterPattern: STREAM_CONSUMER.filterPattern,
      functionTimeoutSeconds: 10,
      concurrency: new ReservedConcurrency(1),
      onFailure: async (record) => void failures.push(record),
      logger: silentLogger,
      retryDelayMs: () => 10,
      pollIntervalMs: 50,
    });
    mapping.start();
    const deadline = Date.now() + 20_000;
    while (failures.length === 0 || new Set(delivered.flat().map((r) => r.dynamodb!.NewImage!.eventId!.S)).size < ids.length) {
      if (Date.now() > deadline) assert.fail(`not done: ${JSON.stringify({ delivered: delivered.map((b) => b.length), failures })}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await mapping.stop();

    const records = delivered.flat();
    assert.ok(records.every((record) => record.eventName === "INSERT"), "only inserts reach the function");
    assert.ok(records.every((record) => record.dynamodb!.NewImage!.body!.B === bytes.toString("base64")), "binary arrives base64-encoded");
    assert.ok(records.every((record) => record.eventSourceARN === streamArn && record.eventSource === "aws:dynamodb"));
    const successful = delivered.filter((batch) => !batch.some((r) => r.dynamodb!.NewImage!.eventId!.S === "poison")).flat().map((r) => r.dynamodb!.NewImage!.eventId!.S);
    for (const id of ids.filter((id) => id !== "poison")) assert.ok(successful.includes(id), `${id} delivered in a successful batch`);

    assert.equal(failures.length, 1);
    const poisonSeq = records.find((r) => r.dynamodb!.NewImage!.eventId!.S === "poison")!.dynamodb!.SequenceNumber;
    const info = failures[0]!.DDBStreamBatchInfo;
    assert.deepEqual([info.batchSize, info.startSequenceNumber, info.endSequenceNumber, info.streamArn], [1, poisonSeq, poisonSeq, streamArn]);
    assert.equal(failures[0]!.requestContext.condition, "RetryAttemptsExhausted");
  });

  it("a closed shard is read once to its end, and a child shard only after its parent; an expired iterator resumes after the last record", async () => {
    const record = (shard: string, n: number) => ({ eventName: "INSERT", dynamodb: { SequenceNumber: `${shard}-${n}`, NewImage: { eventId: { S: `${shard}-${n}` } } } });
    const calls: string[] = [];
    let expiredOnce = false;
    const fake = {
      send: async (command: unknown) => {
        if (command instanceof DescribeStreamCommand) {
          return { StreamDescription: { Shards: [{ ShardId: "child", ParentShardId: "parent" }, { ShardId: "parent" }] } };
        }
        if (command instanceof GetShardIteratorCommand) {
          calls.push(`iterator ${command.input.ShardId} ${command.input.ShardIteratorType} ${command.input.SequenceNumber ?? ""}`.trim());
          return { ShardIterator: `${command.input.ShardId}:${command.input.SequenceNumber ?? "start"}` };
        }
        if (command instanceof GetRecordsCommand) {
          const iterator = command.input.ShardIterator!;
          calls.push(`records ${iterator}`);
          if (iterator === "parent:start") return { Records: [record("parent", 1), record("parent", 2)], NextShardIterator: "parent:page2" };
          if (iterator === "parent:page2" && !expiredOnce) {
            expiredOnce = true;
            throw Object.assign(new Error("Iterator expired"), { name: "ExpiredIteratorException" });
          }
          if (iterator === "parent:parent-2") return { Records: [record("parent", 3)] }; // closed: no next iterator
          if (iterator === "child:start") return { Records: [record("child", 1)], NextShardIterator: "child:next" };
          return { Records: [], NextShardIterator: iterator };
        }
        throw new Error(`unexpected ${String(command)}`);
      },
    } as unknown as DynamoDBStreamsClient;
    const delivered: string[] = [];
    const mapping = new DynamoStreamEventSourceMapping({
      client: fake, streamArn: "arn:stream", functionArn: "arn:fn",
      handler: async (event) => void delivered.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!)),
      batchSize: 100, maximumBatchingWindowSeconds: 0, maximumRetryAttempts: 1, maximumRecordAgeSeconds: 3600, bisectBatchOnFunctionError: true,
      functionTimeoutSeconds: 5, concurrency: new ReservedConcurrency(2), onFailure: async () => {}, logger: silentLogger, pollIntervalMs: 10,
      now: () => Date.now(),
    });
    mapping.start();
    const deadline = Date.now() + 10_000;
    while (!delivered.includes("child-1")) {
      if (Date.now() > deadline) assert.fail(`child never read: ${JSON.stringify({ delivered, calls })}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await mapping.stop();
    assert.deepEqual(delivered, ["parent-1", "parent-2", "parent-3", "child-1"]);
    assert.deepEqual(calls.filter((call) => call.startsWith("iterator parent")), ["iterator parent TRIM_HORIZON", "iterator parent AFTER_SEQUENCE_NUMBER parent-2"]);
  });
});
