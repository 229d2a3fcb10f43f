// What the cost model tests share (test/cost/model*.test.ts): the hand-computed workload, a small stack, hand-written
// inventory counts and a tolerant comparison of dollar figures.
import assert from "node:assert/strict";
import { parseStackConfig, type StackConfig } from "../../components/config";
import { DEFAULT_WORKLOAD, type InventoryCounts, type Workload } from "../../components/cost/model";

export const close = (actual: number, expected: number, what: string, tolerance = 1e-5) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);

/** Tenants acme, t1, t2, ... each keeping events 30 days; one shard, a runbook URL (so one dashboard), logs kept 1 day; PITR as asked. */
export function costStack(tenants = 1, pointInTimeRecovery = false): StackConfig {
  const entries = Object.fromEntries(Array.from({ length: tenants }, (_, i) => [i === 0 ? "acme" : `t${i}`, { scheme: "standard-webhooks", ingestConcurrency: 1, workerConcurrency: 2, retentionDays: 30 }]));
  return parseStackConfig("cost", { runbookUrl: "https://example.com/RUNBOOK.md", analyticsShards: 1, logRetentionDays: 1, pointInTimeRecovery, tenants: entries });
}

/** Counts of a hand-written inventory: zero unless given. */
export const inventoryCounts = (c: Partial<InventoryCounts> = {}): InventoryCounts => ({ alarms: 0, alarmMetrics: 0, secrets: 0, dashboards: 0, kmsKeys: 0, polledQueues: 0, kinesisShards: 0, kinesisOnDemandStreams: 0, resources: 0, ...c });

/**
 * The hand case model.test.ts computes line by line: sizes chosen so every unit is exactly one (a 1,000-byte body as
 * received, a 1,024-byte SQS message, item and analytics record), batches of 10, 512 MB x 100 ms ingest.
 */
export const HAND: Workload = {
  ...DEFAULT_WORKLOAD,
  ratePerSecond: 10,
  bodyBytes: 1000,
  // An incompressible body: the item holds it as received.
  storedCompressionRatio: 1,
  ingestMemoryMb: 512,
  ingestMs: 100,
  workerBaseMs: 50,
  workerPerRecordMs: 5,
  workerBatch: 10,
  consumerBaseMs: 100,
  consumerPerRecordMs: 0,
  tableStreamShards: 1,
  envelopeOverheadBytes: 24,
  itemOverheadBytes: 24,
  indexItemBytes: 100,
  analyticsOverheadBytes: 24,
};
