// The ingest shell: function URL event in, response out. All decisions are in core/ingest; this file only
// loads secrets, enqueues, logs and emits metrics. Built as a factory so a local runner hosts many tenants.
import type { LambdaFunctionURLEvent } from "aws-lambda";
import type { BodyStorePort } from "./adapters/s3";
import type { EventQueuePort } from "./adapters/sqs";
import { EnqueueError, errorName } from "./core/errors";
import { normalizeHeaders } from "./core/headers";
import { evaluateIngest, type IngestSettings } from "./core/ingest";
import type { Verifier } from "./core/verify/types";
import { emfLine, type Logger, type MetricLine, type MetricSink } from "./observability";

export interface IngestDeps {
  readonly settings: IngestSettings;
  readonly verifier: Verifier;
  /** Prepared keys for the verifier, cached and refreshed by the caller's policy. */
  readonly keys: { get(nowMs: number): Promise<unknown> };
  readonly queue: EventQueuePort;
  /** The bodies bucket, for bodies over the inline threshold; required when settings.bodyBucket is set. */
  readonly bodies?: BodyStorePort;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: MetricSink;
  readonly namespace: string;
}

/** Seconds a sender should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** The structured function URL response (never the bare-string form). */
export interface IngestResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface RequestContextLike {
  readonly awsRequestId?: string;
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): IngestResponse {
  return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/**
 * The URL as the sender addressed it (Twilio signs it). Function URLs are https only, so the scheme is never read
 * from a request header (x-forwarded-proto is whatever the client sent); `publicBaseUrl` replaces
 * `https://<function URL domain>` when senders address a custom domain in front of the function URL, and the
 * local pipeline sets it to its own http://127.0.0.1:<port>.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
export function requestUrl(event: LambdaFunctionURLEvent, publicBaseUrl?: string): string {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
  const base = publicBaseUrl ?? `https://${event.requestContext.domainName}`;
  return `${base}${event.rawPath ?? "/"}${query}`;
}

export function makeIngestHandler(deps: IngestDeps) {
  const { settings, logger } = deps;
  const emit = (values: MetricLine["values"], extra: Partial<MetricLine> = {}) =>
    deps.metrics(emfLine({ namespace: deps.namespace, dimensions: { Tenant: settings.tenant }, values, timestampMs: deps.now(), ...extra }));

  return async function ingest(event: LambdaFunctionURLEvent, context?: RequestContextLike): Promise<IngestResponse> {
    const nowMs = deps.now();
    const log = logger.child({ tenant: settings.tenant, requestId: context?.awsRequestId ?? event.requestContext?.requestId });
    const headers = normalizeHeaders(event.headers);

    let keys: unknown;
    try {
      keys = await deps.keys.get(nowMs);
    } catch (error) {
      // Fail closed: without keys nothing can be verified, and nothing is accepted.
      log.error({ alarm: "SecretsUnavailable", err: { name: errorName(error), message: (error as Error).message } }, "tenant secrets unavailable; refusing request");
      emit({ Received: 1, SecretsUnavailable: 1 });
      return json(500, { error: "secrets_unavailable", message: "the endpoint cannot verify signatures right now" });
    }

    const outcome = evaluateIngest(
      { method: event.requestContext?.http?.method ?? "", headers, body: event.body, isBase64Encoded: event.isBase64Encoded === true, url: requestUrl(event, settings.publicBaseUrl) },
      settings,
      deps.verifier,
      keys,
      nowMs,
    );

    if (outcome.kind === "rejected") {
      log.info({ status: outcome.status, reason: outcome.reason }, "request rejected");
      const signature = outcome.reason === "bad_signature" || outcome.reason === "timestamp_out_of_tolerance" ? 1 : 0;
      emit(
        { Received: 1, Rejected: 1, SignatureFailures: signature },
        // Reason stays a property of the line (Logs Insights can group by it), not a billed dimension.
        { dimensions: { Tenant: settings.tenant, Reason: outcome.reason } },
      );
      const extra: Record<string, string> = outcome.status === 405 ? { allow: "POST" } : {};
      return json(outcome.status, { error: outcome.reason, message: outcome.message }, extra);
    }
    if (outcome.kind === "handshake") {
      log.info({ eventId: outcome.eventId }, "handshake answered");
      emit({ Received: 1, Handshakes: 1 });
      return { statusCode: 200, headers: { "content-type": outcome.contentType }, body: outcome.body };
    }

    const eventLog = log.child({ eventId: outcome.envelope.eventId });
    const size = outcome.offload?.pointer.size ?? outcome.envelope.body.length;
    if (outcome.offload) {
      // The body first, then the message: a message never points at nothing. When the put fails nothing is
      // enqueued and the sender retries (503), which puts the same key again.
      try {
        if (!deps.bodies) throw new Error("no body store configured");
        await deps.bodies.put(outcome.offload.pointer, outcome.offload.body);
      } catch (error) {
        eventLog.error({ alarm: "BodyStoreFailed", reason: (error as Error).message, size }, "could not store the body; asking the sender to retry");
        emit({ Received: 1, BodyStoreFailures: 1 });
        return json(503, { error: "body_store_failed", message: "temporarily unable to accept; retry later" }, { "retry-after": String(RETRY_AFTER_SECONDS) });
      }
    }
    try {
      const { messageId } = await deps.queue.send(outcome.message);
      eventLog.info({ messageId, size, ...(outcome.offload ? { bodyKey: outcome.offload.pointer.key } : {}) }, "event accepted");
      emit({ Received: 1, Accepted: 1 });
      return json(202, { eventId: outcome.envelope.eventId });
    } catch (error) {
      const reason = error instanceof EnqueueError ? error.message : errorName(error);
      eventLog.error({ alarm: "EnqueueFailed", reason }, "could not enqueue; asking the sender to retry");
      emit({ Received: 1, EnqueueFailures: 1 });
      return json(503, { error: "enqueue_failed", message: "temporarily unable to accept; retry later" }, { "retry-after": String(RETRY_AFTER_SECONDS) });
    }
  };
}
