// Logs: pino JSON, one child logger per request or batch (tenant, event id, AWS request id). No payload body is
// ever logged; secrets and signature headers are redacted in case a caller passes them by mistake.
// Metrics: CloudWatch Embedded Metric Format lines on stdout, turned into metrics by CloudWatch Logs with no
// PutMetricData call on the hot path.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import pino, { type Logger } from "pino";

export type { Logger };

export const REDACTED_PATHS = [
  "secret",
  "secrets",
  "*.secret",
  "*.secrets",
  "body",
  "*.body",
  'headers["webhook-signature"]',
  'headers["svix-signature"]',
  'headers["stripe-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["x-hub-signature"]',
  'headers["x-shopify-hmac-sha256"]',
  'headers["shopify-hmac-sha256"]',
  'headers["x-slack-signature"]',
  'headers["x-twilio-signature"]',
  "headers.authorization",
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type MetricName =
  | "Received"
  | "Accepted"
  | "Rejected"
  | "Handshakes"
  | "EnqueueFailures"
  | "SecretsUnavailable"
  | "Stored"
  | "Duplicates"
  | "StoreFailures"
  | "Malformed"
  | "Published"
  | "PublishFailures"
  | "SignatureFailures";

export interface MetricLine {
  readonly namespace: string;
  /** Dimension values; each metric is published per these and also without dimensions (the totals). */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Which dimension combinations to publish; default: all given dimensions, and none (the totals). */
  readonly dimensionSets?: readonly (readonly string[])[];
  readonly values: Partial<Record<MetricName, number>>;
  readonly timestampMs: number;
}

/** One EMF document (a JSON line). Zero values are kept: an alarm needs a datapoint to see "0 errors". */
export function emfLine(metric: MetricLine): string {
  const names = Object.keys(metric.values) as MetricName[];
  const dimensionKeys = Object.keys(metric.dimensions);
  const document: Record<string, unknown> = {
    _aws: {
      Timestamp: metric.timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: metric.namespace,
          Dimensions: metric.dimensionSets ?? [dimensionKeys, []],
          Metrics: names.map((name) => ({ Name: name, Unit: "Count" })),
        },
      ],
    },
    ...metric.dimensions,
    ...metric.values,
  };
  return JSON.stringify(document);
}

export type MetricSink = (line: string) => void;

/** Lambda forwards stdout lines to CloudWatch Logs; EMF must be its own line, outside pino's JSON. */
export const stdoutMetricSink: MetricSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export function metricsNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return env.METRICS_NAMESPACE || "Webhooks";
}
