import assert from "node:assert/strict";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { KinesisPublisher } from "../../../handlers/adapters/kinesis";
import { publishWithRetry, type KinesisEntry } from "../../../handlers/core/analytics";
import { PublishError } from "../../../handlers/core/errors";
import { FakeAws, type Scripted } from "../../helpers/fakeAws";

// PutRecords answers with one result per record sent, in order
// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html). A response that does not line up
// cannot say which entries were stored, so every entry counts as failed and is retried (the consumer is
// at-least-once; downstream dedups by eventId).

const entries: KinesisEntry<number>[] = [0, 1, 2].map((i) => ({ partitionKey: `acme:e${i}`, data: Buffer.from(`{"e":${i}}`), ref: i }));
const ok = (i: number) => ({ SequenceNumber: `4959${i}`, ShardId: "shardId-000000000000" });
const throttled = { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard shardId-000000000000 in stream analytics." };

async function publishAgainst(scripted: Scripted): Promise<{ flags: readonly (string | null)[]; fake: FakeAws }> {
  const fake = await FakeAws.start(() => scripted);
  const client = new KinesisClient({
    endpoint: fake.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" },
    requestHandler: new NodeHttpHandler(), maxAttempts: 1,
  });
  try {
    return { flags: await new KinesisPublisher(client, "analytics").putRecords(entries), fake };
  } finally {
    client.destroy();
    await fake.stop();
  }
}

describe("KinesisPublisher (PutRecords adapter)", () => {
  it("sends every entry in order and maps each result to null (accepted) or its ErrorCode", async () => {
    const { flags, fake } = await publishAgainst({ status: 200, body: { FailedRecordCount: 1, Records: [ok(0), throttled, ok(2)] } });
    assert.deepEqual(flags, [null, "ProvisionedThroughputExceededException", null]);
    assert.equal(fake.calls.length, 1);
    assert.equal(fake.calls[0]!.target, "Kinesis_20131202.PutRecords");
    assert.equal(fake.calls[0]!.body.StreamName, "analytics");
    const sent = fake.calls[0]!.body.Records as { Data: string; PartitionKey: string }[];
    assert.deepEqual(sent.map((r) => [r.PartitionKey, Buffer.from(r.Data, "base64").toString()]), entries.map((e) => [e.partitionKey, e.data.toString()]));
  });

  it("a response with fewer results than entries sent counts every entry failed, none published", async () => {
    const { flags } = await publishAgainst({ status: 200, body: { FailedRecordCount: 0, Records: [ok(0), ok(1)] } });
    assert.deepEqual(flags, ["NoMatchingResponse", "NoMatchingResponse", "NoMatchingResponse"]);
  });

  it("a response with more results than entries sent counts every entry failed", async () => {
    const { flags } = await publishAgainst({ status: 200, body: { FailedRecordCount: 0, Records: [ok(0), ok(1), ok(2), ok(3)] } });
    assert.deepEqual(flags, ["NoMatchingResponse", "NoMatchingResponse", "NoMatchingResponse"]);
  });

  it("a response without Records counts every entry failed", async () => {
    const { flags } = await publishAgainst({ status: 200, body: { FailedRecordCount: 0 } });
    assert.deepEqual(flags, ["NoMatchingResponse", "NoMatchingResponse", "NoMatchingResponse"]);
  });

  it("a failed call rejects with a retryable PublishError naming the AWS error", async () => {
    await assert.rejects(
      publishAgainst({ status: 400, body: { __type: "ResourceNotFoundException", message: "Stream analytics not found" } }),
      (error: unknown) => error instanceof PublishError && error.retryable && /ResourceNotFoundException/.test(error.message) && error.code === "ResourceNotFoundException",
    );
  });

  it("a result with neither an error code nor a sequence number is not taken as accepted", async () => {
    const { flags } = await publishAgainst({ status: 200, body: { FailedRecordCount: 0, Records: [ok(0), {}, { ErrorCode: "" }] } });
    assert.deepEqual(flags, [null, "NoSequenceNumber", "NoSequenceNumber"]);
  });

  it("through publishWithRetry, a whole call's failure is counted under the AWS error's name, not the adapter's", async () => {
    const fake = await FakeAws.start(() => ({ status: 400, body: { __type: "KMSThrottlingException", message: "Rate exceeded" } }));
    const client = new KinesisClient({ endpoint: fake.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
    try {
      const result = await publishWithRetry(entries, new KinesisPublisher(client, "analytics"), { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 });
      assert.deepEqual([result.published, result.errorCodes], [0, { KMSThrottlingException: 3 }]);
    } finally {
      client.destroy();
      await fake.stop();
    }
  });
});
