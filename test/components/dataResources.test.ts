// The data path's resources as AWS needs them (components/eventStore.ts, analyticsFanout.ts), asserted on what
// the program declares under Pulumi mocks: what the handlers rely on (key names, the stream view, the TTL
// attribute, the index the operator queries by) and what keeps nothing lost (destinations, retention, the
// stream consumer's mapping).
import assert from "node:assert/strict";
import { loadStackFile } from "../../components/config";
import { runOffline, type OfflineRun } from "../../scripts/lib/offline";
import { eventItemFrom } from "../../handlers/core/eventItem";

function find(run: OfflineRun, type: string, name: string) {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `missing ${type} ${name}`);
  return found;
}

// Each test runs the program itself (not a shared before hook), so mutation testing's per-test coverage sees
// which test reads which resource.
describe("data resources", () => {
  it("the events table is keyed, indexed and expired by the attributes the worker writes, and streams new images", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const table = find(run, "aws:dynamodb/table:Table", "events-table").inputs;
    const item = eventItemFrom({ tenant: "acme", eventId: "e", scheme: "github", receivedAt: 0, headers: {}, unsignedHeaders: [], body: Buffer.alloc(0) }, 1);
    assert.equal(table.hashKey, "pk");
    assert.ok("pk" in item && "tenantShard" in item && "receivedKey" in item && "expiresAt" in item);
    assert.deepEqual(table.attributes, [{ name: "pk", type: "S" }, { name: "tenantShard", type: "S" }, { name: "receivedKey", type: "S" }]);
    assert.deepEqual(table.globalSecondaryIndexes, [{
      name: "byTenantTime",
      keySchemas: [{ attributeName: "tenantShard", keyType: "HASH" }, { attributeName: "receivedKey", keyType: "RANGE" }],
      projectionType: "INCLUDE",
      nonKeyAttributes: ["eventId", "scheme", "size", "receivedAt"],
    }]);
    assert.equal(table.billingMode, "PAY_PER_REQUEST");
    // The consumer reads NewImage: KEYS_ONLY or OLD_IMAGE would give it nothing to publish.
    assert.deepEqual([table.streamEnabled, table.streamViewType], [true, "NEW_IMAGE"]);
    assert.deepEqual(table.ttl, { attributeName: "expiresAt", enabled: true });
    assert.deepEqual(table.serverSideEncryption, { enabled: true });
  });

  it("the analytics stream: provisioned shards from the config, encrypted, kept 24 hours (Kinesis's minimum)", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const config = loadStackFile("prod");
    const stream = find(run, "aws:kinesis/stream:Stream", "analytics-stream").inputs;
    assert.deepEqual(stream, { shardCount: config.analyticsShards, streamModeDetails: { streamMode: "PROVISIONED" }, encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis", retentionPeriod: 24 });
  });

  it("the stream consumer's mapping: from the start of the stream, INSERTs only, partial batch responses, bisect, bounded retries, failures to the failure queue", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const mapping = find(run, "aws:lambda/eventSourceMapping:EventSourceMapping", "analytics-mapping").inputs;
    const failures = find(run, "aws:sqs/queue:Queue", "analytics-failures");
    const table = find(run, "aws:dynamodb/table:Table", "events-table");
    const consumer = find(run, "aws:lambda/function:Function", "analytics-consumer-fn");
    assert.equal(mapping.eventSourceArn, table.state.streamArn);
    assert.equal(mapping.functionName, consumer.state.arn);
    assert.equal(mapping.startingPosition, "TRIM_HORIZON");
    assert.deepEqual(JSON.parse((mapping.filterCriteria as { filters: { pattern: string }[] }).filters[0]!.pattern), { eventName: ["INSERT"] });
    assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.equal(mapping.bisectBatchOnFunctionError, true);
    // DynamoDB stream mappings: retries -1 (forever) or 0..10000; record age -1 or 60..604800 s. Bounded here, so a
    // poison record cannot block the shard for the stream's 24 h retention.
    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
    assert.ok((mapping.maximumRetryAttempts as number) >= 0 && (mapping.maximumRetryAttempts as number) <= 10_000);
    assert.ok((mapping.maximumRecordAgeInSeconds as number) >= 60 && (mapping.maximumRecordAgeInSeconds as number) < 24 * 3600);
    assert.ok((mapping.batchSize as number) >= 1 && (mapping.batchSize as number) <= 10_000);
    assert.deepEqual(mapping.destinationConfig, { onFailure: { destinationArn: failures.state.arn } });
    assert.deepEqual(failures.inputs, { messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
    assert.equal((consumer.inputs.environment as { variables: Record<string, string> }).variables.ANALYTICS_STREAM_NAME, find(run, "aws:kinesis/stream:Stream", "analytics-stream").state.name);
  });

  it("the stream consumer may read the table's stream, put records on the analytics stream and write its failure queue, nothing else", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const table = find(run, "aws:dynamodb/table:Table", "events-table");
    const stream = find(run, "aws:kinesis/stream:Stream", "analytics-stream");
    const failures = find(run, "aws:sqs/queue:Queue", "analytics-failures");
    const policy = JSON.parse(find(run, "aws:iam/rolePolicy:RolePolicy", "analytics-consumer-policy").inputs.policy as string);
    const statements = (policy.Statement as { Action: string[]; Resource: string[] }[]).filter((s) => !s.Action.every((a) => a.startsWith("logs:")));
    assert.deepEqual(statements.map((s) => [s.Action, s.Resource]).sort(), [
      [["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], [table.state.streamArn, `${table.state.arn}/stream/*`]],
      [["kinesis:PutRecords"], [stream.state.arn]],
      [["sqs:SendMessage"], [failures.state.arn]],
    ].sort());
  });
});
