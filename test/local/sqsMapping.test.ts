// The SQS mapping emulator against local-aws-sqs: concurrency, batching window, redelivery with a growing
// receive count, and deletion of only what succeeded.
import assert from "node:assert/strict";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { ReservedConcurrency } from "../../local/invocation";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type RunningServer } from "../../local/servers";
import { SqsEventSourceMapping, type SqsMappingOptions } from "../../local/sqsMapping";
import { silentLogger } from "../helpers/handlers";

describe("SQS mapping emulation against local-aws-sqs", function () {
  this.timeout(30_000);
  let server: RunningServer;
  let sqs: SQSClient;
  let queues = 0;

  before(async () => {
    server = await startSqs();
    sqs = new SQSClient({ endpoint: server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  after(async () => {
    sqs.destroy();
    await server.stop();
  });

  async function queueWith(count: number, visibilityTimeoutSeconds = 30): Promise<{ url: string; arn: string }> {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `mapping-${++queues}`, Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds) } }))).QueueUrl!;
    for (let i = 0; i < count; i += 10) {
      const entries = Array.from({ length: Math.min(10, count - i) }, (_, n) => ({ Id: String(n), MessageBody: `m${i + n}` }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    }
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    return { url, arn };
  }

  async function depth(url: string): Promise<number> {
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes!;
    return Number(attributes.ApproximateNumberOfMessages) + Number(attributes.ApproximateNumberOfMessagesNotVisible);
  }

  async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(what);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const mappingFor = (queue: { url: string; arn: string }, options: Partial<SqsMappingOptions> & Pick<SqsMappingOptions, "handler">) =>
    new SqsEventSourceMapping({
      client: sqs, queueUrl: queue.url, queueArn: queue.arn, batchSize: 10, maximumBatchingWindowSeconds: 0, maximumConcurrency: 2, functionTimeoutSeconds: 30, logger: silentLogger,
      concurrency: new ReservedConcurrency(options.maximumConcurrency ?? 2),
      ...options,
    });

  it("never runs more than maximumConcurrency batches at once, never more than batchSize per batch, and deletes what succeeded", async () => {
    const queue = await queueWith(60);
    let running = 0;
    let peak = 0;
    const seen = new Set<string>();
    const mapping = mappingFor(queue, {
      maximumConcurrency: 3,
      handler: async (event: SQSEvent) => {
        running += 1;
        peak = Math.max(peak, running);
        assert.ok(event.Records.length <= 10);
        for (const record of event.Records) seen.add(record.body);
        await new Promise((resolve) => setTimeout(resolve, 80));
        running -= 1;
        return { batchItemFailures: [] };
      },
    });
    mapping.start();
    await until(async () => seen.size === 60 && (await depth(queue.url)) === 0, 20_000, "all 60 processed and deleted");
    await mapping.stop();
    assert.equal(peak, 3);
  });

  it("the batching window gathers messages into one batch", async () => {
    const queue = await queueWith(0);
    const batches: number[] = [];
    const mapping = mappingFor(queue, { maximumConcurrency: 1, maximumBatchingWindowSeconds: 1, handler: async (event) => void batches.push(event.Records.length) });
    mapping.start();
    for (let i = 0; i < 4; i++) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: [{ Id: "a", MessageBody: `w${i}` }] }));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(() => batches.reduce((a, b) => a + b, 0) === 4, 10_000, "4 messages delivered");
    await mapping.stop();
    assert.deepEqual(batches, [4]);
  });

  it("a reported failure comes back after the visibility timeout with a higher receive count; the others are not redelivered", async () => {
    const queue = await queueWith(5, 1);
    const deliveries: { body: string; receiveCount: number }[] = [];
    const mapping = mappingFor(queue, {
      maximumConcurrency: 1,
      handler: async (event) => {
        for (const record of event.Records) deliveries.push({ body: record.body, receiveCount: Number(record.attributes.ApproximateReceiveCount) });
        const failing = event.Records.filter((record) => record.body === "m2" && Number(record.attributes.ApproximateReceiveCount) < 3);
        return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
      },
    });
    mapping.start();
    await until(async () => (await depth(queue.url)) === 0, 15_000, "queue drained");
    await mapping.stop();
    assert.deepEqual(deliveries.filter((d) => d.body === "m2").map((d) => d.receiveCount), [1, 2, 3]);
    for (const body of ["m0", "m1", "m3", "m4"]) assert.equal(deliveries.filter((d) => d.body === body).length, 1, `${body}: ${JSON.stringify(deliveries)}`);
  });

  it("a batch that throws or times out is not deleted: all of it is delivered again", async () => {
    const queue = await queueWith(3, 1);
    let calls = 0;
    const mapping = mappingFor(queue, {
      maximumConcurrency: 1,
      functionTimeoutSeconds: 0.2,
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error("boom");
        if (calls === 2) await new Promise((resolve) => setTimeout(resolve, 1_000)); // past the timeout
        return undefined;
      },
    });
    mapping.start();
    await until(async () => calls >= 3 && (await depth(queue.url)) === 0, 15_000, "delivered a third time and deleted");
    await mapping.stop();
  });

  it("when other invocations hold the worker's reserved concurrency, a polled batch is throttled and comes back after the visibility timeout", async () => {
    const queue = await queueWith(2, 1);
    const concurrency = new ReservedConcurrency(1);
    assert.ok(concurrency.tryAcquire()); // an asynchronous replay holds the only slot
    const deliveries: number[] = [];
    const mapping = mappingFor(queue, { maximumConcurrency: 1, concurrency, handler: async (event) => void deliveries.push(...event.Records.map((r) => Number(r.attributes.ApproximateReceiveCount))) });
    mapping.start();
    await until(() => mapping.stats.throttles > 0, 5_000, "throttled");
    concurrency.release();
    await until(async () => (await depth(queue.url)) === 0, 10_000, "delivered once the slot is free");
    await mapping.stop();
    assert.ok(deliveries.every((count) => count >= 2), `the throttled receive was spent: ${deliveries}`);
  });
});
