/** In-invocation retries of failed PutRecords entries; the event source retries the rest. */
export const STREAM_RETRY = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 2_000 } as const;
