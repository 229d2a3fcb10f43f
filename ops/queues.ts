// SQS reads shared by the commands. SQS has no "peek": a message is read by receiving it, which hides it for
// the visibility timeout; the commands that only look give it back at once (ChangeMessageVisibility 0).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface Depth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly total: number;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<Depth> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] }),
  );
  const attributes = result.Attributes ?? {};
  const visible = Number(attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  const delayed = Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible, inFlight, delayed, total: visible + inFlight + delayed };
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  const arn = result.Attributes?.QueueArn;
  if (!arn) throw new Error(`no QueueArn for ${queueUrl}`);
  return arn;
}

/**
 * Up to 10 messages, hidden for `holdSeconds` while the caller works on them. A 1 s wait (long polling) asks
 * every SQS server rather than a sample, so an empty answer means the queue has nothing visible.
 */
export async function receiveBatch(sqs: SQSClient, queueUrl: string, max: number, holdSeconds: number): Promise<Message[]> {
  const result = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
      VisibilityTimeout: holdSeconds,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
      // The older name of the same parameter, which some SQS emulators still read (AWS accepts both).
      AttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  return result.Messages ?? [];
}

/** Makes held messages visible again at once (nothing consumed). */
export async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
}

/**
 * One run's pass over a queue: each message that was in it when the run began, handed out once. Without it a
 * command that receives "until the queue is empty" can meet its own work again: a replayed batch that fails
 * again comes back as a new message after Lambda's retries (~3 minutes), and a message held past its hold is
 * visible again, so a long run could cycle for as long as the cause lasts. Messages SQS sent after the run began
 * (`SentTimestamp`, SQS's clock, against this machine's: a skew of a few seconds only moves which run takes a
 * message sent at the edge) and messages already received in this run are held until the run ends and then
 * given back at once, for the next run. Bounded without a depth count, which SQS only approximates.
 */
export class QueuePass {
  /** Messages to give back when the run ends (the caller adds what it keeps, and removes what it deleted). */
  readonly held: Message[] = [];
  /** Messages sent after the run began: left in the queue for the next run. */
  arrivedDuringRun = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly holdSeconds: number,
    private readonly startedAtMs: number,
  ) {}

  /** Up to `max` (1-10) messages of the pass; none when it is over. */
  async next(max: number): Promise<Message[]> {
    // A few batches of nothing new are read past (held, so the next receive sees other messages); then the pass ends.
    for (let stale = 0; stale < 3; stale++) {
      const batch = await receiveBatch(this.sqs, this.queueUrl, max, this.holdSeconds);
      if (batch.length === 0) return [];
      const fresh: Message[] = [];
      for (const message of batch) {
        const id = message.MessageId ?? message.ReceiptHandle ?? "";
        const sentAt = Number(message.Attributes?.SentTimestamp);
        if (this.seen.has(id)) {
          this.held.push(message);
        } else if (Number.isFinite(sentAt) && sentAt > this.startedAtMs) {
          this.seen.add(id);
          this.arrivedDuringRun += 1;
          this.held.push(message);
        } else {
          this.seen.add(id);
          fresh.push(message);
        }
      }
      if (fresh.length > 0) return fresh;
    }
    return [];
  }

  /** Gives back every held message (visible again at once); errors are ignored: a hold also ends by itself. */
  async giveBack(): Promise<void> {
    for (const message of this.held) {
      await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })).catch(() => undefined);
    }
    this.held.length = 0;
  }
}
