// The cost model behind `npm run cost`: one pure function, `costOf`, from a stack's validated config, what the
// stack's plan holds (alarms, secrets, dashboards, keys, shards, polled queues: counted from the resources the
// program really creates, see `inventoryOf`), a workload and its assumptions, and a price table, to figures: the
// variable cost per million webhooks by component and the fixed monthly cost per tenant and shared.
//
// Every assumption is a field of `Workload` with a default and a one-line meaning (WORKLOAD_ASSUMPTIONS); the CLI
// prints them all and takes each as a flag. Nothing here reads the clock, the disk or the network.
import { INLINE_BODY_MAX_BYTES } from "../../handlers/core/claimCheck";
import { GZIP_MIN_BODY_BYTES } from "../../handlers/core/storedBody";
import { emfLine } from "../../handlers/observability";
import { PUBLISHED_METRICS } from "../../handlers/metrics";
import type { StackConfig, TenantConfig } from "../config";
import { metricsNamespaceOf } from "../naming";
import { INGEST, STREAM_CONSUMER, WORKER } from "../settings";
import type { PriceTable } from "./prices";

/** Hours in a month as AWS prices them (shard-hours, stream-hours). */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const KIB = 1024;
const GIB = 1024 ** 3;

// ---------------------------------------------------------------------------------------------------------------
// What the stack holds, counted from its plan.

export interface ResourceLike {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
}

export interface InventoryCounts {
  alarms: number;
  /** Alarm metrics as CloudWatch bills them: 1 per plain alarm, 1 per metric a metric-math alarm reads. */
  alarmMetrics: number;
  secrets: number;
  dashboards: number;
  kmsKeys: number;
  /** SQS queues an event source mapping polls (Lambda's pollers receive even when the queue is idle). */
  polledQueues: number;
  kinesisShards: number;
  kinesisOnDemandStreams: number;
  resources: number;
}

export interface StackInventory {
  readonly tenants: Readonly<Record<string, InventoryCounts>>;
  readonly shared: InventoryCounts;
}

const emptyCounts = (): InventoryCounts => ({ alarms: 0, alarmMetrics: 0, secrets: 0, dashboards: 0, kmsKeys: 0, polledQueues: 0, kinesisShards: 0, kinesisOnDemandStreams: 0, resources: 0 });

const TENANT_COMPONENT = "webhooks:tenant:TenantPipeline";

/**
 * Counts what costs money by itself from a plan (`runOffline` or `planOf` resources): each resource is charged to
 * the tenant whose TenantPipeline it sits under, else to the shared part.
 */
export function inventoryOf(resources: readonly ResourceLike[]): StackInventory {
  const parentOf = new Map<string, string | null>();
  const tenantOfComponent = new Map<string, string>();
  for (const r of resources) {
    parentOf.set(r.name, r.parent);
    if (r.type === TENANT_COMPONENT && r.name.startsWith("tenant-")) tenantOfComponent.set(r.name, r.name.slice("tenant-".length));
  }
  const tenantOf = (name: string): string | undefined => {
    let current: string | null | undefined = name;
    for (let depth = 0; current && depth < 20; depth++) {
      const tenant = tenantOfComponent.get(current);
      if (tenant !== undefined) return tenant;
      current = parentOf.get(current);
    }
    return undefined;
  };
  const tenants: Record<string, InventoryCounts> = {};
  for (const tenant of tenantOfComponent.values()) tenants[tenant] = emptyCounts();
  const shared = emptyCounts();
  for (const r of resources) {
    if (r.type.startsWith("webhooks:") || r.type === "pulumi:pulumi:Stack") continue;
    const tenant = tenantOf(r.name);
    const counts = tenant !== undefined ? tenants[tenant]! : shared;
    counts.resources += 1;
    const i = r.inputs;
    switch (r.type) {
      case "aws:cloudwatch/metricAlarm:MetricAlarm": {
        counts.alarms += 1;
        const queries = Array.isArray(i.metricQueries) ? (i.metricQueries as { metric?: unknown }[]) : [];
        counts.alarmMetrics += queries.length > 0 ? queries.filter((q) => q && q.metric !== undefined).length : 1;
        break;
      }
      case "aws:secretsmanager/secret:Secret":
        counts.secrets += 1;
        break;
      case "aws:cloudwatch/dashboard:Dashboard":
        counts.dashboards += 1;
        break;
      case "aws:kms/key:Key":
        counts.kmsKeys += 1;
        break;
      case "aws:lambda/eventSourceMapping:EventSourceMapping":
        // An SQS queue in any partition (aws, aws-cn, aws-us-gov); a stream mapping's source is a DynamoDB stream.
        if (typeof i.eventSourceArn === "string" && /^arn:aws[a-z-]*:sqs:/.test(i.eventSourceArn)) counts.polledQueues += 1;
        break;
      case "aws:kinesis/stream:Stream": {
        const mode = (i.streamModeDetails as { streamMode?: string } | undefined)?.streamMode;
        if (mode === "ON_DEMAND") counts.kinesisOnDemandStreams += 1;
        else counts.kinesisShards += Number(i.shardCount ?? 0);
        break;
      }
    }
  }
  return { tenants, shared };
}

// ---------------------------------------------------------------------------------------------------------------
// The workload and every assumption, each with its default and meaning.

export interface Workload {
  /** Webhooks per second, all tenants together. */
  ratePerSecond: number;
  /** Bytes of each webhook's body as the sender posts it. */
  bodyBytes: number;
  /** Forwarded body size as a fraction of the body (1 = not gzip'ed, base64 in SQS; 0.3 = gzip of typical JSON). */
  compressionRatio: number;
  /**
   * The item's body as a fraction of the body: the worker gzips inline bodies of 256 B or more when that makes them
   * smaller (handlers/core/storedBody.ts); SQS (as base64) and Kinesis carry them not gzip'ed.
   */
  storedCompressionRatio: number;
  ingestMemoryMb: number;
  /** Billed ms of one ingest invocation (verify + SendMessage round trip). */
  ingestMs: number;
  /** Billed ms of a worker invocation: base + per record (PutItems run in parallel, so per record is small). */
  workerBaseMs: number;
  workerPerRecordMs: number;
  /** Messages per worker batch; 0 derives it from the rate (see workerBatchOf). */
  workerBatch: number;
  /** SQS pollers per event source mapping while messages flow or the queue is idle. */
  sqsPollers: number;
  /** Long-poll wait of an idle poller's ReceiveMessage, seconds. */
  idleReceiveWaitSeconds: number;
  consumerBaseMs: number;
  consumerPerRecordMs: number;
  /** Shards of the table's stream, each polled by its own consumer invocation. */
  tableStreamShards: number;
  /** JSON of the SQS envelope around the body (tenant, ids, headers, ...), bytes. */
  envelopeOverheadBytes: number;
  /** DynamoDB item bytes besides the body (attribute names and values). */
  itemOverheadBytes: number;
  /** Bytes of the item's copy in the tenant-time index (keys and projected attributes). */
  indexItemBytes: number;
  /** Analytics record bytes besides the payload (JSON metadata + partition key). */
  analyticsOverheadBytes: number;
  /** What the analytics record carries: the body ("payload") or only a pointer to the item ("pointer"). */
  analyticsPayload: "payload" | "pointer";
  kinesisMode: "provisioned" | "on-demand";
  /** How the events table buys throughput: "on-demand" (today, per request) or "provisioned" (per capacity-hour, auto scaled). */
  dynamodbCapacity: "on-demand" | "provisioned";
  /** Provisioned only: mean consumed / provisioned write capacity (auto scaling's target less its lag and the traffic's peaks). */
  provisionedUtilization: number;
  /** Provisioned only: the least capacity units auto scaling keeps, for reads and writes, on the table and on the index each. */
  provisionedMinUnits: number;
  /** Application log lines ingest writes per accepted webhook (today: "event accepted"). */
  ingestLogLines: number;
  /** Custom metric series billed: "catalogue" (every catalogued series, every hour) or "active" (only those a healthy tenant emits). */
  metricSeries: "catalogue" | "active";
  /** Warm ingest containers per tenant, each re-reading its secret every refresh interval. */
  warmIngestContainers: number;
  secretsRefreshSeconds: number;
  /** Bodies over the inline threshold: bytes of the pointer that replaces the body in the message, item and record. */
  bodyPointerBytes: number;
  /** Bodies over the inline threshold: ms the S3 PutObject adds to an ingest invocation. */
  s3PutMs: number;
  /** Bodies over the inline threshold: GETs of each body (downstream readers of the pointer, ops). */
  s3GetsPerBody: number;
}

export interface Assumption {
  readonly key: keyof Workload;
  readonly flag: string;
  readonly meaning: string;
}

export const DEFAULT_WORKLOAD: Workload = {
  ratePerSecond: 50,
  bodyBytes: 2 * KIB,
  compressionRatio: 1,
  // Measured: a 2,230 B GitHub push (hash ids, URLs, nested objects) gzips to 649 B (0.29): storedBody.property.test.ts.
  storedCompressionRatio: 0.3,
  ingestMemoryMb: INGEST.memoryMb,
  ingestMs: 40,
  workerBaseMs: 20,
  workerPerRecordMs: 2,
  workerBatch: 0,
  sqsPollers: 5,
  idleReceiveWaitSeconds: 20,
  consumerBaseMs: 30,
  consumerPerRecordMs: 1,
  tableStreamShards: 4,
  envelopeOverheadBytes: 450,
  // Measured on a 2,230 B GitHub push's item, lean layout (tenant of 11 characters: 359 B besides the body, its
  // index copy 160 B): test/cost/model.test.ts keeps these within 16 B of what the worker writes.
  itemOverheadBytes: 360,
  indexItemBytes: 160,
  analyticsOverheadBytes: 500,
  analyticsPayload: "payload",
  kinesisMode: "provisioned",
  dynamodbCapacity: "on-demand",
  provisionedUtilization: 0.5,
  provisionedMinUnits: 5,
  ingestLogLines: 1,
  metricSeries: "catalogue",
  warmIngestContainers: 1,
  secretsRefreshSeconds: 300,
  bodyPointerBytes: 220,
  s3PutMs: 25,
  s3GetsPerBody: 1,
};

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const MEANINGS: Record<keyof Workload, string> = {
  ratePerSecond: "webhooks per second, all tenants, spread evenly over the tenants (accepts 50/s, 3000/min)",
  bodyBytes: "body size as posted (accepts 2KiB, 512, 1MiB)",
  compressionRatio: "forwarded body size / body size in SQS and Kinesis; 1 = not gzip'ed (today: base64 in SQS, as received in Kinesis), ~0.3 = gzip of JSON (then base64 in both)",
  storedCompressionRatio: `item body size / body size: inline bodies of ${GZIP_MIN_BODY_BYTES} B or more are stored gzip'ed when smaller (today; ~0.3 for JSON, 1 = incompressible)`,
  ingestMemoryMb: `ingest function memory, MB (configured: ${INGEST.memoryMb}, components/settings.ts)`,
  ingestMs: "billed duration of one ingest invocation, ms (HMAC of the body + one SQS SendMessage round trip, warm)",
  workerBaseMs: `worker invocation base duration, ms (memory ${WORKER.memoryMb} MB)`,
  workerPerRecordMs: "worker duration added per record, ms (the batch's PutItems run in parallel)",
  workerBatch: `messages per worker invocation; 0 = derived per tenant: min(${WORKER.batchSize}, max(1, tenant rate x its batchWindowSeconds (default ${WORKER.maximumBatchingWindowSeconds}) / pollers))`,
  sqsPollers: "Lambda SQS pollers per mapping: AWS starts at 5 and only scales below that without maximumConcurrency, which every mapping here sets (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html)",
  idleReceiveWaitSeconds: "long-poll wait of an idle poller's ReceiveMessage, s (20 s = SQS's maximum; the Lambda guide says pollers long-poll an idle queue but not for how long)",
  consumerBaseMs: `stream consumer invocation base duration, ms (memory ${STREAM_CONSUMER.memoryMb} MB)`,
  consumerPerRecordMs: "stream consumer duration added per record, ms",
  tableStreamShards: `shards of the table's stream: consumer batch = min(${STREAM_CONSUMER.batchSize}, max(1, rate x ${STREAM_CONSUMER.maximumBatchingWindowSeconds} s / shards))`,
  envelopeOverheadBytes: "SQS envelope JSON besides the body, bytes (v2 envelope with a few kept headers)",
  itemOverheadBytes: "DynamoDB item bytes besides the body: attribute names + pk, scheme, headers, delivery id, size, index keys, TTL (a 32-character tenant id adds ~42)",
  indexItemBytes: "bytes of the item's copy in the byTenantTime index (pk, its keys, scheme, size)",
  analyticsOverheadBytes: "analytics record bytes besides the payload (metadata JSON + partition key)",
  analyticsPayload: "payload = the record carries the body (today); pointer = only tenant/eventId/metadata",
  kinesisMode: "provisioned = the stack's shards (today); on-demand = per stream-hour and per GB",
  dynamodbCapacity: "on-demand = per write request (today, eventStore.ts); provisioned = per capacity-hour, table and index each auto scaled (not built: see README Cost)",
  provisionedUtilization: "provisioned only: mean consumed / provisioned write capacity (auto scaling's target utilization, less its lag and the traffic's peaks; the model's rate is a mean)",
  provisionedMinUnits: "provisioned only: least read and write capacity units auto scaling keeps on the table and on the index each (reads are ops only: the stream's are free)",
  ingestLogLines: "application log lines ingest writes per accepted webhook (today 1: 'event accepted')",
  metricSeries: "catalogue = every (metric, dimensions) of handlers/metrics.ts billed all month (upper bound); active = only the series a healthy tenant emits every hour",
  warmIngestContainers: "warm ingest containers per tenant, each reading its secret once per refresh",
  secretsRefreshSeconds: "seconds between an ingest container's secret reads (handlers' secretsTtlSeconds)",
  bodyPointerBytes: `bytes of the S3 pointer {bucket, key, size, sha256} that replaces a body over ${INLINE_BODY_MAX_BYTES} B in the message, item and analytics record`,
  s3PutMs: `ms one S3 PutObject adds to ingest for a body over ${INLINE_BODY_MAX_BYTES} B (the put precedes SendMessage)`,
  s3GetsPerBody: "GETs of each body in the bodies bucket (1 = one downstream reader of each analytics pointer; 0 = nobody reads them)",
};

export const WORKLOAD_ASSUMPTIONS: readonly Assumption[] = (Object.keys(DEFAULT_WORKLOAD) as (keyof Workload)[]).map((key) => ({ key, flag: `--${kebab(key)}`, meaning: MEANINGS[key] }));

// ---------------------------------------------------------------------------------------------------------------
// Sizes of what the handlers write, computed with their own code where it is pure.

const SAMPLE_UUID = "00000000-0000-4000-8000-000000000000";
const SAMPLE_TIME = "2026-01-01T00:00:00.000Z";
/** Bytes CloudWatch Logs counts per event besides its message (PutLogEvents' batch size rule). */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

/** Lambda's platform lines in the Text log format: START, END, REPORT (warm, no Init Duration). */
export function platformLogLines(memoryMb: number): string[] {
  return [
    `START RequestId: ${SAMPLE_UUID} Version: $LATEST`,
    `END RequestId: ${SAMPLE_UUID}`,
    `REPORT RequestId: ${SAMPLE_UUID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: 98 MB\t`,
  ];
}

const logBytes = (lines: readonly string[]) => lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1 + LOG_EVENT_OVERHEAD_BYTES, 0);

/** A log line as the handlers write it (handlers/logger.ts: level, ISO time, bindings, fields, msg). */
function logLine(fields: Record<string, unknown>, msg: string): string {
  return JSON.stringify({ level: "info", time: SAMPLE_TIME, ...fields, msg });
}

export function ingestLines(tenant: string, namespace: string, appLines: number): { app: string[]; emf: string[] } {
  const accepted = logLine({ tenant, requestId: SAMPLE_UUID, eventId: `msg_${SAMPLE_UUID}`, messageId: SAMPLE_UUID, size: 2048 }, "event accepted");
  return {
    app: Array.from({ length: appLines }, () => accepted),
    emf: [emfLine({ namespace, dimensions: { Tenant: tenant }, values: { Received: 1, Accepted: 1 }, timestampMs: 1_767_225_600_000 })],
  };
}

export function workerLines(tenant: string, namespace: string, records: number): { app: string[]; emf: string[] } {
  const counts = { Stored: records, Duplicates: 0, Malformed: 0, StoreFailures: 0 };
  return {
    app: [logLine({ tenant, requestId: SAMPLE_UUID, records, ...counts }, "batch processed")],
    emf: [emfLine({ namespace, dimensions: { Tenant: tenant }, values: counts, timestampMs: 1_767_225_600_000 })],
  };
}

export function consumerLines(tenants: readonly string[], namespace: string, records: number): { app: string[]; emf: string[] } {
  return {
    app: [logLine({ requestId: SAMPLE_UUID, records, published: records, attempts: 1 }, "stream batch processed")],
    emf: tenants.map((tenant) => emfLine({ namespace, dimensions: { Tenant: tenant }, values: { Published: 1, PublishFailures: 0 }, timestampMs: 1_767_225_600_000 })),
  };
}

/** Series a healthy, busy tenant emits every hour: accepted, stored, published, and rejections (with their signature count). */
export const ACTIVE_TENANT_SERIES = ["Accepted", "Rejected", "SignatureFailures", "Stored", "Published"] as const;

export function metricSeriesCounts(mode: Workload["metricSeries"]): { perTenant: number; shared: number } {
  let perTenant = 0;
  let shared = 0;
  for (const [name, sets] of Object.entries(PUBLISHED_METRICS)) {
    for (const set of sets as readonly (readonly string[])[]) {
      if (set.length === 0) shared += 1;
      else if (mode === "catalogue" || (ACTIVE_TENANT_SERIES as readonly string[]).includes(name)) perTenant += 1;
    }
  }
  return { perTenant, shared };
}

// ---------------------------------------------------------------------------------------------------------------
// The model.

export interface Line {
  readonly component: string;
  readonly usd: number;
  /** How the figure was reached, e.g. "3 WRU x $0.7050/M". */
  readonly detail: string;
}

export interface FixedLine extends Line {
  readonly scope: "tenant" | "shared";
}

export interface CostReport {
  readonly stack: string;
  readonly region: string;
  readonly pricesReadOn: string;
  readonly tenants: number;
  readonly workload: Workload;
  /** All-in variable cost of one million webhooks. */
  readonly perMillionUsd: number;
  readonly perMillion: readonly Line[];
  readonly fixedMonthlyUsd: number;
  /** Fixed monthly cost of one (average) tenant: what adding a tenant adds. */
  readonly fixedMonthlyPerTenantUsd: number;
  readonly fixedMonthlySharedUsd: number;
  readonly fixedMonthlyByTenant: Readonly<Record<string, number>>;
  /** Fixed lines: per-tenant lines are the average tenant's; shared lines the stack's. */
  readonly fixed: readonly FixedLine[];
  readonly monthly: { readonly webhooks: number; readonly variableUsd: number; readonly totalUsd: number };
  /** Sizes the figures rest on, bytes or counts per webhook. */
  readonly derived: Readonly<Record<string, number>>;
}

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toPrecision(3) : n.toFixed(n < 1 ? 4 : 2)}`;
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Messages per worker invocation (see MEANINGS.workerBatch), over the tenants' batching windows: each tenant's batch
 * from its own window, combined as invocations per webhook (the rate is spread evenly), i.e. the harmonic mean.
 */
export function workerBatchOf(workload: Workload, tenants: readonly Pick<TenantConfig, "batchWindowSeconds">[]): number {
  if (workload.workerBatch > 0) return Math.min(WORKER.batchSize, workload.workerBatch);
  const perTenant = workload.ratePerSecond / tenants.length;
  // No window gathers nothing (and 0 pollers with it would be 0/0): one message per invocation.
  const batchOf = (windowSeconds: number) => (windowSeconds === 0 ? 1 : Math.min(WORKER.batchSize, Math.max(1, (perTenant * windowSeconds) / workload.sqsPollers)));
  const invocationsPerWebhook = tenants.reduce((sum, tenant) => sum + 1 / batchOf(tenant.batchWindowSeconds), 0) / tenants.length;
  return 1 / invocationsPerWebhook;
}

export function consumerBatchOf(workload: Workload): number {
  return Math.min(STREAM_CONSUMER.batchSize, Math.max(1, (workload.ratePerSecond * STREAM_CONSUMER.maximumBatchingWindowSeconds) / workload.tableStreamShards));
}

/**
 * What the stack costs: variable per million webhooks by component, fixed per month per tenant and shared. Pure:
 * the same inputs give the same figures.
 */
export function costOf(config: StackConfig, inventory: StackInventory, workload: Workload, prices: PriceTable): CostReport {
  const w = workload;
  const T = config.tenants.length;
  const namespace = metricsNamespaceOf(config.stack);
  const sampleTenant = config.tenants[0]!.id;
  const M = 1e6;

  // Sizes.
  const compressed = w.compressionRatio < 1;
  // Over the inline threshold the body goes to the bodies bucket (handlers/core/claimCheck.ts) and a pointer takes
  // its place in the message, the item and the analytics record.
  const offloaded = w.bodyBytes > INLINE_BODY_MAX_BYTES;
  const bodyBytesInS3 = offloaded ? w.bodyBytes : 0;
  const forwardedBody = offloaded ? w.bodyPointerBytes : Math.ceil(w.bodyBytes * w.compressionRatio);
  // An inline body is base64 in the SQS envelope (handlers/core/envelope.ts); in the analytics JSON only when
  // compressed (binary), as received otherwise.
  const base64Body = Math.ceil(forwardedBody / 3) * 4;
  const messageBytes = (offloaded ? w.bodyPointerBytes : base64Body) + w.envelopeOverheadBytes;
  const sqsChunks = Math.ceil(messageBytes / (64 * KIB));
  // The item's body: the pointer, or the body gzip'ed at rest when long enough (storedBody.ts) and smaller.
  const gzippedAtRest = !offloaded && w.bodyBytes >= GZIP_MIN_BODY_BYTES && w.storedCompressionRatio < 1;
  const storedBody = offloaded ? w.bodyPointerBytes : gzippedAtRest ? Math.min(forwardedBody, Math.ceil(w.bodyBytes * w.storedCompressionRatio)) : forwardedBody;
  const itemBytes = storedBody + w.itemOverheadBytes;
  const itemWru = Math.ceil(itemBytes / KIB);
  const indexWru = Math.ceil(w.indexItemBytes / KIB);
  const recordBody = offloaded ? w.bodyPointerBytes : compressed ? base64Body : w.bodyBytes;
  const recordBytes = (w.analyticsPayload === "payload" ? recordBody : 0) + w.analyticsOverheadBytes;
  const putUnits = Math.ceil(recordBytes / (25 * KIB));

  const lines: Line[] = [];
  const add = (component: string, value: number, detail: string) => lines.push({ component, usd: round(value), detail });

  // Lambda.
  const gbs = (memoryMb: number, ms: number) => (memoryMb / 1024) * (ms / 1000);
  const L = prices.lambda;
  const ingestMs = w.ingestMs + (offloaded ? w.s3PutMs : 0);
  const ingestGbs = gbs(w.ingestMemoryMb, ingestMs);
  add("lambda: ingest", M * (L.requestsPerMillion.usd / M + ingestGbs * L.arm64GbSecond.usd), `1 request + ${w.ingestMemoryMb} MB x ${ingestMs} ms${offloaded ? ` (incl. ${w.s3PutMs} ms S3 put)` : ""} = ${ingestGbs.toFixed(4)} GB-s per webhook, arm64`);
  const batch = workerBatchOf(w, config.tenants);
  const workerGbs = gbs(WORKER.memoryMb, w.workerBaseMs + w.workerPerRecordMs * batch) / batch;
  add("lambda: worker", M * (L.requestsPerMillion.usd / M / batch + workerGbs * L.arm64GbSecond.usd), `1/${batch.toFixed(2)} requests + ${workerGbs.toFixed(5)} GB-s per webhook (${WORKER.memoryMb} MB, batch ${batch.toFixed(2)})`);
  const streamBatch = consumerBatchOf(w);
  const consumerGbs = gbs(STREAM_CONSUMER.memoryMb, w.consumerBaseMs + w.consumerPerRecordMs * streamBatch) / streamBatch;
  add("lambda: stream consumer", M * (L.requestsPerMillion.usd / M / streamBatch + consumerGbs * L.arm64GbSecond.usd), `1/${streamBatch.toFixed(1)} requests + ${consumerGbs.toFixed(6)} GB-s per webhook (${STREAM_CONSUMER.memoryMb} MB, batch ${streamBatch.toFixed(1)})`);

  // SQS: send per message, receive per batch (64 KiB chunks of what it returns), delete per batch (DeleteMessageBatch).
  const sends = sqsChunks;
  const receives = Math.ceil((batch * messageBytes) / (64 * KIB)) / batch;
  const deletes = 1 / batch;
  const sqsRequests = sends + receives + deletes;
  add("sqs: send + receive + delete", M * sqsRequests * (prices.sqs.standardRequestsPerMillion.usd / M), `${sends} send + ${receives.toFixed(3)} receive + ${deletes.toFixed(3)} delete = ${sqsRequests.toFixed(3)} requests per webhook (message ${messageBytes} B, ${sqsChunks} chunk(s) of 64 KiB)`);

  // DynamoDB.
  const D = prices.dynamodb;
  const itemDetail = `item ${itemBytes} B = body ${storedBody}${gzippedAtRest ? " gzip'ed" : ""} + ${w.itemOverheadBytes}`;
  if (w.dynamodbCapacity === "on-demand") {
    add("dynamodb: item write", M * itemWru * (D.onDemandWritePerMillion.usd / M), `${itemWru} WRU (${itemDetail}) x ${usd(D.onDemandWritePerMillion.usd)}/M`);
    add("dynamodb: index write", M * indexWru * (D.onDemandWritePerMillion.usd / M), `${indexWru} WRU (byTenantTime copy ${w.indexItemBytes} B)`);
  } else {
    // Capacity bought by the hour: what the mean rate consumes over the utilization, never below the minimum, for
    // the table and for the index (a GSI has capacity of its own), spread over the month's webhooks.
    const webhooksPerMonth = w.ratePerSecond * SECONDS_PER_MONTH;
    const provisioned = (wru: number) => Math.max(w.provisionedMinUnits, (w.ratePerSecond * wru) / w.provisionedUtilization);
    const perMillion = (units: number) => (units * HOURS_PER_MONTH * D.provisionedWcuHour.usd * M) / webhooksPerMonth;
    const tableUnits = provisioned(itemWru);
    const indexUnits = provisioned(indexWru);
    add("dynamodb: item write", perMillion(tableUnits), `${itemWru} WCU per webhook a second (${itemDetail}); ${tableUnits.toFixed(1)} WCU provisioned (${w.ratePerSecond}/s at ${w.provisionedUtilization} utilization, at least ${w.provisionedMinUnits}) x ${usd(D.provisionedWcuHour.usd)}/h`);
    add("dynamodb: index write", perMillion(indexUnits), `${indexWru} WCU per webhook a second (byTenantTime copy ${w.indexItemBytes} B); ${indexUnits.toFixed(1)} WCU provisioned on the index`);
  }
  const retentionDays = config.tenants.reduce((sum, t) => sum + t.retentionDays, 0) / T;
  const storedGbMonths = (M * (itemBytes + w.indexItemBytes + 200)) / GIB * (retentionDays / DAYS_PER_MONTH);
  add("dynamodb: storage while retained", storedGbMonths * D.storageGbMonth.usd, `${(M * (itemBytes + w.indexItemBytes + 200) / GIB).toFixed(3)} GB (item + index + 100 B each) kept ${retentionDays.toFixed(1)} days (tenants' mean retention)`);
  if (config.pointInTimeRecovery) {
    const tableGbMonths = (M * (itemBytes + 100)) / GIB * (retentionDays / DAYS_PER_MONTH);
    add("dynamodb: point-in-time recovery", tableGbMonths * D.pitrGbMonth.usd, `table size (no index) while retained, ${usd(D.pitrGbMonth.usd)}/GB-month`);
  }
  add("dynamodb: stream reads", 0, "GetRecords by the Lambda trigger are free");

  // S3: bodies over the inline threshold, one PUT each (a retried delivery puts again: not modelled), GETs by
  // their readers, storage until the lifecycle rule expires them (longest retention + 1 day, bodyStore.ts).
  const S = prices.s3;
  const longestRetention = Math.max(...config.tenants.map((t) => t.retentionDays));
  if (offloaded) {
    add("s3: body PUT", M * (S.putPerThousand.usd / 1000), `1 PutObject per webhook (body ${w.bodyBytes} B > inline ${INLINE_BODY_MAX_BYTES} B) x ${usd(S.putPerThousand.usd)}/1,000`);
    add("s3: body GET", M * w.s3GetsPerBody * (S.getPerThousand.usd / 1000), `${w.s3GetsPerBody} GetObject per body x ${usd(S.getPerThousand.usd)}/1,000`);
    const s3GbMonths = ((M * bodyBytesInS3) / GIB) * ((longestRetention + 1) / DAYS_PER_MONTH);
    add("s3: storage until expiry", s3GbMonths * S.storageGbMonth.usd, `${((M * bodyBytesInS3) / GIB).toFixed(3)} GB kept ${longestRetention + 1} days (longest retention + 1) x ${usd(S.storageGbMonth.usd)}/GB-month`);
  } else {
    add("s3: bodies", 0, `bodies of ${w.bodyBytes} B stay inline (threshold ${INLINE_BODY_MAX_BYTES} B): no S3 request`);
  }

  // Kinesis.
  const K = prices.kinesis;
  if (w.kinesisMode === "provisioned") {
    add("kinesis: PUT payload units", M * putUnits * (K.putPayloadUnitsPerMillion.usd / M), `${putUnits} unit(s) of 25 KiB per record (${recordBytes} B, ${w.analyticsPayload})`);
  } else {
    const gb = (M * Math.ceil(recordBytes / KIB) * KIB) / GIB;
    add("kinesis: on-demand data in", gb * K.onDemandIngestGb.usd, `${Math.ceil(recordBytes / KIB)} KiB per record (rounded up), ${gb.toFixed(3)} GB`);
  }

  // CloudWatch Logs: platform lines, application lines and EMF lines of each function, per webhook.
  const ingest = ingestLines(sampleTenant, namespace, w.ingestLogLines);
  const worker = workerLines(sampleTenant, namespace, Math.round(batch));
  const consumerTenants = config.tenants.slice(0, Math.max(1, Math.min(T, Math.round(streamBatch)))).map((t) => t.id);
  const consumer = consumerLines(consumerTenants, namespace, Math.round(streamBatch));
  const platformBytes = logBytes(platformLogLines(w.ingestMemoryMb)) + logBytes(platformLogLines(WORKER.memoryMb)) / batch + logBytes(platformLogLines(STREAM_CONSUMER.memoryMb)) / streamBatch;
  const appBytes = logBytes(ingest.app) + logBytes(worker.app) / batch + logBytes(consumer.app) / streamBatch;
  const emfBytes = logBytes(ingest.emf) + logBytes(worker.emf) / batch + logBytes(consumer.emf) / streamBatch;
  const C = prices.cloudwatch;
  const logGb = (bytes: number) => (M * bytes) / GIB;
  add("logs: Lambda platform lines", logGb(platformBytes) * C.logsIngestGb.usd, `${platformBytes.toFixed(0)} B per webhook (START/END/REPORT of each invocation)`);
  add("logs: application lines", logGb(appBytes) * C.logsIngestGb.usd, `${appBytes.toFixed(0)} B per webhook (${w.ingestLogLines} ingest line(s) of ${ingest.app[0] ? Buffer.byteLength(ingest.app[0]) : 0} B + batch lines)`);
  add("metrics: EMF lines", logGb(emfBytes) * C.logsIngestGb.usd, `${emfBytes.toFixed(0)} B per webhook (ingest's EMF line ${Buffer.byteLength(ingest.emf[0]!)} B; no PutMetricData calls)`);
  const logStorage = logGb(platformBytes + appBytes + emfBytes) * (Math.min(config.logRetentionDays, 3653) / DAYS_PER_MONTH) * C.logsStorageGbMonth.usd;
  add("logs: storage while retained", logStorage, `all log bytes kept ${config.logRetentionDays} days, uncompressed size (an upper bound: CloudWatch bills archived bytes compressed)`);

  const perMillionUsd = round(lines.reduce((sum, l) => sum + l.usd, 0));

  // Fixed monthly.
  const fixed: FixedLine[] = [];
  const series = metricSeriesCounts(w.metricSeries);
  const idleReceivesPerQueue = (w.sqsPollers * SECONDS_PER_MONTH) / w.idleReceiveWaitSeconds;
  const secretReads = (w.warmIngestContainers * SECONDS_PER_MONTH) / w.secretsRefreshSeconds;
  const tenantFixed = (counts: InventoryCounts): FixedLine[] => [
    { scope: "tenant", component: "alarms", usd: counts.alarmMetrics * C.alarmMetricMonth.usd, detail: `${counts.alarms} alarms reading ${counts.alarmMetrics} metrics` },
    { scope: "tenant", component: "custom metric series", usd: series.perTenant * C.customMetricMonth.usd, detail: `${series.perTenant} series (${w.metricSeries})` },
    { scope: "tenant", component: "secrets", usd: counts.secrets * prices.secretsManager.secretMonth.usd + (counts.secrets > 0 ? (secretReads / 1e4) * prices.secretsManager.apiCallsPer10k.usd : 0), detail: `${counts.secrets} secret(s) + ${Math.round(secretReads)} GetSecretValue a month` },
    { scope: "tenant", component: "idle SQS polling", usd: counts.polledQueues * idleReceivesPerQueue * (prices.sqs.standardRequestsPerMillion.usd / M), detail: `${counts.polledQueues} polled queue(s) x ${w.sqsPollers} pollers x one receive per ${w.idleReceiveWaitSeconds} s = ${Math.round(counts.polledQueues * idleReceivesPerQueue)} receives` },
    { scope: "tenant", component: "dashboards", usd: counts.dashboards * C.dashboardMonth.usd, detail: `${counts.dashboards}` },
    { scope: "tenant", component: "KMS keys", usd: counts.kmsKeys * prices.kms.customerKeyMonth.usd, detail: `${counts.kmsKeys}` },
  ];
  const byTenant: Record<string, number> = {};
  const perTenantLines = new Map<string, { usd: number; detail: string }>();
  for (const tenant of config.tenants) {
    const counts = inventory.tenants[tenant.id] ?? emptyCounts();
    const tenantLines = tenantFixed(counts);
    byTenant[tenant.id] = round(tenantLines.reduce((sum, l) => sum + l.usd, 0));
    for (const l of tenantLines) {
      const seen = perTenantLines.get(l.component) ?? { usd: 0, detail: l.detail };
      seen.usd += l.usd / T;
      perTenantLines.set(l.component, seen);
    }
  }
  for (const [component, l] of perTenantLines) if (l.usd > 0) fixed.push({ scope: "tenant", component, usd: round(l.usd), detail: l.detail });

  const s = inventory.shared;
  const sharedLines: FixedLine[] = [
    { scope: "shared", component: "alarms", usd: s.alarmMetrics * C.alarmMetricMonth.usd, detail: `${s.alarms} alarms reading ${s.alarmMetrics} metrics` },
    { scope: "shared", component: "custom metric series", usd: series.shared * C.customMetricMonth.usd, detail: `${series.shared} stack-wide series` },
    { scope: "shared", component: "dashboards", usd: s.dashboards * C.dashboardMonth.usd, detail: `${s.dashboards} dashboard(s)` },
    { scope: "shared", component: "KMS keys", usd: s.kmsKeys * prices.kms.customerKeyMonth.usd, detail: `${s.kmsKeys} customer-managed key(s)` },
    { scope: "shared", component: "idle SQS polling", usd: s.polledQueues * idleReceivesPerQueue * (prices.sqs.standardRequestsPerMillion.usd / M), detail: `${s.polledQueues} polled queue(s)` },
    { scope: "shared", component: "secrets", usd: s.secrets * prices.secretsManager.secretMonth.usd, detail: `${s.secrets}` },
  ];
  if (w.dynamodbCapacity === "provisioned") {
    sharedLines.push({ scope: "shared", component: "dynamodb read capacity", usd: 2 * w.provisionedMinUnits * HOURS_PER_MONTH * prices.dynamodb.provisionedRcuHour.usd, detail: `table + index x ${w.provisionedMinUnits} RCU x ${HOURS_PER_MONTH} h x ${usd(prices.dynamodb.provisionedRcuHour.usd)}` });
  }
  if (w.kinesisMode === "provisioned") {
    sharedLines.push({ scope: "shared", component: "kinesis shards", usd: s.kinesisShards * HOURS_PER_MONTH * K.shardHour.usd, detail: `${s.kinesisShards} shard(s) x ${HOURS_PER_MONTH} h x ${usd(K.shardHour.usd)}` });
  } else {
    const streams = Math.max(1, s.kinesisOnDemandStreams + (s.kinesisShards > 0 ? 1 : 0));
    sharedLines.push({ scope: "shared", component: "kinesis on-demand stream", usd: streams * HOURS_PER_MONTH * K.onDemandStreamHour.usd, detail: `${streams} stream(s) x ${HOURS_PER_MONTH} h x ${usd(K.onDemandStreamHour.usd)}` });
  }
  for (const l of sharedLines) if (l.usd > 0) fixed.push({ ...l, usd: round(l.usd) });

  const fixedMonthlySharedUsd = round(sharedLines.reduce((sum, l) => sum + l.usd, 0));
  const tenantsTotal = Object.values(byTenant).reduce((sum, v) => sum + v, 0);
  const fixedMonthlyUsd = round(fixedMonthlySharedUsd + tenantsTotal);
  const webhooks = w.ratePerSecond * SECONDS_PER_MONTH;
  const variableUsd = round((webhooks / M) * perMillionUsd);
  return {
    stack: config.stack,
    region: prices.region,
    pricesReadOn: prices.readOn,
    tenants: T,
    workload: { ...w },
    perMillionUsd,
    perMillion: lines,
    fixedMonthlyUsd,
    fixedMonthlyPerTenantUsd: round(tenantsTotal / T),
    fixedMonthlySharedUsd,
    fixedMonthlyByTenant: byTenant,
    fixed,
    monthly: { webhooks, variableUsd, totalUsd: round(variableUsd + fixedMonthlyUsd) },
    derived: {
      messageBytes,
      sqsChunks,
      sqsRequestsPerWebhook: round(sqsRequests),
      itemBytes,
      itemWru,
      s3PutsPerWebhook: offloaded ? 1 : 0,
      indexWru,
      analyticsRecordBytes: recordBytes,
      kinesisPutUnits: putUnits,
      workerBatch: round(batch),
      consumerBatch: round(streamBatch),
      logBytesPerWebhook: round(platformBytes + appBytes + emfBytes),
    },
  };
}
