// SQS reads shared by the commands. SQS has no "peek": a message is read by receiving it, which hides it for
// the visibility timeout; the commands that only look give it back at once (ChangeMessageVisibility 0).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
import {
  ChangeMessageVisibilityBatchCommand,
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

/** Messages in a row that arrived after the start before a pass ends: three full receives' worth. */
const STALE_LIMIT = 30;

/**
 * One run's pass over a queue: each message that was in it when the run began, handed out once. Without it a
 * command that receives "until the queue is empty" can meet its own work again: a replayed batch that fails
 * again comes back as a new message after Lambda's retries (~3 minutes), and a message held past its hold is
 * visible again, so a long run could cycle for as long as the cause lasts. Messages SQS sent after the run began
 * and messages already received in this run are held until the run ends and then given back at once, for the
 * next run. Bounded without a depth count, which SQS only approximates.
 *
 * "When the run began" is on SQS's clock, which stamps `SentTimestamp`: this machine's time plus the SDK's clock
 * offset, which this SDK sets from each response's Date header (1 s resolution), so a laptop whose clock is off
 * neither defers a backlog nor replays its own re-failures. The pass ends when a receive finds nothing, or after
 * STALE_LIMIT messages in a row that arrived after the start (a burst ahead of older ones): then `endedEarly`
 * says so, and the caller says how many are still visible.
 */
export class QueuePass {
  /** Messages to give back when the run ends (the caller adds what it keeps, and removes what it deleted). */
  readonly held: Message[] = [];
  /** Messages sent after the run began: left in the queue for the next run. */
  arrivedDuringRun = 0;
  /** True when the pass stopped on STALE_LIMIT rather than on an empty receive: older messages may remain. */
  endedEarly = false;
  /** SQS's clock minus this machine's, ms, as the SDK measured it (0 before the first response). */
  clockOffsetMs = 0;
  private readonly seen = new Set<string>();
  /** The start on SQS's clock: set at the first response, once the SDK has measured its offset. */
  private startedAtMs: number | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly holdSeconds: number,
  ) {}

  /** Up to `max` (1-10) messages of the pass; none when it is over. */
  async next(max: number): Promise<Message[]> {
    for (let arrivedInARow = 0; arrivedInARow < STALE_LIMIT; ) {
      const batch = await receiveBatch(this.sqs, this.queueUrl, max, this.holdSeconds);
      if (this.startedAtMs === undefined) {
        this.clockOffsetMs = (this.sqs as { config?: { systemClockOffset?: number } }).config?.systemClockOffset ?? 0;
        this.startedAtMs = Date.now() + this.clockOffsetMs;
      }
      if (batch.length === 0) return [];
      const fresh: Message[] = [];
      for (const message of batch) {
        const id = identityOf(message);
        const sentAt = Number(message.Attributes?.SentTimestamp);
        if (this.seen.has(id)) {
          // Visible again after its hold: hidden again by this receive, and given back at the end.
          this.held.push(message);
        } else if (Number.isFinite(sentAt) && sentAt > this.startedAtMs) {
          this.seen.add(id);
          this.arrivedDuringRun += 1;
          arrivedInARow += 1;
          this.held.push(message);
        } else {
          this.seen.add(id);
          fresh.push(message);
        }
      }
      if (fresh.length > 0) return fresh;
    }
    this.endedEarly = true;
    return [];
  }

  /** Gives back every held message (visible again at once), each once, by its latest receipt; a failure is ignored: a hold also ends by itself. */
  async giveBack(): Promise<void> {
    const latest = new Map<string, Message>();
    for (const message of this.held) latest.set(identityOf(message), message);
    this.held.length = 0;
    await release(this.sqs, this.queueUrl, [...latest.values()]).catch(() => undefined);
  }
}

/** A message's identity across receives (its receipt handle changes with each). */
const identityOf = (message: Message): string => message.MessageId ?? message.ReceiptHandle ?? "";

/**
 * What an operator needs to hear about a pass once it is over: a clock this far off, and a pass that ended before
 * the queue did (with how many are still visible). `incomplete` is true for the latter (the command exits 1).
 */
export async function passNotes(sqs: SQSClient, queueUrl: string, pass: QueuePass): Promise<{ notes: string[]; incomplete: boolean }> {
  const notes: string[] = [];
  if (Math.abs(pass.clockOffsetMs) > 30_000) notes.push(`this machine's clock is ${Math.round(pass.clockOffsetMs / 1000)} s off SQS's; the pass used SQS's time`);
  if (!pass.endedEarly) return { notes, incomplete: false };
  const { visible } = await queueDepth(sqs, queueUrl);
  notes.push(`the pass ended on ${pass.arrivedDuringRun} record(s) that arrived during the run, ahead of older ones; ~${visible} still visible: run again`);
  return { notes, incomplete: true };
}
