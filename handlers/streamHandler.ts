// The stream consumer shell: DynamoDB stream batch in (INSERTs only), analytics records to Kinesis, and the
// sequence numbers of what could not be published reported back so the event source retries from there.
// https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
import type { DynamoDBStreamEvent } from "aws-lambda";
import { analyticsRecordOf, kinesisEntryOf, malformedImageReason, publishWithRetry, type KinesisEntry, type KinesisPort, type RetryPolicy, type StreamAttribute } from "./core/analytics";
import { tenantNamedBy } from "./core/eventItem";
import { TENANT_ID_PATTERN } from "./core/eventTable";
import type { BatchResponse } from "./core/worker";
import { emfLine, type Logger, type MetricSink } from "./observability";

export interface StreamDeps {
  readonly kinesis: KinesisPort;
  readonly retry: Omit<RetryPolicy, "hasTimeFor">;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: MetricSink;
  readonly namespace: string;
}

export interface StreamContextLike {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/** Time kept back for reporting after the last retry. */
const SAFETY_MARGIN_MS = 2_000;

interface Ref {
  readonly sequenceNumber: string;
  readonly tenant: string;
}

export function makeStreamHandler(deps: StreamDeps) {
  return async function stream(event: Pick<DynamoDBStreamEvent, "Records">, context?: StreamContextLike): Promise<BatchResponse> {
    const log = deps.logger.child({ requestId: context?.awsRequestId });
    const entries: KinesisEntry<Ref>[] = [];
    /** Dropped images per tenant ("" when the image names no tenant). */
    const malformed = new Map<string, number>();
    for (const record of event.Records ?? []) {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (record.eventName !== "INSERT" || !sequenceNumber) continue;
      const image = record.dynamodb?.NewImage as Record<string, StreamAttribute> | undefined;
      const analytics = analyticsRecordOf(image);
      if (!analytics) {
        // Not an event item: retrying cannot fix it, and blocking the shard would stall every tenant. Counted
        // (alarm malformed-stream-records) under the tenant the image names, when it names one.
        // Only a well-formed tenant id becomes a dimension: a foreign writer's arbitrary string would create billed
        // series, or make CloudWatch reject the line (and the total the alarm reads).
        const named = tenantNamedBy(image ?? {});
        const tenant = TENANT_ID_PATTERN.test(named) ? named : "";
        malformed.set(tenant, (malformed.get(tenant) ?? 0) + 1);
        log.error({ sequenceNumber, tenant: tenant || undefined, reason: malformedImageReason(image) }, "stream image is not an event item; skipped");
        continue;
      }
      entries.push(kinesisEntryOf(analytics, { sequenceNumber, tenant: analytics.tenant }));
    }
    const hasTimeFor = context?.getRemainingTimeInMillis
      ? (delayMs: number) => context.getRemainingTimeInMillis!() - delayMs > SAFETY_MARGIN_MS
      : undefined;
    const result = await publishWithRetry(entries, deps.kinesis, { ...deps.retry, hasTimeFor });

    const perTenant = new Map<string, { Published: number; PublishFailures: number }>();
    const failedRefs = new Set(result.failed.map((entry) => entry.ref));
    for (const entry of entries) {
      const counts = perTenant.get(entry.ref.tenant) ?? { Published: 0, PublishFailures: 0 };
      if (failedRefs.has(entry.ref)) counts.PublishFailures += 1;
      else counts.Published += 1;
      perTenant.set(entry.ref.tenant, counts);
    }
    for (const [tenant, counts] of perTenant) {
      deps.metrics(emfLine({ namespace: deps.namespace, dimensions: { Tenant: tenant }, values: counts, timestampMs: deps.now() }));
    }
    for (const [tenant, count] of malformed) {
      deps.metrics(emfLine({ namespace: deps.namespace, dimensions: tenant ? { Tenant: tenant } : {}, values: { MalformedStreamRecords: count }, timestampMs: deps.now() }));
    }
    if (result.failed.length > 0) {
      log.warn(
        { failed: result.failed.length, attempts: result.attempts, errorCodes: result.errorCodes, callErrors: result.callErrors.map((error) => (error as Error).message) },
        "some analytics records not published; reporting them for retry",
      );
    }
    log.info({ records: entries.length, published: result.published, attempts: result.attempts }, "stream batch processed");
    return { batchItemFailures: result.failed.map((entry) => ({ itemIdentifier: entry.ref.sequenceNumber })) };
  };
}
