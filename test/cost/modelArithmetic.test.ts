// The cost model's branches the case in model.test.ts does not take, each computed by hand from the us-east-1 price
// table (GB-s $0.0000133334, Lambda requests $0.20/M, SQS $0.40/M, WRU $0.625/M, DynamoDB storage $0.25 and PITR
// $0.20 per GB-month, S3 PUT $0.005 and GET $0.0004 per 1,000, S3 storage $0.023/GB-month, Kinesis $0.014/M PUT
// units, on-demand $0.04/stream-hour and $0.08/GB, alarm metric $0.10, series $0.30, dashboard $3, secret $0.40 +
// $0.05/10k calls, KMS key $1): batches derived from the rate, compressed forwarded bodies, bodies in S3, the
// analytics pointer, on-demand Kinesis, active metric series, PITR, the fixed lines and the plan's SQS mappings.
// Inventories are written by hand, so each fixed line can be given counts that tell its arithmetic apart.
import assert from "node:assert/strict";
import { consumerBatchOf, costOf, DEFAULT_WORKLOAD, inventoryOf, metricSeriesCounts, workerBatchOf, type CostReport, type InventoryCounts, type StackInventory } from "../../components/cost/model";
import { PRICES, type PriceTable } from "../../components/cost/prices";
import { close, costStack, HAND, inventoryCounts } from "../helpers/cost";

const US = PRICES["us-east-1"];

/** Nothing that costs by itself: only the variable lines and the metric series. */
const EMPTY: StackInventory = { tenants: {}, shared: inventoryCounts() };

const lineOf = (report: CostReport, component: string) => {
  const line = report.perMillion.find((l) => l.component === component);
  assert.ok(line, `no line ${component}`);
  return line;
};
const fixedOf = (report: CostReport) => report.fixed.map((l) => [l.scope, l.component, Math.round(l.usd * 1e4) / 1e4]);

describe("cost model arithmetic", () => {
  describe("batches derived from the rate", () => {
    const windows = (...seconds: number[]) => seconds.map((batchWindowSeconds) => ({ batchWindowSeconds }));

    it("a worker batch is the tenant's share of the rate over its window (default 1 s), split between the pollers, within 1..10", () => {
      // 12/s over 2 tenants = 6/s each; x 1 s window / 2 pollers = 3 messages per invocation.
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 12, sqsPollers: 2 }, windows(1, 1)), 3);
      // 1/s over 2 tenants / 5 pollers = 0.1: an invocation carries at least one message.
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 1, sqsPollers: 5 }, windows(1, 1)), 1);
      // 1,000/s on one tenant / 5 pollers = 200: capped at the mapping's batch size, 10.
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 1000, sqsPollers: 5 }, windows(1)), 10);
      // A window of 0 s: one message per invocation, whatever the rate (and with --sqs-pollers 0, not 0/0).
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 1000, sqsPollers: 2 }, windows(0, 0)), 1);
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 12, sqsPollers: 0 }, windows(0)), 1);
    });

    it("tenants' windows combine as invocations per webhook: 6/s each, 2 pollers, windows 1 s and 3 s give batches 3 and 9, 1 / ((1/3 + 1/9) / 2) = 4.5", () => {
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 12, sqsPollers: 2 }, windows(1, 3)), 4.5);
      // A 12 s window at prod's 50/s over 12 tenants fills batches: 4.17/s x 12 s / 5 pollers = 10.
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 50, sqsPollers: 5 }, windows(...Array(12).fill(12))), 10);
    });

    it("a given worker batch is used as is up to the mapping's batch size of 10", () => {
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, workerBatch: 3 }, windows(1, 1, 1, 1)), 3);
      assert.equal(workerBatchOf({ ...DEFAULT_WORKLOAD, workerBatch: 25 }, windows(1, 1, 1, 1)), 10);
    });

    it("a stream consumer batch is the whole rate over one 1 s window split between the stream's shards, within 1..100", () => {
      // 12/s x 1 s / 4 shards = 3 records per invocation.
      assert.equal(consumerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 12, tableStreamShards: 4 }), 3);
      assert.equal(consumerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 1, tableStreamShards: 4 }), 1);
      assert.equal(consumerBatchOf({ ...DEFAULT_WORKLOAD, ratePerSecond: 1000, tableStreamShards: 4 }), 100);
    });

    it("the report uses the derived batches", () => {
      const report = costOf(costStack(2), EMPTY, { ...HAND, workerBatch: 0, ratePerSecond: 12, sqsPollers: 2, tableStreamShards: 4 }, US);
      // Worker: 6/s per tenant / 2 pollers = 3; consumer: 12/s / 4 shards = 3.
      assert.equal(report.derived.workerBatch, 3);
      assert.equal(report.derived.consumerBatch, 3);
    });
  });

  describe("sizes", () => {
    it("a body forwarded as received travels as base64 in the message (as ingest writes every inline body) and as itself in the analytics record", () => {
      const report = costOf(costStack(), EMPTY, HAND, US);
      // Message: base64 ceil(1,000 / 3) x 4 = 1,336 + 24 = 1,360 B; record 1,000 + 24 = 1,024 B.
      assert.equal(report.derived.messageBytes, 1360);
      assert.equal(report.derived.analyticsRecordBytes, 1024);
    });

    it("a batch's receive is billed by the 64 KiB chunks of its base64 messages", () => {
      // Ten 5,000-byte bodies: base64 1,667 x 4 = 6,668 + 24 = 6,692 B a message, 66,920 B a batch of 10: two
      // chunks, 0.2 receives a webhook (as text, 50,240 B, it would be one).
      const report = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 5000 }, US);
      assert.equal(report.derived.messageBytes, 6692);
      assert.match(lineOf(report, "sqs: send + receive + delete").detail, /^1 send \+ 0\.200 receive \+ 0\.100 delete = 1\.300 requests/);
    });

    it("a compressed forwarded body travels as base64 of its gzip in SQS and Kinesis, and is stored as its gzip", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 3000, compressionRatio: 0.3 }, US);
      // gzip: ceil(3,000 x 0.3) = 900 B; base64: ceil(900 / 3) x 4 = 1,200 B; message and record 1,200 + 24 = 1,224 B.
      assert.equal(report.derived.messageBytes, 1224);
      assert.equal(report.derived.analyticsRecordBytes, 1224);
      // The item holds the gzip itself (binary): 900 + 24 = 924 B, 1 WRU; not re-gzip'ed at rest (ratio 1).
      assert.equal(report.derived.itemBytes, 924);
      assert.match(lineOf(report, "dynamodb: item write").detail, /item 924 B = body 900 \+ 24\)/);
    });

    it("only a ratio below 1 marks the item's body as gzip'ed at rest", () => {
      // Incompressible (1): the item holds the 3,000-byte body as received, not called gzip'ed.
      const whole = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 3000, storedCompressionRatio: 1 }, US);
      assert.match(lineOf(whole, "dynamodb: item write").detail, /item 3024 B = body 3000 \+ 24\)/);
      // Forwarded compressed (0.3) and at rest 0.3: min(900, ceil(3,000 x 0.3) = 900) = 900 B, gzip'ed.
      const both = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 3000, compressionRatio: 0.3, storedCompressionRatio: 0.3 }, US);
      assert.match(lineOf(both, "dynamodb: item write").detail, /item 924 B = body 900 gzip'ed \+ 24\)/);
    });

    it("an analytics pointer record carries only its metadata; a payload record carries the body too", () => {
      // Pointer: 0 + 24 B; payload: 1,000 + 24 = 1,024 B.
      assert.equal(costOf(costStack(), EMPTY, { ...HAND, analyticsPayload: "pointer" }, US).derived.analyticsRecordBytes, 24);
      assert.equal(costOf(costStack(), EMPTY, { ...HAND, analyticsPayload: "payload" }, US).derived.analyticsRecordBytes, 1024);
    });

    it("log bytes per webhook add platform, application and EMF lines", () => {
      // model.test.ts's hand case: 410.4 + 327 + 280 = 1,017.4 B.
      close(costOf(costStack(), EMPTY, HAND, US).derived.logBytesPerWebhook!, 1017.4, "log bytes", 1e-6);
    });
  });

  describe("variable lines", () => {
    it("a body over 8 KiB is put to S3 once, read once, kept until expiry, and its put lengthens ingest", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 64 * 1024 }, US);
      // Ingest: 100 + 25 ms S3 put = 125 ms; 0.5 GB x 0.125 s = 0.0625 GB-s x 1M x 0.0000133334 = 0.8333375 + $0.20.
      close(lineOf(report, "lambda: ingest").usd, 1.0333375, "ingest");
      // 1M PUTs x $0.005/1,000 = $5; 1M GETs x $0.0004/1,000 = $0.40.
      close(lineOf(report, "s3: body PUT").usd, 5, "put");
      close(lineOf(report, "s3: body GET").usd, 0.4, "get");
      // 1M x 65,536 B = 61.035156 GiB, kept 30 + 1 = 31 of 30.4167 days, x $0.023 = $1.430731.
      close(lineOf(report, "s3: storage until expiry").usd, 1.430731, "s3 storage");
      assert.match(lineOf(report, "s3: storage until expiry").detail, /^61\.035 GB kept 31 days /);
      // The message, item and record hold the 220-byte pointer: 220 + 24 = 244 B each.
      assert.deepEqual([report.derived.messageBytes, report.derived.itemBytes, report.derived.analyticsRecordBytes], [244, 244, 244]);
    });

    it("a stream consumer invocation lasts its base plus its per-record time for each record", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, consumerPerRecordMs: 2 }, US);
      // Batch 10: 100,000 invocations = $0.02; each 0.25 GB x (100 + 2 x 10 = 120 ms) = 0.03 GB-s -> 3,000 GB-s
      // x 0.0000133334 = $0.0400002.
      close(lineOf(report, "lambda: stream consumer").usd, 0.0600002, "consumer");
    });

    it("a worker batch receives its messages in 64 KiB chunks of their total size", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 8000 }, US);
      // Message 8,000 + 24 = 8,024 B (inline: <= 8,192). 1 send; a batch of 10 returns 80,240 B = 2 chunks -> 0.2
      // receive; 0.1 delete: 1.3 requests x $0.40 = $0.52.
      close(lineOf(report, "sqs: send + receive + delete").usd, 0.52, "sqs");
    });

    it("an index copy over 1 KiB pays a write unit per KiB", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, indexItemBytes: 2000 }, US);
      // 2,000 B = 2 WRU x $0.625/M = $1.25.
      close(lineOf(report, "dynamodb: index write").usd, 1.25, "index");
    });

    it("the storage line shows the GB of item, index and per-item overhead", () => {
      const report = costOf(costStack(), EMPTY, HAND, US);
      // 1M x (1,024 + 100 + 200) B = 1.233065 GiB.
      assert.match(lineOf(report, "dynamodb: storage while retained").detail, /^1\.233 GB /);
    });

    it("point-in-time recovery bills the table's size (no index) while events are retained", () => {
      const report = costOf(costStack(1, true), EMPTY, HAND, US);
      // 1M x (1,024 + 100) B = 1.046805 GiB, kept 30 of 30.4167 days = 1.032466 GB-months x $0.20 = $0.206493.
      close(lineOf(report, "dynamodb: point-in-time recovery").usd, 0.206493, "pitr");
    });

    it("a record over 25 KiB pays a PUT payload unit per 25 KiB", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, analyticsOverheadBytes: 30_000 }, US);
      // 1,000 + 30,000 = 31,000 B = 2 units of 25,600 B x $0.014/M = $0.028.
      assert.equal(report.derived.kinesisPutUnits, 2);
      close(lineOf(report, "kinesis: PUT payload units").usd, 0.028, "put units");
    });

    it("on-demand Kinesis bills each record's size rounded up to 1 KiB, and no PUT payload units", () => {
      const report = costOf(costStack(), EMPTY, { ...HAND, bodyBytes: 1476, kinesisMode: "on-demand" }, US);
      // Record 1,476 + 24 = 1,500 B -> 2 KiB; 1M x 2,048 B = 1.907349 GiB x $0.08 = $0.152588.
      close(lineOf(report, "kinesis: on-demand data in").usd, 0.152588, "on-demand in");
      assert.match(lineOf(report, "kinesis: on-demand data in").detail, /^2 KiB per record \(rounded up\), 1\.907 GB$/);
      assert.equal(report.perMillion.some((l) => l.component === "kinesis: PUT payload units"), false);
    });

    it("the stream consumer's EMF lines name the tenants one batch holds, at most the batch size", () => {
      // Three tenants, 8/s over 4 table-stream shards: consumer batch 2, so a batch holds 2 tenants' records.
      const report = costOf(costStack(3), EMPTY, { ...HAND, ratePerSecond: 8, tableStreamShards: 4 }, US);
      // EMF per webhook: ingest 203 + 27 = 230; worker 234 + 27 = 261 / 10 = 26.1; consumer acme 212 + 27 and t1
      // 210 + 27 (two characters shorter) = 476 / 2 = 238 -> 494.1 B; 1M x 494.1 B = 0.460166 GiB x $0.50.
      close(lineOf(report, "metrics: EMF lines").usd, 0.230083, "emf");
    });
  });

  describe("fixed lines", () => {
    // KMS at $2 a key (the table's is $1, where a count times the price and over it are the same).
    const PRICED: PriceTable = { ...US, kms: { customerKeyMonth: { ...US.kms.customerKeyMonth, usd: 2 } } };
    const INVENTORY: StackInventory = {
      tenants: {
        acme: inventoryCounts({ secrets: 1, dashboards: 1, kmsKeys: 1, polledQueues: 1 }),
        t1: inventoryCounts({ polledQueues: 1 }),
      },
      shared: inventoryCounts({ dashboards: 1, kmsKeys: 1, polledQueues: 1, secrets: 1, kinesisShards: 2 }),
    };

    it("each fixed line is its count times its price; a tenant without a secret pays no secret reads", () => {
      const report = costOf(costStack(2), INVENTORY, HAND, PRICED);
      // Per tenant: 11 series x $0.30 = 3.30; idle polling 5 pollers x 2,628,000 s / 20 s = 657,000 receives x $0.40/M
      // = 0.2628 per queue. acme adds 1 secret $0.40 + 2,628,000 / 300 = 8,760 reads x $0.05/10k = 0.0438, a
      // dashboard $3 and a key $2: 3.30 + 0.4438 + 0.2628 + 3 + 2 = 9.0066; t1: 3.30 + 0.2628 = 3.5628.
      assert.deepEqual(report.fixedMonthlyByTenant, { acme: 9.0066, t1: 3.5628 });
      close(report.fixedMonthlyPerTenantUsd, 6.2847, "per tenant");
      // Shared: 1 series 0.30 + dashboard 3 + key 2 + idle polling 0.2628 + secret 0.40 + 2 shards x 730 h x $0.015
      // = 21.90 -> 27.8628.
      close(report.fixedMonthlySharedUsd, 27.8628, "shared");
      close(report.fixedMonthlyUsd, 40.4322, "fixed");
    });

    it("lists the average tenant's lines and the shared lines, leaving out those that cost nothing", () => {
      const report = costOf(costStack(2), INVENTORY, HAND, PRICED);
      // Tenant lines are the mean of acme's and t1's: secrets (0.4438 + 0) / 2, dashboards (3 + 0) / 2, keys (2 + 0) / 2;
      // alarms (no alarm metrics anywhere) cost nothing and are not listed.
      assert.deepEqual(fixedOf(report), [
        ["tenant", "custom metric series", 3.3],
        ["tenant", "secrets", 0.2219],
        ["tenant", "idle SQS polling", 0.2628],
        ["tenant", "dashboards", 1.5],
        ["tenant", "KMS keys", 1],
        ["shared", "custom metric series", 0.3],
        ["shared", "dashboards", 3],
        ["shared", "KMS keys", 2],
        ["shared", "idle SQS polling", 0.2628],
        ["shared", "secrets", 0.4],
        ["shared", "kinesis shards", 21.9],
      ]);
      // acme's idle polling: 1 queue x 657,000 receives.
      assert.match(report.fixed.find((l) => l.scope === "tenant" && l.component === "idle SQS polling")!.detail, /= 657000 receives$/);
    });

    it("the month's total is its variable cost plus its fixed cost", () => {
      const report = costOf(costStack(2), INVENTORY, HAND, PRICED);
      assert.ok(report.monthly.variableUsd > 0);
      close(report.monthly.totalUsd, report.monthly.variableUsd + 40.4322, "total", 1e-6);
    });

    it("on-demand Kinesis pays one stream-hour price per on-demand stream, and one for a provisioned stream switched over", () => {
      const shared = (c: Partial<InventoryCounts>) => costOf(costStack(), { tenants: {}, shared: inventoryCounts(c) }, { ...HAND, kinesisMode: "on-demand" }, US);
      const stream = (report: CostReport) => report.fixed.filter((l) => l.component.startsWith("kinesis")).map((l) => [l.component, Math.round(l.usd * 1e4) / 1e4]);
      // 1 stream x 730 h x $0.04 = $29.20; 2 streams = $58.40.
      assert.deepEqual(stream(shared({ kinesisOnDemandStreams: 1, kinesisShards: 1 })), [["kinesis on-demand stream", 58.4]]);
      assert.deepEqual(stream(shared({ kinesisOnDemandStreams: 1 })), [["kinesis on-demand stream", 29.2]]);
      assert.deepEqual(stream(shared({ kinesisShards: 3 })), [["kinesis on-demand stream", 29.2]]);
      // No stream in the plan: the analytics stream still exists once.
      assert.deepEqual(stream(shared({})), [["kinesis on-demand stream", 29.2]]);
    });

    it("active metric series bill only what a healthy tenant emits: 5 per tenant, the 1 stack total", () => {
      // Accepted, Rejected, SignatureFailures, Stored, Published (each [Tenant]); MalformedStreamRecords' [] total.
      assert.deepEqual(metricSeriesCounts("active"), { perTenant: 5, shared: 1 });
      const report = costOf(costStack(), EMPTY, { ...HAND, metricSeries: "active" }, US);
      // 5 x $0.30 = $1.50 per tenant; nothing else in an empty inventory.
      close(report.fixedMonthlyPerTenantUsd, 1.5, "active series");
    });
  });

  describe("inventory", () => {
    const mapping = (eventSourceArn: string) => ({ type: "aws:lambda/eventSourceMapping:EventSourceMapping", name: `m-${eventSourceArn}`, parent: null, inputs: { eventSourceArn } });

    it("a mapping polls an SQS queue when its source is an SQS ARN in any partition, and only then", () => {
      const polled = (arn: string) => inventoryOf([mapping(arn)]).shared.polledQueues;
      assert.equal(polled("arn:aws:sqs:us-east-1:123456789012:acme-events"), 1);
      assert.equal(polled("arn:aws-us-gov:sqs:us-gov-west-1:123456789012:acme-events"), 1);
      assert.equal(polled("arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/2026-01-01T00:00:00.000"), 0);
      // The ARN must start the string: one merely containing an SQS ARN is not an SQS source.
      assert.equal(polled("urn:x:arn:aws:sqs:us-east-1:123456789012:acme-events"), 0);
    });
  });
});
