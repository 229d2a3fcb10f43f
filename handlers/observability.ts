// Logs: JSON lines (handlers/logger.ts), one child logger per request or batch (tenant, event id, AWS request id). No payload body is
// ever logged; secrets and signature headers are redacted in case a caller passes them by mistake.
// Metrics: CloudWatch Embedded Metric Format lines on stdout, turned into metrics by CloudWatch Logs with no
// PutMetricData call on the hot path.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import { createJsonLogger, type LogDestination, type Logger, type LoggerLevel } from "./logger";
import { isPublishedMetric, PUBLISHED_METRICS, type MetricName } from "./metrics";

export type { Logger };

/**
 * Whole header maps are redacted, at the top and two levels down (`headers`, `event.headers`,
 * `req.event.headers`): they hold signatures, the generic scheme's per-tenant signature header (a name only
 * known at run time), cookies and authorization; naming each one would miss the next. Cookies and authorization
 * are also redacted where a caller logs them on their own (a function URL event carries `cookies` apart).
 */
export const REDACTED_PATHS = [
  "secret",
  "secrets",
  "*.secret",
  "*.secrets",
  "body",
  "*.body",
  "headers",
  "*.headers",
  "*.*.headers",
  "multiValueHeaders",
  "*.multiValueHeaders",
  "cookie",
  "cookies",
  "*.cookie",
  "*.cookies",
  "authorization",
  "*.authorization",
];

/** The level: given, else LOG_LEVEL (set per function by the stack), else info. An unknown level throws at init. */
export function createLogger(options: { level?: string; destination?: LogDestination; now?: () => number } = {}): Logger {
  const level = (options.level ?? (process.env.LOG_LEVEL || "info")) as LoggerLevel;
  return createJsonLogger({ level, redactPaths: REDACTED_PATHS, destination: options.destination, now: options.now });
}

export type { MetricName } from "./metrics";

export interface MetricLine {
  readonly namespace: string;
  /** Dimension values (e.g. Tenant); a metric is published under each of its catalogued sets these cover. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: Partial<Record<MetricName, number>>;
  readonly timestampMs: number;
}

/**
 * One EMF document (a JSON line). Only metrics in PUBLISHED_METRICS are declared as metrics, each under the
 * dimension sets the catalogue gives it (a set is skipped when the line lacks one of its dimensions, e.g. a
 * stream record whose tenant is unknown); every other value is a plain property of the log line. Zero values are
 * kept: an alarm needs a datapoint to see "0 errors".
 */
export function emfLine(metric: MetricLine): string {
  const directives = new Map<string, { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: "Count" }[] }>();
  for (const name of Object.keys(metric.values)) {
    if (!isPublishedMetric(name)) continue;
    const sets = PUBLISHED_METRICS[name].filter((set) => set.every((dimension) => metric.dimensions[dimension] !== undefined)).map((set) => [...set]);
    if (sets.length === 0) continue;
    const key = JSON.stringify(sets);
    const directive = directives.get(key) ?? { Namespace: metric.namespace, Dimensions: sets, Metrics: [] };
    directive.Metrics.push({ Name: name, Unit: "Count" });
    directives.set(key, directive);
  }
  const document: Record<string, unknown> = {
    _aws: { Timestamp: metric.timestampMs, CloudWatchMetrics: [...directives.values()] },
    ...metric.dimensions,
    ...metric.values,
  };
  return JSON.stringify(document);
}

export type MetricSink = (line: string) => void;

/** Lambda forwards stdout lines to CloudWatch Logs; EMF must be its own line, outside a log line's JSON. */
export const stdoutMetricSink: MetricSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export function metricsNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return env.METRICS_NAMESPACE || "Webhooks";
}
