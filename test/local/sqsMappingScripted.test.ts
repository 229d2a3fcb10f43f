// The SQS mapping emulator (local/sqsMapping.ts) over a scripted SQS (FakeAws answering the JSON protocol as
// AWS does), so its polling, batching and deleting run in milliseconds: sqsMapping.test.ts covers the same
// against local-aws-sqs with real visibility timeouts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { ReservedConcurrency } from "../../local/invocation";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import { SqsEventSourceMapping, type SqsMappingOptions } from "../../local/sqsMapping";
import { FakeAws, type RecordedCall } from "../helpers/fakeAws";
import { silentLogger } from "../helpers/handlers";

const ARN = "arn:aws:sqs:us-east-1:000000000000:q";

/** A queue of `count` messages served in receives of at most MaxNumberOfMessages; deletes recorded. */
async function scriptedQueue(count: number, options: { failReceives?: number; failDeletes?: boolean; perReceive?: number } = {}) {
  const pending = Array.from({ length: count }, (_, i) => `m${i}`);
  const deleted: string[] = [];
  let receiveFailures = options.failReceives ?? 0;
  const fake = await FakeAws.start((call: RecordedCall) => {
    if (call.target === "AmazonSQS.ReceiveMessage") {
      if (receiveFailures > 0) {
        receiveFailures -= 1;
        return { status: 500, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#InternalError", message: "We encountered an internal error." } };
      }
      const taken = pending.splice(0, Math.min(Number(call.body.MaxNumberOfMessages ?? 1), options.perReceive ?? 10));
      const messages = taken.map((body) => ({ MessageId: `id-${body}`, ReceiptHandle: `rh-${body}`, Body: body, MD5OfBody: createHash("md5").update(body).digest("hex"), Attributes: { ApproximateReceiveCount: "1" } }));
      return { status: 200, contentType: "application/x-amz-json-1.0", body: { Messages: messages } };
    }
    if (call.target === "AmazonSQS.DeleteMessageBatch") {
      const entries = call.body.Entries as { Id: string; ReceiptHandle: string }[];
      if (options.failDeletes) return { status: 500, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#InternalError", message: "x" } };
      deleted.push(...entries.map((e) => e.ReceiptHandle));
      return { status: 200, contentType: "application/x-amz-json-1.0", body: { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] } };
    }
    return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#InvalidAction", message: call.target } };
  });
  const client = new SQSClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return { fake, client, pending, deleted, stop: async () => (client.destroy(), await fake.stop()) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), what);
}

function mapping(client: SQSClient, handler: SqsMappingOptions["handler"], overrides: Partial<SqsMappingOptions> = {}) {
  return new SqsEventSourceMapping({
    client, queueUrl: "http://q", queueArn: ARN, handler, batchSize: 10, maximumBatchingWindowSeconds: 0, maximumConcurrency: 1,
    functionTimeoutSeconds: 5, concurrency: new ReservedConcurrency(1), logger: silentLogger, idleMaxMs: 20, ...overrides,
  });
}

describe("SQS mapping over a scripted SQS", () => {
  it("delivers Lambda SQS records in batches of at most batchSize and deletes what succeeded", async () => {
    const queue = await scriptedQueue(25);
    const batches: SQSEvent[] = [];
    const m = mapping(queue.client, async (event) => void batches.push(event));
    m.start();
    await until(() => queue.deleted.length === 25, "all 25 deleted");
    await m.stop();
    await queue.stop();
    assert.ok(batches.every((b) => b.Records.length >= 1 && b.Records.length <= 10));
    assert.deepEqual(batches.flatMap((b) => b.Records.map((r) => r.body)), Array.from({ length: 25 }, (_, i) => `m${i}`));
    const record = batches[0]!.Records[0]!;
    assert.deepEqual([record.messageId, record.receiptHandle, record.eventSource, record.eventSourceARN, record.attributes.ApproximateReceiveCount], ["id-m0", "rh-m0", "aws:sqs", ARN, "1"]);
    assert.ok(queue.fake.calls.filter((c) => c.target === "AmazonSQS.ReceiveMessage").every((c) => c.body.WaitTimeSeconds === 0 && (c.body.MaxNumberOfMessages as number) <= 10));
  });

  it("a partial batch response deletes all but the reported records; a throw or timeout deletes nothing", async () => {
    const queue = await scriptedQueue(4);
    const m = mapping(queue.client, async (event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] }), { batchSize: 4 });
    m.start();
    await until(() => queue.deleted.length === 3, "three deleted");
    await m.stop();
    await queue.stop();
    assert.deepEqual(queue.deleted, ["rh-m0", "rh-m2", "rh-m3"]);

    for (const handler of [async () => Promise.reject(new Error("boom")), () => new Promise<never>(() => {})]) {
      const failing = await scriptedQueue(2);
      let calls = 0;
      const f = mapping(failing.client, (event) => (calls++, handler()), { batchSize: 2, functionTimeoutSeconds: 0.05 });
      f.start();
      await until(() => calls === 1 && failing.pending.length === 0, "invoked");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await f.stop();
      await failing.stop();
      assert.deepEqual(failing.deleted, [], "nothing deleted after a failed batch");
    }
  });

  it("the batching window gathers several receives into one batch", async () => {
    // Two messages per receive: only the window can gather six into one batch.
    const queue = await scriptedQueue(6, { perReceive: 2 });
    const sizes: number[] = [];
    const m = mapping(queue.client, async (event) => void sizes.push(event.Records.length), { batchSize: 6, maximumBatchingWindowSeconds: 1 });
    m.start();
    await until(() => queue.deleted.length === 6, "all deleted");
    await m.stop();
    await queue.stop();
    assert.deepEqual(sizes, [6]);
    const noWindow = await scriptedQueue(6, { perReceive: 2 });
    const unbatched: number[] = [];
    const w = mapping(noWindow.client, async (event) => void unbatched.push(event.Records.length), { batchSize: 6, maximumBatchingWindowSeconds: 0 });
    w.start();
    await until(() => noWindow.deleted.length === 6, "all deleted");
    await w.stop();
    await noWindow.stop();
    assert.deepEqual(unbatched, [2, 2, 2], "without a window, each receive is a batch");
  });

  it("a batch beyond the function's reserved concurrency is throttled: not invoked, not deleted, counted", async () => {
    const queue = await scriptedQueue(2);
    const concurrency = new ReservedConcurrency(1);
    concurrency.tryAcquire();
    let calls = 0;
    const m = mapping(queue.client, async () => void calls++, { batchSize: 2, concurrency });
    m.start();
    await until(() => m.stats.throttles >= 1, "throttled");
    await m.stop();
    await queue.stop();
    assert.deepEqual([calls, queue.deleted.length], [0, 0]);
  });

  it("a failed receive is retried after a back-off, and a failed delete is not fatal", async () => {
    const queue = await scriptedQueue(1, { failReceives: 2 });
    const got: string[] = [];
    const m = mapping(queue.client, async (event) => void got.push(...event.Records.map((r) => r.body)));
    m.start();
    await until(() => got.length === 1, "delivered after the receive failures");
    await until(() => queue.deleted.length === 1, "deleted");
    await m.stop();
    await queue.stop();
    assert.deepEqual(got, ["m0"]);

    const noDelete = await scriptedQueue(1, { failDeletes: true });
    let calls = 0;
    const d = mapping(noDelete.client, async () => void calls++);
    d.start();
    await until(() => calls === 1, "invoked");
    await d.stop();
    await noDelete.stop();
  });

  it("maximumConcurrency pollers run batches at the same time, never more", async () => {
    const queue = await scriptedQueue(6);
    let inFlight = 0;
    let peak = 0;
    const m = mapping(queue.client, async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
    }, { batchSize: 1, maximumConcurrency: 2, concurrency: new ReservedConcurrency(2) });
    m.start();
    await until(() => queue.deleted.length === 6, "all deleted");
    await m.stop();
    await queue.stop();
    assert.equal(peak, 2);
  });
});
