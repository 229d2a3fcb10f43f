// The custom metrics the handlers publish to CloudWatch, and with which dimension sets. One list, read by the
// handlers (handlers/observability.ts declares exactly these in each EMF line) and by the stack (alarms and the
// dashboard use them), so an alarm can never wait on a metric nobody emits.
//
// Every (metric, dimension set) pair is a custom metric series, billed per series and month
// (https://aws.amazon.com/cloudwatch/pricing/, "Metrics"), so a pair is here only when an alarm or the dashboard
// reads it; the test in test/contract/metrics.test.ts fails on a pair neither uses. Every other count a handler
// reports (Received, Duplicates, Handshakes, StoreFailures, PublishFailures, ...) stays a plain property of the
// EMF line: visible in the logs and to CloudWatch Logs Insights, but not a billed metric.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html

/** A dimension set: the names of the dimensions a series is keyed by ([] = the stack-wide total). */
export type DimensionSet = readonly string[];

export const TENANT: DimensionSet = ["Tenant"];
export const TOTAL: DimensionSet = [];

export const PUBLISHED_METRICS = {
  /** Ingest: a webhook was verified and enqueued (dashboard). */
  Accepted: [TENANT],
  /** Ingest: a request was refused with 4xx (dashboard). */
  Rejected: [TENANT],
  /** Ingest: bad signature or stale timestamp (alarm signature-rejections-spike). */
  SignatureFailures: [TENANT],
  /** Ingest: SQS refused a verified webhook, the sender got 503 (alarm ingest-refusing-requests). */
  EnqueueFailures: [TENANT],
  /** Ingest: S3 refused a large body (claim check), the sender got 503 (alarm body-store-failures). */
  BodyStoreFailures: [TENANT],
  /** Ingest: no usable secret, the request got 500 (alarm secrets-unavailable). */
  SecretsUnavailable: [TENANT],
  /** Ingest: a secret refresh failed and the last good keys were served (alarm secrets-stale). */
  StaleSecrets: [TENANT],
  /** Ingest: the function's environment is broken, every request gets 500 (dashboard; alarm ingest-down via Url5xxCount). */
  IngestMisconfigured: [TENANT],
  /** Worker: events written to the table (dashboard). */
  Stored: [TENANT],
  /** Stream consumer: analytics records put to Kinesis (dashboard). */
  Published: [TENANT],
  /** Stream consumer: images that are not event items, dropped (alarm malformed-stream-records on the total; per tenant on the dashboard). */
  MalformedStreamRecords: [TOTAL, TENANT],
} as const satisfies Record<string, readonly DimensionSet[]>;

export type PublishedMetric = keyof typeof PUBLISHED_METRICS;

/** Counts a handler reports in its EMF lines that are log properties only (no metric series). */
export type ReportedCount = "Received" | "Handshakes" | "Duplicates" | "StoreFailures" | "Malformed" | "PublishFailures";

export type MetricName = PublishedMetric | ReportedCount;

export function isPublishedMetric(name: string): name is PublishedMetric {
  return Object.prototype.hasOwnProperty.call(PUBLISHED_METRICS, name);
}
