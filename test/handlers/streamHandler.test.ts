import assert from "node:assert/strict";
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { DynamoDBRecord } from "aws-lambda";
import { KinesisPublisher } from "../../handlers/adapters/kinesis";
import { makeStreamHandler } from "../../handlers/streamHandler";
import { createAnalyticsStream } from "../../local/resources";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startKinesalite, type RunningServer } from "../../local/servers";
import { FakeAws } from "../helpers/fakeAws";
import { MetricsSpy, silentLogger } from "../helpers/handlers";

function insert(sequence: number, eventId: string, body = `{"e":"${eventId}"}`): DynamoDBRecord {
  return {
    eventName: "INSERT",
    dynamodb: {
      SequenceNumber: String(sequence).padStart(21, "0"),
      NewImage: {
        pk: { S: `acme#${eventId}` }, tenant: { S: "acme" }, eventId: { S: eventId }, scheme: { S: "stripe" },
        receivedAt: { N: "1760000000000" }, body: { B: Buffer.from(body).toString("base64") } as never, size: { N: String(body.length) },
      },
    },
  };
}

const kinesisClient = (endpoint: string) =>
  new KinesisClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });

function streamHandler(client: KinesisClient, streamName: string, maxAttempts = 4) {
  const metrics = new MetricsSpy();
  const handler = makeStreamHandler({
    kinesis: new KinesisPublisher(client, streamName),
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 5, sleep: async () => {}, random: () => 0.5 },
    now: Date.now, logger: silentLogger, metrics: metrics.sink, namespace: "Test",
  });
  return { handler, metrics };
}

describe("stream consumer against kinesalite", () => {
  let kinesalite: RunningServer;
  let client: KinesisClient;
  before(async () => {
    kinesalite = await startKinesalite();
    client = kinesisClient(kinesalite.endpoint);
    await createAnalyticsStream(client, "analytics", 2);
  });
  after(async () => {
    client.destroy();
    await kinesalite.stop();
  });

  it("publishes every INSERT as a compact analytics record and skips other changes", async () => {
    const { handler, metrics } = streamHandler(client, "analytics");
    const records = [insert(1, "e1"), { ...insert(2, "e2"), eventName: "REMOVE" as const }, insert(3, "e3")];
    assert.deepEqual(await handler({ Records: records }), { batchItemFailures: [] });
    const read: Record<string, unknown>[] = [];
    const shards = (await client.send(new ListShardsCommand({ StreamName: "analytics" }))).Shards ?? [];
    for (const shard of shards) {
      const iterator = await client.send(new GetShardIteratorCommand({ StreamName: "analytics", ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }));
      const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }));
      for (const record of got.Records ?? []) read.push(JSON.parse(Buffer.from(record.Data!).toString()));
    }
    assert.deepEqual(read.map((r) => r.eventId).sort(), ["e1", "e3"]);
    assert.deepEqual(read.find((r) => r.eventId === "e1"), { tenant: "acme", eventId: "e1", receivedAt: "2025-10-09T08:53:20.000Z", scheme: "stripe", headers: {}, unsignedHeaders: [], size: 10, payloadEncoding: "utf8", payload: '{"e":"e1"}' });
    assert.equal(metrics.total("Published"), 2);
  });
});

describe("stream consumer when Kinesis partially fails (responses as AWS sends them)", () => {
  const failedEntry = { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard shardId-000000000000 in stream analytics." };

  it("retries only the failed entries until they succeed", async () => {
    const fake = await FakeAws.start((call, index) => {
      const records = call.body.Records as unknown[];
      // First call: every other entry throttled; then everything succeeds.
      const results = records.map((_, i) => (index === 0 && i % 2 === 1 ? failedEntry : { SequenceNumber: `${index}${i}`, ShardId: "shardId-000000000000" }));
      return { status: 200, body: { FailedRecordCount: results.filter((r) => "ErrorCode" in r).length, Records: results } };
    });
    try {
      const client = kinesisClient(fake.endpoint);
      const { handler } = streamHandler(client, "analytics");
      const response = await handler({ Records: [insert(1, "a"), insert(2, "b"), insert(3, "c"), insert(4, "d")] });
      assert.deepEqual(response, { batchItemFailures: [] });
      const sent = fake.calls.map((call) => (call.body.Records as { Data: string }[]).map((r) => JSON.parse(Buffer.from(r.Data, "base64").toString()).eventId));
      assert.deepEqual(sent, [["a", "b", "c", "d"], ["b", "d"]]);
      client.destroy();
    } finally {
      await fake.stop();
    }
  });

  it("reports what still fails by sequence number, and a failed call counts as all entries failed", async () => {
    const fake = await FakeAws.start((call, index) => {
      if (index === 0) return { status: 500, body: { __type: "InternalFailure", message: "internal" } };
      const records = call.body.Records as { Data: string }[];
      const results = records.map((r) => (JSON.parse(Buffer.from(r.Data, "base64").toString()).eventId === "stuck" ? failedEntry : { SequenceNumber: "1", ShardId: "s" }));
      return { status: 200, body: { FailedRecordCount: results.filter((r) => "ErrorCode" in r).length, Records: results } };
    });
    try {
      const client = kinesisClient(fake.endpoint);
      const { handler, metrics } = streamHandler(client, "analytics", 3);
      const response = await handler({ Records: [insert(1, "ok"), insert(2, "stuck"), insert(3, "fine")] });
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "000000000000000000002" }] });
      assert.equal(fake.calls.length, 3);
      assert.equal(metrics.total("PublishFailures"), 1);
      assert.equal(metrics.total("Published"), 2);
      client.destroy();
    } finally {
      await fake.stop();
    }
  });

  // Lambda takes the lowest sequence number among batchItemFailures as the checkpoint and retries the shard from
  // there (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html). Reporting only
  // the last (highest) failure would checkpoint past the earlier ones: they would never be published.
  it("with several failures in one batch, reports every failed record (so the lowest is among them) and no published one", async () => {
    const stuck = new Set(["b", "d", "e"]);
    const fake = await FakeAws.start((call) => {
      const records = call.body.Records as { Data: string }[];
      const results = records.map((r) => (stuck.has(JSON.parse(Buffer.from(r.Data, "base64").toString()).eventId) ? failedEntry : { SequenceNumber: "1", ShardId: "s" }));
      return { status: 200, body: { FailedRecordCount: results.filter((r) => "ErrorCode" in r).length, Records: results } };
    });
    try {
      const client = kinesisClient(fake.endpoint);
      const { handler, metrics } = streamHandler(client, "analytics", 2);
      const batch = [insert(10, "a"), insert(20, "b"), insert(30, "c"), insert(40, "d"), insert(50, "e"), insert(60, "f")];
      const response = await handler({ Records: batch });
      const reported = response.batchItemFailures.map((failure) => failure.itemIdentifier);
      const failedSequences = batch.filter((r) => stuck.has(r.dynamodb!.NewImage!.eventId!.S!)).map((r) => r.dynamodb!.SequenceNumber!);
      assert.deepEqual([...reported].sort(), [...failedSequences].sort(), "every failed record reported, nothing else");
      const lowest = (ids: readonly string[]) => ids.reduce((min, id) => (BigInt(id) < BigInt(min) ? id : min));
      assert.equal(lowest(reported), "000000000000000000020", "the checkpoint Lambda takes is the lowest failed record");
      assert.equal(metrics.total("PublishFailures"), 3);
      assert.equal(metrics.total("Published"), 3);
      client.destroy();
    } finally {
      await fake.stop();
    }
  });
});
