// What an ingest function answers when its environment cannot be composed (a broken deployment): it fails
// closed, every request a 500 with an alarm log line and an IngestMisconfigured metric. The tenant's ingest-down
// alarm watches AWS/Lambda Url5xxCount, which counts these 500s as it counts crashes and timeouts; the metric
// says on the dashboard which of those it is.
import { ENV } from "./env";
import type { IngestResponse } from "./ingestHandler";
import { emfLine, metricsNamespace, type Logger, type MetricSink } from "./observability";

export function misconfiguredIngest(error: unknown, env: NodeJS.ProcessEnv, logger: Logger, metrics: MetricSink, now: () => number = Date.now) {
  const reason = error instanceof Error ? error.message : String(error);
  // The tenant id may be the very thing missing; the function's name still tells on-call which one it is.
  const tenant = env[ENV.tenant] || env.AWS_LAMBDA_FUNCTION_NAME || "unknown";
  return async (): Promise<IngestResponse> => {
    logger.error({ alarm: "IngestMisconfigured", tenant, reason }, "ingest function is misconfigured");
    metrics(emfLine({ namespace: metricsNamespace(env), dimensions: { Tenant: tenant }, values: { Received: 1, IngestMisconfigured: 1 }, timestampMs: now() }));
    return { statusCode: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: "misconfigured", message: "endpoint misconfigured" }) };
  };
}
