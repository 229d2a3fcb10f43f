import assert from "node:assert/strict";
import { DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoEventStore, eventItemAttributes } from "../../handlers/adapters/dynamo";
import { encodeEnvelope } from "../../handlers/core/envelope";
import { eventItemFrom, TENANT_TIME_INDEX } from "../../handlers/core/eventItem";
import { makeWorkerHandler, ReplayBatchFailedError } from "../../handlers/workerHandler";
import { sqsRecord } from "../../local/events";
import { createEventsTable } from "../../local/resources";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, type RunningServer } from "../../local/servers";
import { FakeAws } from "../helpers/fakeAws";
import { MetricsSpy, silentLogger } from "../helpers/handlers";
import { itemBytes, sampleGithubEnvelope } from "../helpers/items";

// Received now, so the items' TTL (receivedAt + 7 days) lies ahead: DynamoDB Local runs TTL deletion, and an item
// already expired (a fixed past time did that once the calendar moved on) can vanish between two batches, which
// made a redelivery look like a first delivery now and then.
const RECEIVED_AT = Math.floor(Date.now() / 1000) * 1000;
const envelope = (eventId: string, tenant = "acme") =>
  encodeEnvelope({ tenant, eventId, scheme: "github", receivedAt: RECEIVED_AT, headers: { "x-github-event": "push" }, body: Buffer.from(`{"n":"${eventId}"}`) });

describe("worker handler against DynamoDB Local", () => {
  let dynamo: RunningServer;
  let client: DynamoDBClient;
  const table = "events-worker-test";

  before(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await createEventsTable(client, table);
  });
  after(async () => {
    client.destroy();
    await dynamo.stop();
  });

  function worker() {
    const metrics = new MetricsSpy();
    const handler = makeWorkerHandler({
      settings: { tenant: "acme", retentionDays: 7 },
      store: new DynamoEventStore(client, table),
      now: () => RECEIVED_AT,
      logger: silentLogger,
      metrics: metrics.sink,
      namespace: "Test",
    });
    return { handler, metrics };
  }

  async function items() {
    return (await client.send(new ScanCommand({ TableName: table }))).Items ?? [];
  }

  it("stores each event once: a redelivery is a ConditionalCheckFailed counted as success", async () => {
    const { handler, metrics } = worker();
    const batch = { Records: [sqsRecord({ messageId: "m1", body: envelope("e1") }), sqsRecord({ messageId: "m2", body: envelope("e1") }), sqsRecord({ messageId: "m3", body: envelope("e2") })] };
    assert.deepEqual(await handler(batch), { batchItemFailures: [] });
    assert.deepEqual(await handler(batch), { batchItemFailures: [] });
    const stored = await items();
    assert.deepEqual(stored.map((item) => item.pk!.S!.replace(/^[^#]*#/, "")).sort(), ["e1", "e2"]);
    assert.equal(metrics.total("Stored"), 2);
    assert.equal(metrics.total("Duplicates"), 4);
    const e1 = stored.find((item) => item.pk!.S!.replace(/^[^#]*#/, "") === "e1")!;
    assert.equal(Buffer.from(e1.body!.B!).toString(), '{"n":"e1"}');
    assert.equal(e1.expiresAt!.N, String(RECEIVED_AT / 1000 + 7 * 86_400));
    assert.match(e1.tenantShard!.S!, /^acme#\d+$/);
  });

  it("a typical 2 KiB webhook's item costs one write unit on the table and one on the index, as DynamoDB Local bills it", async () => {
    // The representative envelope as it is (11-character tenant, a 68-character MAC-derived id), but received now.
    const envelope = { ...sampleGithubEnvelope(), receivedAt: RECEIVED_AT };
    const item = eventItemAttributes(eventItemFrom(envelope, 7));
    const result = await client.send(new PutItemCommand({ TableName: table, Item: item, ReturnConsumedCapacity: "INDEXES" }));
    assert.equal(result.ConsumedCapacity?.Table?.CapacityUnits, 1, `item of ${itemBytes(item as never)} B`);
    assert.equal(result.ConsumedCapacity?.GlobalSecondaryIndexes?.[TENANT_TIME_INDEX]?.CapacityUnits, 1);
    // The layout before (tenant, eventId and receivedAt stored besides the keys, the unsigned list always) took 2.
    const other = `sig:${"cd".repeat(32)}`;
    const before = { ...item, pk: { S: `${envelope.tenant}#${other}` }, tenant: { S: envelope.tenant }, eventId: { S: other }, receivedAt: { N: String(RECEIVED_AT) }, unsignedHeaders: { L: Object.keys(item.headers!.M!).map((name) => ({ S: name })) }, receivedKey: { S: `${item.receivedKey!.S}#${other}` } };
    const beforeResult = await client.send(new PutItemCommand({ TableName: table, Item: before, ReturnConsumedCapacity: "INDEXES" }));
    assert.equal(beforeResult.ConsumedCapacity?.Table?.CapacityUnits, 2, `item of ${itemBytes(before as never)} B`);
  });

  it("a poison message is reported by its message id; the rest of the batch is stored", async () => {
    const { handler, metrics } = worker();
    const response = await handler({
      Records: [
        sqsRecord({ messageId: "ok-1", body: envelope("p1") }),
        sqsRecord({ messageId: "poison", body: "{not json" }),
        sqsRecord({ messageId: "misrouted", body: envelope("p2", "other") }),
        sqsRecord({ messageId: "ok-2", body: envelope("p3") }),
      ],
    });
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "poison" }, { itemIdentifier: "misrouted" }] });
    const ids = (await items()).map((item) => item.pk!.S!.replace(/^[^#]*#/, ""));
    assert.ok(ids.includes("p1") && ids.includes("p3") && !ids.includes("p2"));
    assert.equal(metrics.total("Malformed"), 2);
  });

  it("an asynchronous replay that cannot store everything fails the invocation (so destinations see it)", async () => {
    const { handler } = worker();
    await assert.rejects(handler({ replay: true, Records: [sqsRecord({ messageId: "r1", body: envelope("r1") }), sqsRecord({ messageId: "bad", body: "x" })] }), (error) => {
      assert.ok(error instanceof ReplayBatchFailedError);
      assert.deepEqual(error.failedMessageIds, ["bad"]);
      return true;
    });
    assert.deepEqual(await handler({ replay: true, Records: [sqsRecord({ messageId: "r1", body: envelope("r1") })] }), { batchItemFailures: [] });
  });
});

describe("worker handler when DynamoDB throttles (errors as AWS sends them)", () => {
  it("reports throttled records for retry and stores nothing twice", async () => {
    const fake = await FakeAws.start((call) =>
      String(call.body.Item && (call.body.Item as Record<string, { S: string }>).pk!.S) === "acme#slow"
        ? { status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", message: "Rate exceeded" } }
        : { status: 200, contentType: "application/x-amz-json-1.0", body: {} },
    );
    try {
      const client = new DynamoDBClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
      const metrics = new MetricsSpy();
      const handler = makeWorkerHandler({ settings: { tenant: "acme", retentionDays: 7 }, store: new DynamoEventStore(client, "t"), now: Date.now, logger: silentLogger, metrics: metrics.sink, namespace: "Test" });
      const response = await handler({ Records: [sqsRecord({ messageId: "a", body: envelope("fast") }), sqsRecord({ messageId: "b", body: envelope("slow") })] });
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "b" }] });
      assert.equal(metrics.total("StoreFailures"), 1);
      assert.ok(fake.calls.every((call) => call.target === "DynamoDB_20120810.PutItem" && (call.body as { ConditionExpression?: string }).ConditionExpression === "attribute_not_exists(pk)"));
      client.destroy();
    } finally {
      await fake.stop();
    }
  });
});
