// The worker handler and its DynamoDB adapter over a scripted DynamoDB (FakeAws): the real SDK client, the wire
// format AWS uses, and a conditional PutItem emulated in memory. Needs no Java, so mutation runs use it;
// workerHandler.test.ts runs the same paths against DynamoDB Local.
import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoEventStore, eventItemAttributes } from "../../handlers/adapters/dynamo";
import { StoreError } from "../../handlers/core/errors";
import { encodeEnvelope, type Envelope } from "../../handlers/core/envelope";
import { eventItemFrom } from "../../handlers/core/eventItem";
import { makeWorkerHandler, ReplayBatchFailedError } from "../../handlers/workerHandler";
import { sqsRecord } from "../../local/events";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import { FakeAws, type RecordedCall } from "../helpers/fakeAws";
import { MetricsSpy, silentLogger } from "../helpers/handlers";

const NOW = 1_760_000_000_000;
const base: Envelope = { tenant: "acme", eventId: "e", scheme: "github", receivedAt: NOW, headers: { "x-github-event": "push" }, unsignedHeaders: ["x-github-event"], body: Buffer.from("{}") };
const envelope = (eventId: string, extra: Partial<Envelope> = {}) => encodeEnvelope({ ...base, eventId, body: Buffer.from(`{"n":"${eventId}"}`), ...extra });

/** DynamoDB's conditional PutItem in memory; events named in `failing` get a throttling error. */
async function fakeDynamo(failing: Set<string> = new Set()) {
  const table = new Map<string, Record<string, unknown>>();
  const fake = await FakeAws.start((call: RecordedCall) => {
    const item = call.body.Item as Record<string, { S?: string }>;
    if (failing.has(item.pk!.S!.slice("acme#".length))) {
      return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", message: "Rate exceeded" } };
    }
    if (call.body.ConditionExpression === "attribute_not_exists(pk)" && table.has(item.pk!.S!)) {
      return { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed" } };
    }
    table.set(item.pk!.S!, item);
    return { status: 200, contentType: "application/x-amz-json-1.0", body: {} };
  });
  const client = new DynamoDBClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return { fake, client, table, stop: async () => (client.destroy(), await fake.stop()) };
}

function worker(client: DynamoDBClient) {
  const metrics = new MetricsSpy();
  const handler = makeWorkerHandler({ settings: { tenant: "acme", retentionDays: 7 }, store: new DynamoEventStore(client, "events"), now: () => NOW, logger: silentLogger, metrics: metrics.sink, namespace: "Test" });
  return { handler, metrics };
}

describe("worker handler over a scripted DynamoDB (no Java)", () => {
  it("stores each event once: a redelivery is a ConditionalCheckFailed counted as a duplicate and as success", async () => {
    const dynamo = await fakeDynamo();
    try {
      const { handler, metrics } = worker(dynamo.client);
      const batch = { Records: [sqsRecord({ messageId: "m1", body: envelope("e1") }), sqsRecord({ messageId: "m2", body: envelope("e2") })] };
      assert.deepEqual(await handler(batch), { batchItemFailures: [] });
      assert.deepEqual(await handler(batch), { batchItemFailures: [] });
      assert.equal(dynamo.table.size, 2);
      assert.deepEqual([metrics.total("Stored"), metrics.total("Duplicates"), metrics.total("Malformed"), metrics.total("StoreFailures")], [2, 2, 0, 0]);
      const line = metrics.lines[0]! as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
      assert.deepEqual([line.Tenant, line._aws.Timestamp, line._aws.CloudWatchMetrics[0]!.Namespace], ["acme", NOW, "Test"], "one line per batch, under the tenant");
      assert.ok(line._aws.CloudWatchMetrics.every((directive) => directive.Dimensions.some((set) => set.includes("Tenant"))));
      assert.ok(dynamo.fake.calls.every((call) => call.target === "DynamoDB_20120810.PutItem" && call.body.TableName === "events"));
    } finally {
      await dynamo.stop();
    }
  });

  it("a malformed message and another tenant's envelope are reported by message id and counted Malformed; the rest is stored", async () => {
    const dynamo = await fakeDynamo();
    try {
      const { handler, metrics } = worker(dynamo.client);
      const response = await handler({
        Records: [sqsRecord({ messageId: "ok", body: envelope("e1") }), sqsRecord({ messageId: "junk", body: "not json" }), sqsRecord({ messageId: "other", body: envelope("e2", { tenant: "globex" }) })],
      });
      assert.deepEqual(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), ["junk", "other"]);
      assert.deepEqual([...dynamo.table.values()].map((item) => (item.pk as { S: string }).S.slice("acme#".length)), ["e1"]);
      assert.deepEqual([metrics.total("Stored"), metrics.total("Malformed"), metrics.total("StoreFailures")], [1, 2, 0]);
    } finally {
      await dynamo.stop();
    }
  });

  it("a failed PutItem is a retryable StoreError: the record is reported for retry and counted StoreFailures", async () => {
    const dynamo = await fakeDynamo(new Set(["slow"]));
    try {
      const store = new DynamoEventStore(dynamo.client, "events");
      const item = eventItemFrom({ ...base, eventId: "slow" }, 7);
      await assert.rejects(store.putIfAbsent(item), (error: unknown) => error instanceof StoreError && error.retryable && /ProvisionedThroughputExceededException/.test(error.message));
      const { handler, metrics } = worker(dynamo.client);
      const response = await handler({ Records: [sqsRecord({ messageId: "a", body: envelope("fast") }), sqsRecord({ messageId: "b", body: envelope("slow") })] });
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "b" }] });
      assert.deepEqual([metrics.total("Stored"), metrics.total("StoreFailures")], [1, 1]);
    } finally {
      await dynamo.stop();
    }
  });

  it("an asynchronous replay that cannot store everything fails the invocation, naming the records; a complete one returns", async () => {
    const dynamo = await fakeDynamo(new Set(["slow"]));
    try {
      const { handler } = worker(dynamo.client);
      await assert.rejects(
        handler({ replay: true, Records: [sqsRecord({ messageId: "a", body: envelope("fast") }), sqsRecord({ messageId: "b", body: envelope("slow") })] }),
        (error: unknown) => error instanceof ReplayBatchFailedError && error.failedMessageIds.join() === "b" && error.name === "ReplayBatchFailedError" && /1 record\(s\).*b/.test(error.message),
      );
      assert.deepEqual(await handler({ replay: true, Records: [sqsRecord({ messageId: "c", body: envelope("other") })] }), { batchItemFailures: [] });
      await assert.rejects(
        handler({ replay: true, Records: [sqsRecord({ messageId: "x", body: envelope("slow") }), sqsRecord({ messageId: "y", body: "junk" })] }),
        (error: unknown) => error instanceof ReplayBatchFailedError && error.message === "replayed batch: 2 record(s) not stored: x, y",
      );
      // Not a replay: the same failure is a partial batch response, not a throw.
      assert.deepEqual(await handler({ Records: [sqsRecord({ messageId: "b", body: envelope("slow") })] }), { batchItemFailures: [{ itemIdentifier: "b" }] });
    } finally {
      await dynamo.stop();
    }
  });

  it("an empty or Records-less event stores nothing and reports nothing", async () => {
    const dynamo = await fakeDynamo();
    try {
      const { handler, metrics } = worker(dynamo.client);
      assert.deepEqual(await handler({ Records: [] }), { batchItemFailures: [] });
      assert.deepEqual(await handler({} as never), { batchItemFailures: [] });
      assert.equal(dynamo.fake.calls.length, 0);
      assert.equal(metrics.lines.length, 2, "one metric line per invocation, zeros included");
    } finally {
      await dynamo.stop();
    }
  });
});

describe("DynamoDB item attributes", () => {
  it("every field of the item becomes its DynamoDB attribute, with the right type; tenant, event id and time only in the keys", () => {
    const item = eventItemFrom({ ...base, eventId: "e1", deliveryId: "d-1", signedUrl: "https://x/y?bodySHA256=00", headers: { "content-type": "application/json", "x-github-event": "push" }, unsignedHeaders: ["content-type"] }, 7);
    const attributes = eventItemAttributes(item);
    assert.deepEqual(attributes.pk, { S: "acme#e1" });
    assert.ok(!("tenant" in attributes) && !("eventId" in attributes) && !("receivedAt" in attributes), "each is read from pk and receivedKey");
    assert.deepEqual(attributes.scheme, { S: "github" });
    assert.deepEqual(attributes.headers, { M: { "content-type": { S: "application/json" }, "x-github-event": { S: "push" } } });
    assert.deepEqual(attributes.unsignedHeaders, { L: [{ S: "content-type" }] }, "listed: the signature covers x-github-event");
    assert.deepEqual(attributes.deliveryId, { S: "d-1" });
    assert.deepEqual(attributes.signedUrl, { S: "https://x/y?bodySHA256=00" });
    assert.ok(Buffer.from((attributes.body as { B: Uint8Array }).B).equals(item.body));
    assert.deepEqual(attributes.size, { N: String(item.size) });
    assert.deepEqual(attributes.tenantShard, { S: item.tenantShard });
    assert.deepEqual(attributes.receivedKey, { S: new Date(NOW).toISOString() });
    assert.deepEqual(attributes.expiresAt, { N: String(item.expiresAt) });
    const bare = eventItemAttributes(eventItemFrom({ ...base, eventId: "e2" }, 7));
    assert.ok(!("deliveryId" in bare) && !("signedUrl" in bare) && !("bodyPointer" in bare), "absent metadata is no attribute (DynamoDB refuses empty strings in keys)");
    assert.ok(!("unsignedHeaders" in bare), "no list when every kept header is unsigned (readers then mark them all unsigned)");
    const noHeaders = eventItemAttributes(eventItemFrom({ ...base, eventId: "e4", headers: {}, unsignedHeaders: [] }, 7));
    assert.ok(!("unsignedHeaders" in noHeaders), "no list for no headers");
  });

  it("a pointed body is a bodyPointer map of bucket, key, size and sha256, and no body attribute", () => {
    const pointer = { bucket: "bodies", key: "acme/k", size: 9000, sha256: "a".repeat(64) };
    const attributes = eventItemAttributes(eventItemFrom({ ...base, eventId: "e3", body: Buffer.alloc(0), bodyPointer: pointer }, 7));
    assert.deepEqual(attributes.bodyPointer, { M: { bucket: { S: "bodies" }, key: { S: "acme/k" }, size: { N: "9000" }, sha256: { S: "a".repeat(64) } } });
    assert.equal("body" in attributes, false);
    assert.deepEqual(attributes.size, { N: "9000" });
  });
});
