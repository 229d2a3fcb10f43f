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
import { createLogger } from "../../handlers/observability";
import { silentLogger } from "../helpers/handlers";

const ARN = "arn:aws:sqs:us-east-1:000000000000:q";

/**
 * A queue of `count` messages served in receives of at most MaxNumberOfMessages; deletes recorded. As SQS does, it
 * reports message attributes only when the receive asks for them (AttributeNames), and refuses a DeleteMessageBatch
 * of no entries or more than 10.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
 */
async function scriptedQueue(count: number, options: { failReceives?: number; failDeletes?: boolean; perReceive?: number; receiveCount?: number } = {}) {
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
      const asked = (call.body.AttributeNames ?? []) as string[];
      const attributes = asked.includes("All") || asked.includes("ApproximateReceiveCount") ? { Attributes: { ApproximateReceiveCount: String(options.receiveCount ?? 1) } } : {};
      const messages = taken.map((body) => ({ MessageId: `id-${body}`, ReceiptHandle: `rh-${body}`, Body: body, MD5OfBody: createHash("md5").update(body).digest("hex"), ...attributes }));
      return { status: 200, contentType: "application/x-amz-json-1.0", body: { Messages: messages } };
    }
    if (call.target === "AmazonSQS.DeleteMessageBatch") {
      const entries = call.body.Entries as { Id: string; ReceiptHandle: string }[];
      if (options.failDeletes) return { status: 500, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#InternalError", message: "x" } };
      if (entries.length === 0) return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#EmptyBatchRequest", message: "There should be at least one DeleteMessageBatchRequestEntry in the request." } };
      if (entries.length > 10) return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#TooManyEntriesInBatchRequest", message: `Maximum number of entries per request are 10. You have sent ${entries.length}.` } };
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

/** Runs a mapping over `queue` until `count` messages are deleted, then stops both: the batch sizes it invoked. */
async function batchSizesUntilDeleted(queue: Awaited<ReturnType<typeof scriptedQueue>>, count: number, overrides: Partial<SqsMappingOptions>, what: string): Promise<number[]> {
  const sizes: number[] = [];
  const m = mapping(queue.client, async (event) => void sizes.push(event.Records.length), overrides);
  m.start();
  await until(() => queue.deleted.length === count, what);
  await m.stop();
  await queue.stop();
  return sizes;
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
      assert.equal(failing.fake.calls.filter((c) => c.target === "AmazonSQS.DeleteMessageBatch").length, 0, "no DeleteMessageBatch call at all for a failed batch");
    }
  });

  it("the batching window gathers several receives into one batch", async () => {
    // Two messages per receive: only the window can gather six into one batch.
    const queue = await scriptedQueue(6, { perReceive: 2 });
    const sizes = await batchSizesUntilDeleted(queue, 6, { batchSize: 6, maximumBatchingWindowSeconds: 1 }, "all deleted");
    assert.deepEqual(sizes, [6]);
    const asked = queue.fake.calls.filter((c) => c.target === "AmazonSQS.ReceiveMessage").map((c) => c.body.MaxNumberOfMessages as number);
    assert.deepEqual(asked.slice(0, 3), [6, 4, 2], "each receive asks for what the batch still has room for");
    assert.ok(asked.every((n) => n >= 1 && n <= 10), `SQS takes MaxNumberOfMessages 1 to 10: ${asked.join(",")}`);
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

  it("a failed receive is retried after a back-off, and a failed delete is not fatal; both are logged with the poller and queue", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "warn", destination: { write: (line) => void lines.push(JSON.parse(line)) } });
    const queue = await scriptedQueue(1, { failReceives: 2 });
    const got: string[] = [];
    const m = mapping(queue.client, async (event) => void got.push(...event.Records.map((r) => r.body)), { logger });
    m.start();
    await until(() => got.length === 1, "delivered after the receive failures");
    await until(() => queue.deleted.length === 1, "deleted");
    await m.stop();
    await queue.stop();
    assert.deepEqual(got, ["m0"]);
    const pollFailures = lines.filter((line) => line.msg === "sqs poll failed; backing off");
    assert.deepEqual(pollFailures.map((line) => [line.poller, line.queue, line.reason]), [[0, ARN, "We encountered an internal error."], [0, ARN, "We encountered an internal error."]]);

    lines.length = 0;
    const noDelete = await scriptedQueue(1, { failDeletes: true });
    let calls = 0;
    const d = mapping(noDelete.client, async () => void calls++, { logger });
    d.start();
    await until(() => calls === 1, "invoked");
    await until(() => lines.some((line) => line.msg === "delete failed; those messages will be delivered again"), "the failed delete logged");
    await d.stop();
    await noDelete.stop();
    const deleteFailure = lines.find((line) => line.msg === "delete failed; those messages will be delivered again");
    assert.deepEqual([deleteFailure?.poller, deleteFailure?.queue, deleteFailure?.records], [0, ARN, 1]);
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

  // Lambda invokes once the batch is full, the batching window is over or the payload reaches 6 MB, whichever
  // comes first. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
  it("a full batch is invoked without waiting out the batching window, and never holds more than batchSize", async () => {
    // Two messages per receive and a window of 5 minutes: only a full batch (3) ends the gathering in time.
    const queue = await scriptedQueue(6, { perReceive: 2 });
    const sizes = await batchSizesUntilDeleted(queue, 6, { batchSize: 3, maximumBatchingWindowSeconds: 300 }, "both full batches invoked and deleted");
    assert.deepEqual(sizes, [3, 3]);
    const asked = queue.fake.calls.filter((c) => c.target === "AmazonSQS.ReceiveMessage").map((c) => c.body.MaxNumberOfMessages as number);
    assert.deepEqual(asked.slice(0, 4), [3, 1, 3, 1], "each receive asks for what the batch still has room for, none once it is full");
  });

  // DeleteMessageBatch takes at most 10 entries, while a batch may hold up to 10,000 records (with a window).
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  it("a batch larger than 10 is deleted in DeleteMessageBatch calls of at most 10 entries, each message once", async () => {
    const queue = await scriptedQueue(25);
    const sizes = await batchSizesUntilDeleted(queue, 25, { batchSize: 25, maximumBatchingWindowSeconds: 300 }, "all 25 deleted");
    assert.deepEqual(sizes, [25]);
    assert.deepEqual(queue.fake.calls.filter((c) => c.target === "AmazonSQS.DeleteMessageBatch").map((c) => (c.body.Entries as unknown[]).length), [10, 10, 5]);
    assert.deepEqual([...queue.deleted].sort(), Array.from({ length: 25 }, (_, i) => `rh-m${i}`).sort());
  });

  it("records carry the receive count SQS reports: the mapping asks for the message attributes", async () => {
    const queue = await scriptedQueue(1, { receiveCount: 3 });
    const counts: string[] = [];
    const m = mapping(queue.client, async (event) => void counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount)));
    m.start();
    await until(() => queue.deleted.length === 1, "deleted");
    await m.stop();
    await queue.stop();
    assert.deepEqual(counts, ["3"]);
  });

  it("stop() lets the batch in the function finish and be deleted before it resolves, and nothing is received after", async () => {
    const queue = await scriptedQueue(1);
    let entered = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const m = mapping(queue.client, async () => {
      entered = true;
      await gate;
    });
    m.start();
    await until(() => entered, "the batch is in the function");
    let stopped = false;
    const stopping = m.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(stopped, false, "stop waits for the batch in the function");
    release();
    await stopping;
    assert.deepEqual(queue.deleted, ["rh-m0"], "the drained batch was deleted before stop resolved");
    const receives = queue.fake.calls.filter((c) => c.target === "AmazonSQS.ReceiveMessage").length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(queue.fake.calls.filter((c) => c.target === "AmazonSQS.ReceiveMessage").length, receives, "no receive after stop");
    await queue.stop();
  });
});
