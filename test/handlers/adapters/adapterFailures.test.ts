// Each AWS adapter turns any failure of its call into its typed, retryable domain error that names the AWS error
// and keeps it as the cause (what on-call reads in the log's error chain), whatever was thrown. Stub clients: the
// wire-level answers are covered by sqsQueue.test.ts, kinesis.test.ts and workerHandler.fake.test.ts.
import assert from "node:assert/strict";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoEventStore } from "../../../handlers/adapters/dynamo";
import { KinesisPublisher } from "../../../handlers/adapters/kinesis";
import { SqsEventQueue } from "../../../handlers/adapters/sqs";
import { EnqueueError, PublishError, StoreError } from "../../../handlers/core/errors";
import { eventItemFrom } from "../../../handlers/core/eventItem";

const failing = <C>(thrown: unknown) => ({ send: async () => Promise.reject(thrown) }) as unknown as C;
const awsError = (name: string) => Object.assign(new Error(`${name} happened`), { name });
const item = eventItemFrom({ tenant: "acme", eventId: "e1", scheme: "github", receivedAt: 1_760_000_000_000, headers: {}, unsignedHeaders: [], body: Buffer.from("{}") }, 7);

describe("adapter failures", () => {
  it("SQS: a failed SendMessage is a retryable EnqueueError naming the AWS error, with it as the cause", async () => {
    const thrown = awsError("KmsThrottled");
    await assert.rejects(new SqsEventQueue(failing<SQSClient>(thrown), "q").send("{}"), (error: unknown) => {
      assert.ok(error instanceof EnqueueError);
      assert.deepEqual([error.message, error.retryable, error.cause], ["SendMessage failed: KmsThrottled", true, thrown]);
      return true;
    });
    await assert.rejects(new SqsEventQueue(failing<SQSClient>("ECONNRESET"), "q").send("{}"), (error: unknown) => error instanceof EnqueueError && error.message === "SendMessage failed: ECONNRESET" && error.cause === "ECONNRESET");
  });

  it("SQS: an answer without a MessageId is refused, saying so in the cause", async () => {
    const client = { send: async () => ({}) } as unknown as SQSClient;
    await assert.rejects(new SqsEventQueue(client, "q").send("{}"), (error: unknown) => error instanceof EnqueueError && error.retryable && (error.cause as Error).message === "SendMessage returned no MessageId");
  });

  it("Kinesis: a failed PutRecords is a retryable PublishError naming the AWS error, with it as the cause", async () => {
    const thrown = awsError("KMSThrottlingException");
    const entries = [{ partitionKey: "acme:e1", data: Buffer.from("{}"), ref: 0 }];
    await assert.rejects(new KinesisPublisher(failing<KinesisClient>(thrown), "analytics").putRecords(entries), (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.deepEqual([error.message, error.retryable, error.cause], ["PutRecords failed: KMSThrottlingException", true, thrown]);
      return true;
    });
    await assert.rejects(new KinesisPublisher(failing<KinesisClient>(42), "analytics").putRecords(entries), (error: unknown) => error instanceof PublishError && error.message === "PutRecords failed: 42");
  });

  it("DynamoDB: a ConditionalCheckFailedException, even one known only by its name, is a duplicate, not a failure", async () => {
    assert.equal(await new DynamoEventStore(failing<DynamoDBClient>({ name: "ConditionalCheckFailedException" }), "events").putIfAbsent(item), "duplicate");
    assert.equal(await new DynamoEventStore(failing<DynamoDBClient>(awsError("ConditionalCheckFailedException")), "events").putIfAbsent(item), "duplicate");
  });

  it("DynamoDB: any other failure is a retryable StoreError naming it, with it as the cause; a thrown null too", async () => {
    const thrown = awsError("ThrottlingException");
    await assert.rejects(new DynamoEventStore(failing<DynamoDBClient>(thrown), "events").putIfAbsent(item), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.deepEqual([error.message, error.retryable, error.cause], ["PutItem failed: ThrottlingException", true, thrown]);
      return true;
    });
    await assert.rejects(new DynamoEventStore(failing<DynamoDBClient>(null), "events").putIfAbsent(item), (error: unknown) => error instanceof StoreError && error.message === "PutItem failed: null");
  });

  it("DynamoDB: the write is conditional on the event not being stored yet, in the named table", async () => {
    const inputs: Record<string, unknown>[] = [];
    const client = { send: async (command: { input: Record<string, unknown> }) => (inputs.push(command.input), {}) } as unknown as DynamoDBClient;
    assert.equal(await new DynamoEventStore(client, "events").putIfAbsent(item), "stored");
    assert.deepEqual([inputs[0]!.TableName, inputs[0]!.ConditionExpression], ["events", "attribute_not_exists(pk)"]);
  });
});
