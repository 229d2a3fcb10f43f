// The texts the cost model hands to `npm run cost`: each line's detail ("how the figure was reached") and the way it
// writes a price. The figures themselves are checked in model.test.ts; here the words and numbers a reader sees are
// pinned for hand-chosen workloads, so a detail that loses a clause, a count or a unit fails a test.
//
// The inventory is written by hand (not planned) so that every count differs from every other and every fixed line
// costs something (a line of $0 is not printed): a detail that shows the wrong count, or none, is then visible.
import assert from "node:assert/strict";
import { costOf, type StackInventory, type Workload } from "../../components/cost/model";
import { PRICES, type PriceTable } from "../../components/cost/prices";
import { formatReport } from "../../scripts/cost";
import { costStack, HAND, inventoryCounts } from "../helpers/cost";

/** Every count distinct, every fixed line non-zero (a tenant with its own dashboards and keys, shared secrets). */
const INVENTORY: StackInventory = {
  tenants: { acme: inventoryCounts({ alarms: 13, alarmMetrics: 16, secrets: 1, dashboards: 2, kmsKeys: 3, polledQueues: 1 }) },
  shared: inventoryCounts({ alarms: 8, alarmMetrics: 9, secrets: 4, dashboards: 1, kmsKeys: 5, polledQueues: 6, kinesisShards: 7 }),
};

const US = PRICES["us-east-1"];
const details = (lines: readonly { component: string; detail: string }[]) => lines.map((l) => [l.component, l.detail]);

/** The lines whose text does not depend on the body: Lambda (batches 10), logs (1 ingest line, logs kept 1 day). */
const LAMBDA_WORKER_CONSUMER = [
  ["lambda: worker", "1/10.00 requests + 0.00250 GB-s per webhook (256 MB, batch 10.00)"],
  ["lambda: stream consumer", "1/10.0 requests + 0.002500 GB-s per webhook (256 MB, batch 10.0)"],
];
const LOGS = [
  // 342 B of START/END/REPORT per invocation: 342 + 342/10 + 342/10 = 410.4 B (model.test.ts works it out).
  ["logs: Lambda platform lines", "410 B per webhook (START/END/REPORT of each invocation)"],
  ["logs: application lines", "327 B per webhook (1 ingest line(s) of 256 B + batch lines)"],
  ["metrics: EMF lines", "280 B per webhook (ingest's EMF line 203 B; no PutMetricData calls)"],
  ["logs: storage while retained", "all log bytes kept 1 days, uncompressed size (an upper bound: CloudWatch bills archived bytes compressed)"],
];

describe("cost model texts (what npm run cost prints)", () => {
  it("every per-million line says what it counts: an inline body as received, a payload record, provisioned Kinesis", () => {
    const report = costOf(costStack(), INVENTORY, HAND, US);
    assert.deepEqual(details(report.perMillion), [
      // 0.5 GB x 0.1 s; no S3 put clause (and nothing in its place) for an inline body.
      ["lambda: ingest", "1 request + 512 MB x 100 ms = 0.0500 GB-s per webhook, arm64"],
      ...LAMBDA_WORKER_CONSUMER,
      ["sqs: send + receive + delete", "1 send + 0.100 receive + 0.100 delete = 1.200 requests per webhook (message 1360 B, 1 chunk(s) of 64 KiB)"],
      // Not gzip'ed at rest (ratio 1): nothing between the body size and the "+".
      ["dynamodb: item write", "1 WRU (item 1024 B = body 1000 + 24) x $0.6250/M"],
      ["dynamodb: index write", "1 WRU (byTenantTime copy 100 B)"],
      // 1M x (1,024 + 100 + 200) B = 1.233 GiB.
      ["dynamodb: storage while retained", "1.233 GB (item + index + 100 B each) kept 30.0 days (tenants' mean retention)"],
      ["dynamodb: stream reads", "GetRecords by the Lambda trigger are free"],
      ["s3: bodies", "bodies of 1000 B stay inline (threshold 8192 B): no S3 request"],
      ["kinesis: PUT payload units", "1 unit(s) of 25 KiB per record (1024 B, payload)"],
      ...LOGS,
    ]);
    // The printed report shows each detail as is, after its component and figure.
    const printed = formatReport(report);
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const l of report.perMillion) assert.match(printed, new RegExp(`^  ${literal(l.component)} +\\S+  ${literal(l.detail)}$`, "m"));
  });

  it("a body over the 8 KiB inline threshold: ingest counts the S3 put, the S3 lines name PUT, GET and storage until expiry, the item holds the pointer; PITR says what it bills", () => {
    const report = costOf(costStack(1, true), INVENTORY, { ...HAND, bodyBytes: 20_000 }, US);
    assert.deepEqual(details(report.perMillion), [
      // 100 ms + 25 ms S3 put = 125 ms x 0.5 GB.
      ["lambda: ingest", "1 request + 512 MB x 125 ms (incl. 25 ms S3 put) = 0.0625 GB-s per webhook, arm64"],
      ...LAMBDA_WORKER_CONSUMER,
      // The 220-byte pointer replaces the body in the message, the item and the record.
      ["sqs: send + receive + delete", "1 send + 0.100 receive + 0.100 delete = 1.200 requests per webhook (message 244 B, 1 chunk(s) of 64 KiB)"],
      ["dynamodb: item write", "1 WRU (item 244 B = body 220 + 24) x $0.6250/M"],
      ["dynamodb: index write", "1 WRU (byTenantTime copy 100 B)"],
      ["dynamodb: storage while retained", "0.507 GB (item + index + 100 B each) kept 30.0 days (tenants' mean retention)"],
      ["dynamodb: point-in-time recovery", "table size (no index) while retained, $0.2000/GB-month"],
      ["dynamodb: stream reads", "GetRecords by the Lambda trigger are free"],
      ["s3: body PUT", "1 PutObject per webhook (body 20000 B > inline 8192 B) x $0.00500/1,000"],
      ["s3: body GET", "1 GetObject per body x $0.000400/1,000"],
      // 1M x 20,000 B = 18.626 GiB, kept 30 + 1 days.
      ["s3: storage until expiry", "18.626 GB kept 31 days (longest retention + 1) x $0.0230/GB-month"],
      ["kinesis: PUT payload units", "1 unit(s) of 25 KiB per record (244 B, payload)"],
      ...LOGS,
    ]);
  });

  it("a body gzip'ed at rest says so in the item line; on-demand Kinesis counts KiB per record of a pointer record", () => {
    const w: Workload = { ...HAND, bodyBytes: 3000, storedCompressionRatio: 0.3, compressionRatio: 0.5, analyticsPayload: "pointer", kinesisMode: "on-demand" };
    const report = costOf(costStack(), INVENTORY, w, US);
    const line = (component: string) => report.perMillion.find((l) => l.component === component)?.detail;
    // Forwarded 1,500 B, base64 2,000 B + 24 B envelope.
    assert.equal(line("sqs: send + receive + delete"), "1 send + 0.100 receive + 0.100 delete = 1.200 requests per webhook (message 2024 B, 1 chunk(s) of 64 KiB)");
    // Stored min(1,500, 3,000 x 0.3) = 900 B gzip'ed.
    assert.equal(line("dynamodb: item write"), "1 WRU (item 924 B = body 900 gzip'ed + 24) x $0.6250/M");
    assert.equal(line("s3: bodies"), "bodies of 3000 B stay inline (threshold 8192 B): no S3 request");
    // A pointer record: 24 B, rounded up to 1 KiB; 1M x 1 KiB = 0.954 GiB.
    assert.equal(line("kinesis: PUT payload units"), undefined);
    assert.equal(line("kinesis: on-demand data in"), "1 KiB per record (rounded up), 0.954 GB");
    // And with a payload record, the PUT unit line names what the record carries.
    const payload = costOf(costStack(), INVENTORY, { ...w, kinesisMode: "provisioned", analyticsPayload: "payload" }, US);
    assert.equal(payload.perMillion.find((l) => l.component === "kinesis: PUT payload units")?.detail, "1 unit(s) of 25 KiB per record (2024 B, payload)");
  });

  it("provisioned DynamoDB capacity names the write units per webhook, what is provisioned and why, on table and index", () => {
    const report = costOf(costStack(), INVENTORY, { ...HAND, dynamodbCapacity: "provisioned", provisionedUtilization: 0.4, provisionedMinUnits: 30 }, US);
    const line = (component: string) => report.perMillion.find((l) => l.component === component)?.detail;
    // 10/s x 1 WCU / 0.4 = 25 WCU, below the minimum of 30.
    assert.equal(line("dynamodb: item write"), "1 WCU per webhook a second (item 1024 B = body 1000 + 24); 30.0 WCU provisioned (10/s at 0.4 utilization, at least 30) x $0.000650/h");
    assert.equal(line("dynamodb: index write"), "1 WCU per webhook a second (byTenantTime copy 100 B); 30.0 WCU provisioned on the index");
  });
  it("every fixed line names its count, per tenant and shared: provisioned shards, or the on-demand stream", () => {
    const tenant = [
      ["alarms", "13 alarms reading 16 metrics"],
      ["custom metric series", "11 series (catalogue)"],
      // 2,628,000 s / 300 s = 8,760 reads; 5 pollers x 2,628,000 s / 20 s = 657,000 receives.
      ["secrets", "1 secret(s) + 8760 GetSecretValue a month"],
      ["idle SQS polling", "1 polled queue(s) x 5 pollers x one receive per 20 s = 657000 receives"],
      ["dashboards", "2"],
      ["KMS keys", "3"],
    ];
    const shared = [
      ["alarms", "8 alarms reading 9 metrics"],
      ["custom metric series", "1 stack-wide series"],
      ["dashboards", "1 dashboard(s)"],
      ["KMS keys", "5 customer-managed key(s)"],
      ["idle SQS polling", "6 polled queue(s)"],
      ["secrets", "4"],
    ];
    const fixed = (w: Workload) => costOf(costStack(), INVENTORY, w, US).fixed.map((l) => [l.scope, l.component, l.detail]);
    const scoped = (scope: string, rows: string[][]) => rows.map(([component, detail]) => [scope, component, detail]);
    assert.deepEqual(fixed(HAND), [...scoped("tenant", tenant), ...scoped("shared", shared), ["shared", "kinesis shards", "7 shard(s) x 730 h x $0.0150"]]);
    // On demand: the 7 shards become one stream.
    assert.deepEqual(fixed({ ...HAND, kinesisMode: "on-demand" }), [...scoped("tenant", tenant), ...scoped("shared", shared), ["shared", "kinesis on-demand stream", "1 stream(s) x 730 h x $0.0400"]]);
    // Provisioned DynamoDB capacity: its read minimum on table and index, before the shards.
    assert.deepEqual(fixed({ ...HAND, dynamodbCapacity: "provisioned", provisionedMinUnits: 3 }), [...scoped("tenant", tenant), ...scoped("shared", shared), ["shared", "dynamodb read capacity", "table + index x 3 RCU x 730 h x $0.000130"], ["shared", "kinesis shards", "7 shard(s) x 730 h x $0.0150"]]);
  });

  it("a price prints with 3 significant digits below a cent, 4 decimals from a cent to a dollar, 2 from a dollar on, and $0.0000 for nothing", () => {
    // Read through the item write line, whose detail ends with the write price: "x $<price>/M".
    const printed = (perMillion: number) => {
      const prices: PriceTable = { ...US, dynamodb: { ...US.dynamodb, onDemandWritePerMillion: { ...US.dynamodb.onDemandWritePerMillion, usd: perMillion } } };
      const detail = costOf(costStack(), INVENTORY, HAND, prices).perMillion.find((l) => l.component === "dynamodb: item write")!.detail;
      return /x (\S+)\/M$/.exec(detail)![1];
    };
    assert.deepEqual(
      [0, 0.00012345, 0.005, 0.0099, 0.01, 0.0123, 0.5, 0.999, 1, 1.005, 2.5, 12.345].map((n) => [n, printed(n)]),
      [
        [0, "$0.0000"],
        [0.00012345, "$0.000123"],
        [0.005, "$0.00500"],
        [0.0099, "$0.00990"],
        [0.01, "$0.0100"],
        [0.0123, "$0.0123"],
        [0.5, "$0.5000"],
        [0.999, "$0.9990"],
        [1, "$1.00"],
        [1.005, "$1.00"],
        [2.5, "$2.50"],
        [12.345, "$12.35"],
      ],
    );
  });
});
