// The fault proxy's errors are what the real SDK clients recognise as AWS's: the right error name, retryable,
// and the ambiguous 500 really applied the call behind it.
import assert from "node:assert/strict";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { startFaultProxy, type FaultProxy } from "../../local/faultProxy";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startKinesalite, startSqs, type RunningServer } from "../../local/servers";
import { FakeAws } from "../helpers/fakeAws";

/** A scripted Math.random: each call takes the next value. */
const scripted = (...values: number[]) => () => {
  const value = values.shift();
  if (value === undefined) throw new Error("random called more often than scripted");
  return value;
};

/** The SDK error's name and HTTP status, as callers (and the SDK's retry strategy) see them. */
async function failsWith(call: Promise<unknown>, status: number, name?: string): Promise<void> {
  await assert.rejects(call, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.$metadata?.httpStatusCode, status);
    if (name) assert.equal(error.name, name);
    return true;
  });
}

const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };

describe("fault proxy (--fail): AWS's errors, on the wire", function () {
  this.timeout(20_000);
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  async function proxy(service: "sqs" | "dynamodb" | "kinesis", target: string, random: () => number): Promise<FaultProxy> {
    const started = await startFaultProxy({ service, target, rate: 0.5, random });
    cleanup.push(() => started.stop());
    return started;
  }

  it("SQS: throttling and 503 leave the queue untouched; the 500 comes after the message was really sent", async () => {
    const sqsServer: RunningServer = await startSqs();
    cleanup.push(() => sqsServer.stop());
    const direct = new SQSClient({ ...base, endpoint: sqsServer.endpoint });
    cleanup.push(() => direct.destroy());
    const queueUrl = (await direct.send(new CreateQueueCommand({ QueueName: "faults" }))).QueueUrl!;
    const readDepth = async () => Number((await direct.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes!.ApproximateNumberOfMessages);
    // The count is approximate (on AWS too) and local-aws-sqs may answer it before a send it acknowledged is
    // counted: read until it reaches the expected value or 3 s pass, so a loaded machine cannot fail this.
    const depthReaches = async (expected: number) => {
      const deadline = Date.now() + 3_000;
      let depth = await readDepth();
      while (depth < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        depth = await readDepth();
      }
      return depth;
    };

    // Faults in order: throttled (index 0 of 3), 503 (index 1), 500 after forwarding (index 2), then a pass.
    const faulty = await proxy("sqs", sqsServer.endpoint, scripted(0.1, 0.0, 0.1, 0.4, 0.1, 0.9, 0.9));
    const client = new SQSClient({ ...base, endpoint: faulty.endpoint });
    cleanup.push(() => client.destroy());
    const send = () => client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "m" }));
    await failsWith(send(), 400, "RequestThrottled");
    await failsWith(send(), 503);
    assert.equal(await readDepth(), 0);
    await failsWith(send(), 500, "InternalError");
    assert.equal(await depthReaches(1), 1, "the ambiguous failure: the caller saw a 500, the message is in the queue");
    await send();
    assert.equal(await depthReaches(2), 2);
    assert.deepEqual(faulty.stats, { forwarded: 1, injected: { RequestThrottled: 1, ServiceUnavailable: 1, InternalError: 1 } });
  });

  it("DynamoDB: ThrottlingException and ProvisionedThroughputExceededException are named as the SDK knows them", async () => {
    const fake = await FakeAws.start(() => ({ status: 200, body: {}, contentType: "application/x-amz-json-1.0" }));
    cleanup.push(() => fake.stop());
    const faulty = await proxy("dynamodb", fake.endpoint, scripted(0.1, 0.0, 0.1, 0.3, 0.1, 0.6));
    const client = new DynamoDBClient({ ...base, endpoint: faulty.endpoint });
    cleanup.push(() => client.destroy());
    const put = () => client.send(new PutItemCommand({ TableName: "t", Item: { pk: { S: "x" } } }));
    await failsWith(put(), 400, "ThrottlingException");
    await failsWith(put(), 400, "ProvisionedThroughputExceededException");
    await failsWith(put(), 503);
    assert.equal(fake.calls.length, 0, "faults before forwarding never reach the server");
  });

  it("Kinesis: a partial PutRecords failure keeps the order of the request and writes only the records reported written", async () => {
    const kinesisServer = await startKinesalite();
    cleanup.push(() => kinesisServer.stop());
    const direct = new KinesisClient({ ...base, endpoint: kinesisServer.endpoint, requestHandler: new NodeHttpHandler() });
    cleanup.push(() => direct.destroy());
    await direct.send(new CreateStreamCommand({ StreamName: "s", ShardCount: 1 }));
    while ((await direct.send(new DescribeStreamSummaryCommand({ StreamName: "s" }))).StreamDescriptionSummary?.StreamStatus !== "ACTIVE") await new Promise((r) => setTimeout(r, 20));

    // Fault (0.1 < 0.5), partial mode (0.2 < 0.5), then per record: fail, keep, fail, keep.
    const faulty = await proxy("kinesis", kinesisServer.endpoint, scripted(0.1, 0.2, 0.1, 0.9, 0.3, 0.8));
    const client = new KinesisClient({ ...base, endpoint: faulty.endpoint, requestHandler: new NodeHttpHandler() });
    cleanup.push(() => client.destroy());
    const result = await client.send(new PutRecordsCommand({ StreamName: "s", Records: ["a", "b", "c", "d"].map((k) => ({ PartitionKey: k, Data: Buffer.from(k) })) }));
    assert.equal(result.FailedRecordCount, 2);
    assert.deepEqual(result.Records!.map((record) => record.ErrorCode ?? "ok"), ["ProvisionedThroughputExceededException", "ok", "ProvisionedThroughputExceededException", "ok"]);
    assert.ok(result.Records![1]!.SequenceNumber && result.Records![3]!.SequenceNumber);
    assert.deepEqual(faulty.stats.injected, { "PutRecords.partial": 1 });
    const shardId = (await direct.send(new ListShardsCommand({ StreamName: "s" }))).Shards![0]!.ShardId!;
    const iterator = (await direct.send(new GetShardIteratorCommand({ StreamName: "s", ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator!;
    const written = (await direct.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records!.map((record) => Buffer.from(record.Data!).toString());
    assert.deepEqual(written, ["b", "d"]);
  });
});
