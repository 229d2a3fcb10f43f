// The worker's batch logic, pure over an EventStore port: decode each record, one conditional write, and an
// outcome per record. A duplicate is a success (the event is already stored exactly once).
import { decodeEnvelope } from "./envelope";
import { MalformedEnvelopeError } from "./errors";
import { eventItemFrom, type EventItem } from "./eventItem";

export interface EventStorePort {
  /** Writes the item unless its key exists. Throws StoreError when the write itself failed. */
  putIfAbsent(item: EventItem): Promise<"stored" | "duplicate">;
}

export interface QueueRecord {
  readonly messageId: string;
  readonly body: string;
}

export type RecordOutcome =
  | { readonly messageId: string; readonly result: "stored" | "duplicate"; readonly eventId: string }
  | { readonly messageId: string; readonly result: "malformed" | "failed"; readonly error: Error; readonly eventId?: string };

export interface WorkerSettings {
  readonly tenant: string;
  readonly retentionDays: number;
}

export async function storeRecord(record: QueueRecord, store: EventStorePort, settings: WorkerSettings): Promise<RecordOutcome> {
  let item: EventItem;
  try {
    const envelope = decodeEnvelope(record.body);
    if (envelope.tenant !== settings.tenant) {
      throw new MalformedEnvelopeError(`envelope for tenant '${envelope.tenant}' reached tenant '${settings.tenant}'s worker`);
    }
    item = eventItemFrom(envelope, settings.retentionDays);
  } catch (error) {
    return { messageId: record.messageId, result: "malformed", error: error instanceof Error ? error : new Error(String(error)) };
  }
  try {
    const result = await store.putIfAbsent(item);
    return { messageId: record.messageId, result, eventId: item.eventId };
  } catch (error) {
    return { messageId: record.messageId, result: "failed", eventId: item.eventId, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Every record concurrently (a batch is at most a few records); never rejects. */
export function storeBatch(records: readonly QueueRecord[], store: EventStorePort, settings: WorkerSettings): Promise<RecordOutcome[]> {
  return Promise.all(records.map((record) => storeRecord(record, store, settings)));
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * The partial batch response: the ids of exactly the records that were not stored. Malformed ones are listed
 * too, so SQS redelivers them until maxReceiveCount moves them to the DLQ, where nothing is lost.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
export function sqsBatchResponse(outcomes: readonly RecordOutcome[]): BatchResponse {
  return {
    batchItemFailures: outcomes
      .filter((outcome) => outcome.result === "malformed" || outcome.result === "failed")
      .map((outcome) => ({ itemIdentifier: outcome.messageId })),
  };
}
