// The worker shell: SQS batch in, partial batch response out. Also accepts an asynchronous replay of a batch
// (`{"replay": true, "Records": [...]}`), which has no batch response to report through: there a failed record
// makes the invocation fail, so the function's on-failure destination receives the batch.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
import type { SQSEvent } from "aws-lambda";
import { storeBatch, sqsBatchResponse, type BatchResponse, type EventStorePort, type WorkerSettings } from "./core/worker";
import { emfLine, type Logger, type MetricSink } from "./observability";
import type { RequestContextLike } from "./ingestHandler";

export interface WorkerDeps {
  readonly settings: WorkerSettings;
  readonly store: EventStorePort;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: MetricSink;
  readonly namespace: string;
}

export type WorkerEvent = Pick<SQSEvent, "Records"> & { readonly replay?: boolean };

export class ReplayBatchFailedError extends Error {
  constructor(readonly failedMessageIds: string[]) {
    super(`replayed batch: ${failedMessageIds.length} record(s) not stored: ${failedMessageIds.join(", ")}`);
    this.name = "ReplayBatchFailedError";
  }
}

export function makeWorkerHandler(deps: WorkerDeps) {
  return async function worker(event: WorkerEvent, context?: RequestContextLike): Promise<BatchResponse> {
    const log = deps.logger.child({ tenant: deps.settings.tenant, requestId: context?.awsRequestId });
    const records = (event.Records ?? []).map((record) => ({ messageId: record.messageId, body: record.body }));
    const outcomes = await storeBatch(records, deps.store, deps.settings);
    const counts = { Stored: 0, Duplicates: 0, Malformed: 0, StoreFailures: 0 };
    for (const outcome of outcomes) {
      const recordLog = log.child({ messageId: outcome.messageId, eventId: outcome.eventId });
      switch (outcome.result) {
        case "stored":
          counts.Stored += 1;
          break;
        case "duplicate":
          counts.Duplicates += 1;
          recordLog.info("duplicate delivery; already stored");
          break;
        case "malformed":
          counts.Malformed += 1;
          recordLog.error({ reason: outcome.error.message }, "malformed envelope; leaving it for the DLQ");
          break;
        case "failed":
          counts.StoreFailures += 1;
          recordLog.warn({ reason: outcome.error.message }, "store failed; record will be retried");
          break;
      }
    }
    deps.metrics(emfLine({ namespace: deps.namespace, dimensions: { Tenant: deps.settings.tenant }, values: counts, timestampMs: deps.now() }));
    log.info({ records: records.length, ...counts }, "batch processed");
    const response = sqsBatchResponse(outcomes);
    if (event.replay === true && response.batchItemFailures.length > 0) {
      throw new ReplayBatchFailedError(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    }
    return response;
  };
}
