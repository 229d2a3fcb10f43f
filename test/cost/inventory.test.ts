// What a plan's resources cost by themselves (components/cost/model.ts inventoryOf), charged to the tenant whose
// pipeline they sit under, else shared; and the price table's provenance list (prices.ts pricesOf).
import assert from "node:assert/strict";
import { inventoryOf, type ResourceLike } from "../../components/cost/model";
import { PRICES, pricesOf } from "../../components/cost/prices";

const r = (type: string, name: string, parent: string | null, inputs: Record<string, unknown> = {}): ResourceLike => ({ type, name, parent, inputs });
const PIPELINE = "webhooks:tenant:TenantPipeline";

describe("cost inventory", () => {
  it("a resource is charged to the tenant whose pipeline it sits under at any depth, else to the shared part", () => {
    const inventory = inventoryOf([
      r("pulumi:pulumi:Stack", "webhooks-prod", null),
      r(PIPELINE, "tenant-acme", null),
      r("webhooks:function:NodeFunction", "acme-ingest", "tenant-acme"),
      r("aws:lambda/function:Function", "acme-ingest-fn", "acme-ingest"),
      r("aws:iam/role:Role", "acme-ingest-role", "acme-ingest-fn"),
      r("aws:sqs/queue:Queue", "events-dlq", null),
    ]);
    assert.deepEqual(Object.keys(inventory.tenants), ["acme"]);
    // Components (webhooks:*) and the stack cost nothing by themselves: only the three AWS resources count.
    assert.equal(inventory.tenants.acme!.resources, 2);
    assert.equal(inventory.shared.resources, 1);
  });

  it("only a TenantPipeline named tenant-<id> makes a tenant", () => {
    const inventory = inventoryOf([r(PIPELINE, "acme", null), r("aws:sqs/queue:Queue", "q", "acme"), r("webhooks:other:Thing", "tenant-globex", null), r("aws:sqs/queue:Queue", "q2", "tenant-globex")]);
    assert.deepEqual(inventory.tenants, {});
    assert.equal(inventory.shared.resources, 2);
  });

  it("a parent chain that loops ends and is charged as shared", () => {
    const inventory = inventoryOf([r(PIPELINE, "tenant-acme", null), r("aws:sqs/queue:Queue", "a", "b"), r("aws:sqs/queue:Queue", "b", "a")]);
    assert.equal(inventory.shared.resources, 2);
    assert.equal(inventory.tenants.acme!.resources, 0);
  });

  it("a chain deeper than 20 levels is not followed to its tenant (a guard, far beyond the program's 3)", () => {
    const chain = Array.from({ length: 25 }, (_, i) => r("aws:sqs/queue:Queue", `n${i}`, i === 0 ? "tenant-acme" : `n${i - 1}`));
    const inventory = inventoryOf([r(PIPELINE, "tenant-acme", null), ...chain]);
    // n0..n18 reach tenant-acme within 20 steps (n18 is 19 parents down); the rest do not.
    assert.equal(inventory.tenants.acme!.resources, 19);
    assert.equal(inventory.shared.resources, 6);
  });

  it("alarms count each metric they read: a plain alarm one, a metric-math alarm each query with a metric", () => {
    const inventory = inventoryOf([
      r("aws:cloudwatch/metricAlarm:MetricAlarm", "plain", null, { metricName: "Errors" }),
      r("aws:cloudwatch/metricAlarm:MetricAlarm", "math", null, { metricQueries: [{ id: "a", metric: {} }, { id: "b", metric: {} }, { id: "e", expression: "a-b" }] }),
    ]);
    assert.deepEqual([inventory.shared.alarms, inventory.shared.alarmMetrics], [2, 3]);
  });

  it("counts secrets, dashboards, KMS keys, SQS-polling mappings in any partition, and Kinesis shards or on-demand streams", () => {
    const inventory = inventoryOf([
      r("aws:secretsmanager/secret:Secret", "s", null),
      r("aws:cloudwatch/dashboard:Dashboard", "d", null),
      r("aws:kms/key:Key", "k", null),
      r("aws:lambda/eventSourceMapping:EventSourceMapping", "m1", null, { eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:q" }),
      r("aws:lambda/eventSourceMapping:EventSourceMapping", "m2", null, { eventSourceArn: "arn:aws-cn:sqs:cn-north-1:123456789012:q" }),
      r("aws:lambda/eventSourceMapping:EventSourceMapping", "m3", null, { eventSourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026" }),
      r("aws:kinesis/stream:Stream", "provisioned", null, { shardCount: 4 }),
      r("aws:kinesis/stream:Stream", "on-demand", null, { streamModeDetails: { streamMode: "ON_DEMAND" } }),
    ]);
    const { secrets, dashboards, kmsKeys, polledQueues, kinesisShards, kinesisOnDemandStreams, resources } = inventory.shared;
    assert.deepEqual({ secrets, dashboards, kmsKeys, polledQueues, kinesisShards, kinesisOnDemandStreams, resources }, { secrets: 1, dashboards: 1, kmsKeys: 1, polledQueues: 2, kinesisShards: 4, kinesisOnDemandStreams: 1, resources: 8 });
  });
});

describe("price table provenance", () => {
  it("lists every price as service.name, skipping the table's region and date", () => {
    const listed = pricesOf(PRICES["eu-west-1"]);
    const paths = listed.map((entry) => entry.path);
    assert.ok(paths.includes("lambda.requestsPerMillion") && paths.includes("dynamodb.onDemandWritePerMillion"));
    assert.ok(!paths.some((p) => p.startsWith("region") || p.startsWith("readOn")), paths.join(","));
    assert.equal(listed.find((entry) => entry.path === "lambda.requestsPerMillion")!.price, PRICES["eu-west-1"].lambda.requestsPerMillion);
    assert.equal(new Set(paths).size, paths.length);
  });
});
