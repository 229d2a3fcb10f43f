// The stream consumer's choices per record (handlers/streamHandler.ts), over an in-memory Kinesis port: only
// INSERTs with a sequence number are published, images that are not event items are skipped and counted per
// tenant (a well-formed tenant id only), and retries stop when the invocation runs out of time.
import assert from "node:assert/strict";
import type { DynamoDBRecord } from "aws-lambda";
import type { KinesisEntry } from "../../handlers/core/analytics";
import { Writable } from "node:stream";
import { createLogger } from "../../handlers/observability";
import { makeStreamHandler } from "../../handlers/streamHandler";
import { MetricsSpy, silentLogger } from "../helpers/handlers";

/** An INSERT of an item in the lean layout (handlers/core/eventItem.ts); `before`: the layout before it. */
function insert(sequence: number, eventId: string, tenant = "acme", before = false): DynamoDBRecord {
  const time: Record<string, { S?: string; N?: string }> = before ? { tenant: { S: tenant }, eventId: { S: eventId }, receivedAt: { N: "1760000000000" }, receivedKey: { S: `2025-10-09T08:53:20.000Z#${eventId}` } } : { receivedKey: { S: "2025-10-09T08:53:20.000Z" } };
  return {
    eventName: "INSERT",
    dynamodb: {
      SequenceNumber: String(sequence),
      NewImage: { pk: { S: `${tenant}#${eventId}` }, scheme: { S: "stripe" }, ...time, body: { B: Buffer.from("{}").toString("base64") } as never, size: { N: "2" } },
    },
  };
}

function consumer(failing: (entry: KinesisEntry<unknown>, call: number) => boolean = () => false, logger = silentLogger) {
  const sent: string[][] = [];
  const metrics = new MetricsSpy();
  const sleeps: number[] = [];
  const handler = makeStreamHandler({
    kinesis: {
      async putRecords(chunk) {
        sent.push(chunk.map((e) => JSON.parse(e.data.toString()).eventId));
        return chunk.map((e) => (failing(e, sent.length) ? "ProvisionedThroughputExceededException" : null));
      },
    },
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    now: () => 1_760_000_000_000, logger, metrics: metrics.sink, namespace: "Test",
  });
  return { handler, sent, metrics, sleeps };
}

describe("stream consumer: which records are published", () => {
  it("only INSERTs with a sequence number; MODIFY, REMOVE and records without one are skipped, not failed", async () => {
    const { handler, sent, metrics } = consumer();
    const noSequence = insert(0, "x");
    delete noSequence.dynamodb!.SequenceNumber;
    const response = await handler({ Records: [insert(1, "a"), { ...insert(2, "b"), eventName: "MODIFY" }, { ...insert(3, "c"), eventName: "REMOVE" }, noSequence, insert(4, "d"), insert(5, "e", "acme", true)] });
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(sent, [["a", "d", "e"]], "items of either layout");
    assert.equal(metrics.total("Published"), 3);
    assert.equal(metrics.total("MalformedStreamRecords"), 0);
  });

  it("an image that is not an event item is skipped and counted under its tenant, or without a dimension when the tenant is not a valid id", async () => {
    const { handler, sent, metrics } = consumer();
    const broken = (sequence: number, tenant: unknown): DynamoDBRecord => ({ eventName: "INSERT", dynamodb: { SequenceNumber: String(sequence), NewImage: { tenant: tenant as never } } });
    // A lean item names its tenant only in pk: a damaged one (no time here) is still counted under it.
    const brokenLean = (sequence: number, pk: string): DynamoDBRecord => ({ eventName: "INSERT", dynamodb: { SequenceNumber: String(sequence), NewImage: { pk: { S: pk }, scheme: { S: "stripe" } } } });
    const response = await handler({ Records: [broken(1, { S: "acme" }), broken(2, { S: "acme" }), broken(3, { S: "Not A Tenant!" }), broken(4, undefined), insert(5, "ok", "globex"), brokenLean(6, "initech#e1"), brokenLean(7, "Not A Tenant!#e2")] });
    assert.deepEqual(response, { batchItemFailures: [] }, "retrying cannot fix a malformed image");
    assert.deepEqual(sent, [["ok"]]);
    const lines = metrics.lines.filter((line) => "MalformedStreamRecords" in line).map((line) => [line.Tenant ?? null, line.MalformedStreamRecords]);
    assert.deepEqual(lines.sort(), [[null, 3], ["acme", 2], ["initech", 1]].sort());
    const published = metrics.lines.filter((line) => "Published" in line).map((line) => [line.Tenant, line.Published, line.PublishFailures]);
    assert.deepEqual(published, [["globex", 1, 0]]);
  });

  it("counts published and failed per tenant, and reports the failed sequence numbers", async () => {
    const { handler, metrics } = consumer((entry) => (entry.ref as { tenant: string }).tenant === "globex");
    const response = await handler({ Records: [insert(1, "a"), insert(2, "b", "globex"), insert(3, "c")] });
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "2" }] });
    const byTenant = Object.fromEntries(metrics.lines.filter((l) => "Published" in l).map((l) => [l.Tenant, [l.Published, l.PublishFailures]]));
    assert.deepEqual(byTenant, { acme: [2, 0], globex: [0, 1] });
  });

  it("the warning for what was not published names Kinesis' error codes, for on-call to tell throttling from the rest", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const { handler } = consumer((entry) => (entry.ref as { tenant: string }).tenant === "globex", createLogger({ level: "warn", destination }));
    await handler({ Records: [insert(1, "a"), insert(2, "b", "globex"), insert(3, "c", "globex")] });
    const warning = lines.find((line) => line.msg === "some analytics records not published; reporting them for retry");
    assert.ok(warning, JSON.stringify(lines));
    assert.deepEqual([warning.failed, warning.errorCodes], [2, { ProvisionedThroughputExceededException: 2 }]);
  });

  it("stops retrying when the remaining time would not leave 2 s after the next delay; keeps retrying while it would", async () => {
    const always = consumer(() => true);
    const short = await always.handler({ Records: [insert(1, "a")] }, { getRemainingTimeInMillis: () => 2_100 });
    assert.deepEqual(short, { batchItemFailures: [{ itemIdentifier: "1" }] });
    assert.deepEqual(always.sent.length, 1, "no retry: 2100 - 100 ms leaves exactly 2 s, not more");
    const roomy = consumer(() => true);
    await roomy.handler({ Records: [insert(1, "a")] }, { getRemainingTimeInMillis: () => 2_101 });
    assert.equal(roomy.sent.length, 2, "2101 - 100 ms leaves just over 2 s: one retry, then 2101 - 200 does not");
    const untimed = consumer(() => true);
    await untimed.handler({ Records: [insert(1, "a")] });
    assert.equal(untimed.sent.length, 5, "without a context, all attempts");
  });

  it("an event without Records publishes nothing and reports nothing", async () => {
    const { handler, sent, metrics } = consumer();
    assert.deepEqual(await handler({} as never), { batchItemFailures: [] });
    assert.deepEqual([sent, metrics.lines], [[], []]);
  });
});
