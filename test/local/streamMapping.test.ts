// The DynamoDB stream mapping emulator against DynamoDB Local's real stream: the INSERT filter, Lambda's JSON
// for binary attributes, bisecting down to a poison record and describing it to the on-failure destination.
import assert from "node:assert/strict";
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { STREAM_CONSUMER } from "../../components/settings";
import { createEventsTable } from "../../local/resources";
import { ReservedConcurrency } from "../../local/invocation";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, type RunningServer } from "../../local/servers";
import { DynamoStreamEventSourceMapping, type FilterPattern, type StreamFailureRecord } from "../../local/streamMapping";
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
      filterPattern: STREAM_CONSUMER.filterPattern as unknown as FilterPattern,
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
});
