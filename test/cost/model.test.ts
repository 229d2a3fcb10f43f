// The cost model against a case computed by hand (every figure below is worked out in the comments, from the
// us-east-1 price table), and its properties: linear in rate, monotone in body size, fixed cost linear in tenants.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { StackConfig } from "../../components/config";
import { costOf, DEFAULT_WORKLOAD, inventoryOf, metricSeriesCounts, type StackInventory } from "../../components/cost/model";
import { INLINE_BODY_MAX_BYTES } from "../../handlers/core/claimCheck";
import { PRICES } from "../../components/cost/prices";
import { parseBytes, parseCostArgs, parseRate } from "../../scripts/cost";
import { runOffline } from "../../scripts/lib/offline";
import { close, costStack, HAND } from "../helpers/cost";
import { itemBytes, sampleGithubEnvelope } from "../helpers/items";
import { eventItemAttributes } from "../../handlers/adapters/dynamo";
import { eventItemFrom } from "../../handlers/core/eventItem";
import { EVENTS_TABLE } from "../../handlers/core/eventTable";

describe("cost model", function () {
  this.timeout(120_000);
  let config: StackConfig;
  let inventory: StackInventory;

  let offlinePlan: string | undefined;
  before(async () => {
    offlinePlan = process.env.WEBHOOKS_OFFLINE_PLAN;
    process.env.WEBHOOKS_OFFLINE_PLAN = "1";
    config = costStack();
    inventory = inventoryOf((await runOffline(config)).resources);
  });
  // Put back as found: config tests later in the same process expect `pulumi up`'s refusals.
  after(() => {
    if (offlinePlan === undefined) delete process.env.WEBHOOKS_OFFLINE_PLAN;
    else process.env.WEBHOOKS_OFFLINE_PLAN = offlinePlan;
  });

  it("counts what costs money from the stack's own plan", () => {
    // Per tenant: 13 alarms; ingest-down is metric math over Url5xxCount, EnqueueFailures, SecretsUnavailable and
    // BodyStoreFailures (4 alarm metrics), the other 12 read one metric each: 16 alarm metrics. One secret, one polled queue.
    assert.deepEqual(
      { alarms: inventory.tenants.acme!.alarms, alarmMetrics: inventory.tenants.acme!.alarmMetrics, secrets: inventory.tenants.acme!.secrets, polledQueues: inventory.tenants.acme!.polledQueues },
      { alarms: 13, alarmMetrics: 16, secrets: 1, polledQueues: 1 },
    );
    // Shared: the on-call alarms (8), the operations dashboard only (runbookUrl set), the alarm topic's key, one shard;
    // the table's stream mapping polls no SQS queue.
    const s = inventory.shared;
    assert.deepEqual({ alarms: s.alarms, alarmMetrics: s.alarmMetrics, dashboards: s.dashboards, kmsKeys: s.kmsKeys, kinesisShards: s.kinesisShards, polledQueues: s.polledQueues, secrets: s.secrets }, { alarms: 8, alarmMetrics: 8, dashboards: 1, kmsKeys: 1, kinesisShards: 1, polledQueues: 0, secrets: 0 });
    // handlers/metrics.ts: 11 metrics with [Tenant] (BodyStoreFailures since issue 13), MalformedStreamRecords also with [] (the stack total).
    assert.deepEqual(metricSeriesCounts("catalogue"), { perTenant: 11, shared: 1 });
  });

  it("matches the hand-computed case (us-east-1)", () => {
    const report = costOf(config, inventory, HAND, PRICES["us-east-1"]);
    const line = (component: string) => report.perMillion.find((l) => l.component === component)!.usd;
    // Per million webhooks; GB-s price 0.0000133334, requests $0.20/M.
    // ingest: 1M requests = $0.20; 0.5 GB x 0.1 s x 1M = 50,000 GB-s = $0.66667 -> $0.86667
    close(line("lambda: ingest"), 0.86667, "ingest");
    // worker: batches of 10 -> 100,000 invocations = $0.02; each 0.25 GB x (50 + 5 x 10) ms = 0.025 GB-s -> 2,500 GB-s = $0.0333335
    close(line("lambda: worker"), 0.0533335, "worker");
    // consumer: batch min(100, 10/s x 1 s / 1 shard) = 10 -> 100,000 invocations $0.02 + 0.25 GB x 0.1 s x 100,000 = $0.0333335
    close(line("lambda: stream consumer"), 0.0533335, "consumer");
    // SQS: message 1000 + 24 = 1,024 B = 1 chunk: 1 send + ceil(10 x 1,024 / 65,536) / 10 = 0.1 receive + 0.1 delete = 1.2 x $0.40
    close(line("sqs: send + receive + delete"), 0.48, "sqs");
    // DynamoDB: item 1000 + 24 = 1,024 B = 1 WRU; index copy 100 B = 1 WRU; $0.625/M each
    close(line("dynamodb: item write"), 0.625, "item");
    close(line("dynamodb: index write"), 0.625, "index");
    // storage: 1M x (1,024 + 100 + 200) B = 1.233065 GiB, kept 30 of 30.4167 days, x $0.25 = $0.304045
    close(line("dynamodb: storage while retained"), 0.304045, "storage");
    assert.equal(report.perMillion.some((l) => l.component === "dynamodb: point-in-time recovery"), false);
    close(line("dynamodb: stream reads"), 0, "stream reads");
    // Kinesis: record 1000 + 24 = 1,024 B = 1 PUT payload unit x $0.014/M
    close(line("kinesis: PUT payload units"), 0.014, "kinesis");
    // Logs, each line + newline + 26 B: platform START 70, END 51, REPORT 140 -> 97 + 78 + 167 = 342 B per invocation;
    // ingest 342 + worker 342/10 + consumer 342/10 = 410.4 B per webhook -> 0.382210 GiB x $0.50
    close(line("logs: Lambda platform lines"), 0.191107, "platform logs");
    // app: ingest "event accepted" 256 + 27 = 283; worker 213 + 27 = 240 / 10; consumer 173 + 27 = 200 / 10 -> 327 B
    close(line("logs: application lines"), 0.152271, "app logs");
    // EMF: ingest 203 + 27 = 230; worker 234 + 27 = 261 / 10; consumer 212 + 27 = 239 / 10 -> 280 B
    close(line("metrics: EMF lines"), 0.130385, "emf");
    // storage: 1,017.4 B x 1M = 0.947523 GiB kept 1 day of 30.4167 x $0.03
    close(line("logs: storage while retained"), 0.000935, "log storage");
    close(report.perMillionUsd, 3.49608, "per million", 2e-5);
    // Monthly variable: 10/s x 2,628,000 s = 26.28 M webhooks x $3.49608
    close(report.monthly.variableUsd, 91.877, "monthly variable", 1e-3);

    // Fixed per tenant: 16 alarm metrics x $0.10 = 1.60; 11 series x $0.30 = 3.30; 1 secret $0.40 + 2,628,000 s / 300 s
    // = 8,760 reads x $0.05/10k = 0.0438; idle polling 5 pollers x 2,628,000 / 20 s = 657,000 receives x $0.40/M = 0.2628.
    close(report.fixedMonthlyPerTenantUsd, 5.6066, "per tenant");
    // Shared: 8 alarm metrics 0.80 + 1 series 0.30 + 1 dashboard 3.00 + 1 KMS key 1.00 + 1 shard x 730 h x $0.015 = 10.95.
    close(report.fixedMonthlySharedUsd, 16.05, "shared");
    close(report.fixedMonthlyUsd, 21.6566, "fixed");
  });

  it("a body gzip'ed at rest pays write units and storage for its gzip'ed size only; SQS and Kinesis carry it whole", () => {
    const whole = costOf(config, inventory, { ...HAND, bodyBytes: 3000 }, PRICES["us-east-1"]);
    const gzipped = costOf(config, inventory, { ...HAND, bodyBytes: 3000, storedCompressionRatio: 0.3 }, PRICES["us-east-1"]);
    const line = (report: typeof whole, component: string) => report.perMillion.find((l) => l.component === component)!.usd;
    // Item 3,000 + 24 = 3,024 B = 3 WRU as received; 900 + 24 = 924 B = 1 WRU gzip'ed; $0.625/M each.
    assert.deepEqual([whole.derived.itemWru, gzipped.derived.itemWru], [3, 1]);
    close(line(gzipped, "dynamodb: item write"), 0.625, "item");
    // storage: 1M x (924 + 100 + 200) B = 1.139936 GiB, kept 30 of 30.4167 days, x $0.25
    close(line(gzipped, "dynamodb: storage while retained"), 0.281079, "storage");
    // The message (3,024 B: 1 chunk) and the analytics record (3,024 B: 1 PUT unit) are the same either way.
    assert.equal(line(gzipped, "sqs: send + receive + delete"), line(whole, "sqs: send + receive + delete"));
    assert.equal(line(gzipped, "kinesis: PUT payload units"), line(whole, "kinesis: PUT payload units"));
    // Bodies under 256 B are never gzip'ed (storedBody.ts): the ratio does not apply.
    const short = costOf(config, inventory, { ...HAND, bodyBytes: 255, storedCompressionRatio: 0.3 }, PRICES["us-east-1"]);
    assert.equal(short.derived.itemBytes, 255 + 24);
  });

  it("is linear in rate once batches are full (monthly variable cost scales with the rate)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 5000 }), fc.integer({ min: 2, max: 10 }), (rate, k) => {
        // Worker batches fixed; the consumer's are full (100) from 100/s on one table-stream shard.
        const w = { ...HAND, workerBatch: 10, ratePerSecond: rate };
        const one = costOf(config, inventory, w, PRICES["eu-west-1"]);
        const many = costOf(config, inventory, { ...w, ratePerSecond: rate * k }, PRICES["eu-west-1"]);
        close(many.perMillionUsd, one.perMillionUsd, "per million does not depend on rate");
        close(many.monthly.variableUsd, k * one.monthly.variableUsd, "monthly variable", 1e-6 * k * one.monthly.variableUsd + 1e-4);
        assert.equal(many.fixedMonthlyUsd, one.fixedMonthlyUsd);
      }),
      { numRuns: 50 },
    );
  });

  it("with batches derived from the rate, more traffic never costs less a month nor more per webhook, on-demand or provisioned", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 2000, noNaN: true }), fc.double({ min: 1.01, max: 20, noNaN: true }), fc.constantFrom("on-demand" as const, "provisioned" as const), (rate, factor, dynamodbCapacity) => {
        // Provisioned capacity included: its minimum is spread over more webhooks, never fewer.
        const w = { ...DEFAULT_WORKLOAD, ratePerSecond: rate, dynamodbCapacity };
        const low = costOf(config, inventory, w, PRICES["eu-west-1"]);
        const high = costOf(config, inventory, { ...w, ratePerSecond: rate * factor }, PRICES["eu-west-1"]);
        assert.ok(high.monthly.variableUsd >= low.monthly.variableUsd - 1e-6);
        assert.ok(high.perMillionUsd <= low.perMillionUsd + 1e-6);
      }),
      { numRuns: 100 },
    );
  });

  it("is monotone in body size on each side of the 8 KiB claim-check threshold (bodies that do not compress)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 350 * 1024 }), fc.integer({ min: 0, max: 64 * 1024 }), (body, extra) => {
        // Across the threshold the pointer may be cheaper than the write units it replaces: that is why it is there
        // (test/claimCheck/cost.test.ts), so the sizes compared stay on one side of it.
        fc.pre((body <= INLINE_BODY_MAX_BYTES) === (body + extra <= INLINE_BODY_MAX_BYTES));
        const w = { ...DEFAULT_WORKLOAD, storedCompressionRatio: 1, bodyBytes: body };
        const small = costOf(config, inventory, w, PRICES["eu-west-1"]);
        const large = costOf(config, inventory, { ...w, bodyBytes: body + extra }, PRICES["eu-west-1"]);
        assert.ok(large.perMillionUsd >= small.perMillionUsd - 1e-9, `${body} -> ${body + extra}`);
      }),
      { numRuns: 100 },
    );
  });

  it("with bodies gzip'ed at rest, monotone in body size on each side of the 256-byte gzip and 8 KiB thresholds, and a body of 256 B costs no more than one of 255 B", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 350 * 1024 }), fc.integer({ min: 0, max: 64 * 1024 }), (body, extra) => {
        fc.pre((body < 256) === (body + extra < 256) && (body <= INLINE_BODY_MAX_BYTES) === (body + extra <= INLINE_BODY_MAX_BYTES));
        const small = costOf(config, inventory, { ...DEFAULT_WORKLOAD, bodyBytes: body }, PRICES["eu-west-1"]);
        const large = costOf(config, inventory, { ...DEFAULT_WORKLOAD, bodyBytes: body + extra }, PRICES["eu-west-1"]);
        assert.ok(large.perMillionUsd >= small.perMillionUsd - 1e-9, `${body} -> ${body + extra}`);
      }),
      { numRuns: 100 },
    );
    const at = (bodyBytes: number) => costOf(config, inventory, { ...DEFAULT_WORKLOAD, bodyBytes }, PRICES["eu-west-1"]).perMillionUsd;
    assert.ok(at(256) <= at(255), "gzip at rest starts where it is cheaper");
  });

  it("provisioned capacity (a lever, not deployed): the hand case's writes bought by the hour, never below the minimum", () => {
    const onDemand = costOf(config, inventory, HAND, PRICES["us-east-1"]);
    const provisioned = costOf(config, inventory, { ...HAND, dynamodbCapacity: "provisioned", provisionedUtilization: 0.5, provisionedMinUnits: 5 }, PRICES["us-east-1"]);
    const line = (report: typeof onDemand, component: string) => report.perMillion.find((l) => l.component === component)!.usd;
    // 10/s x 1 WCU / 0.5 = 20 WCU on the table and 20 on the index; 20 x 730 h x $0.00065 = $9.49 a month each,
    // over 10/s x 2,628,000 s = 26.28 M webhooks: $0.361111 per million each (on demand: $0.625 each).
    close(line(provisioned, "dynamodb: item write"), 0.361111, "item");
    close(line(provisioned, "dynamodb: index write"), 0.361111, "index");
    close(provisioned.perMillionUsd, onDemand.perMillionUsd - 2 * (0.625 - 0.361111), "per million", 2e-5);
    // Reads are ops only (the stream's are free): the minimum on table and index, 2 x 5 RCU x 730 h x $0.00013 = $0.949.
    close(provisioned.fixedMonthlySharedUsd - onDemand.fixedMonthlySharedUsd, 0.949, "read capacity");
    // At 1/s the 2 WCU the rate needs are below the minimum of 5: 5 x 730 x $0.00065 = $2.3725 over 2.628 M webhooks.
    const slow = costOf(config, inventory, { ...HAND, ratePerSecond: 1, dynamodbCapacity: "provisioned", provisionedUtilization: 0.5, provisionedMinUnits: 5 }, PRICES["us-east-1"]);
    close(line(slow, "dynamodb: item write"), 0.902778, "item at the minimum");
    // A 1,500-byte body: item 1,524 B = 2 WCU a webhook, 10/s x 2 / 0.5 = 40 WCU on the table (the index stays at 20).
    const larger = costOf(config, inventory, { ...HAND, bodyBytes: 1500, dynamodbCapacity: "provisioned", provisionedUtilization: 0.5, provisionedMinUnits: 5 }, PRICES["us-east-1"]);
    close(line(larger, "dynamodb: item write"), 0.722222, "item of 2 WCU");
    close(line(larger, "dynamodb: index write"), 0.361111, "index");
    assert.throws(() => parseCostArgs(["--provisioned-utilization", "1.5"]), /\(0, 1\]/);
    assert.throws(() => parseCostArgs(["--dynamodb-capacity", "reserved"]), /on-demand\|provisioned/);
  });

  it("fixed cost grows by the same amount for each tenant added", async () => {
    const three = costStack(3);
    const report = costOf(three, inventoryOf((await runOffline(three)).resources), HAND, PRICES["us-east-1"]);
    close(report.fixedMonthlyUsd, 16.05 + 3 * 5.6066, "3 tenants");
    close(report.fixedMonthlyPerTenantUsd, 5.6066, "per tenant");
  });
});

describe("npm run cost arguments", () => {
  it("reads rates and sizes as people write them", () => {
    assert.equal(parseRate("50/s"), 50);
    assert.equal(parseRate("3000/min"), 50);
    assert.equal(parseRate("86400/day"), 1);
    assert.equal(parseBytes("2KiB"), 2048);
    assert.equal(parseBytes("2 KB"), 2048);
    assert.equal(parseBytes("512"), 512);
    assert.equal(parseBytes("1MiB"), 1024 * 1024);
    assert.throws(() => parseRate("fast"), /--rate/);
    assert.throws(() => parseBytes("-1"), /--body/);
  });

  it("the item-size defaults are what the representative 2 KiB GitHub push's item measures (within 16 B): item besides the body, and its index copy", () => {
    const item = eventItemAttributes(eventItemFrom(sampleGithubEnvelope(), 7));
    const overhead = itemBytes(item as never) - (item.body as { B: Uint8Array }).B.length;
    // The index holds the table's key, its own keys and the projected attributes the item has.
    const indexCopy = Object.fromEntries(Object.entries(item).filter(([name]) => ["pk", "tenantShard", "receivedKey", ...EVENTS_TABLE.tenantTimeIndex.projected].includes(name)));
    assert.ok(Math.abs(DEFAULT_WORKLOAD.itemOverheadBytes - overhead) <= 16, `default ${DEFAULT_WORKLOAD.itemOverheadBytes}, measured ${overhead}`);
    assert.ok(Math.abs(DEFAULT_WORKLOAD.indexItemBytes - itemBytes(indexCopy as never)) <= 16, `default ${DEFAULT_WORKLOAD.indexItemBytes}, measured ${itemBytes(indexCopy as never)}`);
  });

  it("every assumption is a flag", () => {
    const args = parseCostArgs(["--stack", "prod", "--rate", "100/s", "--body", "4KiB", "--ingest-memory-mb", "256", "--kinesis-mode", "on-demand", "--analytics-payload=pointer", "--json"]);
    assert.equal(args.stack, "prod");
    assert.equal(args.json, true);
    assert.equal(args.workload.ratePerSecond, 100);
    assert.equal(args.workload.bodyBytes, 4096);
    assert.equal(args.workload.ingestMemoryMb, 256);
    assert.equal(args.workload.kinesisMode, "on-demand");
    assert.equal(args.workload.analyticsPayload, "pointer");
    assert.throws(() => parseCostArgs(["--kinesis-mode", "cheap"]), /provisioned\|on-demand/);
    assert.throws(() => parseCostArgs(["--nope"]), /unknown argument/);
  });
});
