// Typed domain errors: adapters turn SDK errors into these, so the shells decide on status codes and batch
// failures without knowing any SDK.

/** Why a request was refused; also the `Reason` metric dimension value. */
export type RejectReason =
  | "method_not_allowed"
  | "body_too_large"
  | "missing_header"
  | "malformed_header"
  | "bad_signature"
  | "timestamp_out_of_tolerance"
  | "malformed_body";

export class DomainError extends Error {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The tenant's secrets could not be loaded or are unusable: fail closed (500), never accept. */
export class SecretsUnavailableError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, false, options);
  }
}

/** SQS did not take the message: the sender must retry (503). */
export class EnqueueError extends DomainError {}

/** S3 did not store a large body (claim check): the sender must retry (503), nothing was enqueued. */
export class BodyStoreError extends DomainError {}

/** DynamoDB did not store the event (throttled, unavailable): the record goes back to the queue. */
export class StoreError extends DomainError {}

/** Kinesis refused the whole call (not a per-record failure). */
export class PublishError extends DomainError {
  /** The AWS error a whole PutRecords call failed with (its name, e.g. KMSThrottlingException), when known. */
  readonly code?: string;

  constructor(message: string, retryable: boolean, options?: { cause?: unknown; code?: string }) {
    super(message, retryable, options);
    if (options?.code !== undefined) this.code = options.code;
  }
}

/** An SQS message body that is not a valid envelope: never storable, so it must end in the DLQ. */
export class MalformedEnvelopeError extends DomainError {
  constructor(message: string) {
    super(message, false);
  }
}

/** Deployment configuration (environment, stack config) is invalid. */
export class ConfigError extends DomainError {
  constructor(message: string) {
    super(message, false);
  }
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
