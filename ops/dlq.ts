// `ops dlq --tenant acme [--peek N]`: the tenant's DLQ depth, its oldest message's age, and the first N
// messages (event id, receive count, first received, size), given back to the queue at once.
import { decodeEnvelope } from "../handlers/core/envelope";
import { positiveInteger, requireTenant, UsageError } from "./args";
import type { Command } from "./command";
import { table } from "./output";
import { queueDepth, receiveBatch, release } from "./queues";
import type { Message } from "@aws-sdk/client-sqs";

const DEFAULT_PEEK = 10;
/** Long enough to read every peeked message once, short enough that a worker or a redrive is barely delayed. */
const PEEK_HOLD_SECONDS = 30;

export interface PeekedMessage {
  readonly messageId: string;
  readonly eventId: string | null;
  /** Why the body is not an envelope the worker takes (the usual reason it is here), when it is not. */
  readonly malformed?: string;
  readonly receiveCount: number;
  readonly firstReceived: string | null;
  readonly sentAt: string | null;
  readonly size: number;
}

export function describeMessage(message: Message): PeekedMessage {
  const body = message.Body ?? "";
  let eventId: string | null = null;
  let malformed: string | undefined;
  try {
    eventId = decodeEnvelope(body).eventId;
  } catch (error) {
    malformed = (error as Error).message;
    // A body that is JSON with an id still says which event it was.
    try {
      const id = (JSON.parse(body) as { eventId?: unknown }).eventId;
      if (typeof id === "string") eventId = id;
    } catch {
      // not JSON
    }
  }
  const time = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    eventId,
    ...(malformed ? { malformed } : {}),
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    firstReceived: time(attributes.ApproximateFirstReceiveTimestamp),
    sentAt: time(attributes.SentTimestamp),
    size: Buffer.byteLength(body, "utf8"),
  };
}

export const dlqCommand: Command = {
  name: "dlq",
  summary: "a tenant's DLQ: depth, oldest age, the first N messages (not consumed)",
  help: `usage: npm run ops -- dlq --tenant <id> [--peek N] [--json] (--stack <s> | --local)

Depth of the tenant's dead-letter queue, the age of its oldest message, and the first N messages (default
${DEFAULT_PEEK}): event id, receive count, first received, size, and why the body is not an envelope when it is not.
Messages are received to be read and made visible again at once (SQS has no peek), so nothing is consumed; the
receive count shown includes this read. The oldest age is over the messages read (all of them when depth <= N).
--json prints {depth, oldestAgeSeconds, messages: [{eventId, receiveCount, size, ...}]}.`,
  options: { tenant: { type: "string" }, peek: { type: "string" } },
  positionals: 0,
  movesData: false,
  check(args) {
    if (typeof args.values.tenant !== "string") throw new UsageError("--tenant <id> is required");
    positiveInteger("--peek", args.values.peek, DEFAULT_PEEK);
  },
  async run({ target, args, io, report, json }) {
    const tenant = requireTenant(args.values, target.tenants);
    const peek = positiveInteger("--peek", args.values.peek, DEFAULT_PEEK)!;
    const dlqUrl = target.queues.tenants[tenant]!.dlq;
    const { sqs } = target.clients;
    const depth = await queueDepth(sqs, dlqUrl);
    const held: Message[] = [];
    try {
      while (held.length < Math.min(peek, depth.total)) {
        const batch = await receiveBatch(sqs, dlqUrl, peek - held.length, PEEK_HOLD_SECONDS);
        if (batch.length === 0) break;
        held.push(...batch);
        report.progress(`dlq ${tenant}: read ${held.length} of ${Math.min(peek, depth.total)}`);
      }
    } finally {
      await release(sqs, dlqUrl, held);
    }
    const messages = held.map(describeMessage);
    const sent = messages.map((message) => (message.sentAt ? Date.parse(message.sentAt) : NaN)).filter(Number.isFinite);
    const oldestAgeSeconds = sent.length > 0 ? Math.max(0, Math.round((io.now() - Math.min(...sent)) / 1000)) : null;
    if (json) report.json({ depth: depth.total, visible: depth.visible, inFlight: depth.inFlight, oldestAgeSeconds, messages });
    else if (messages.length > 0)
      report.out(table(["EVENT ID", "RECEIVES", "FIRST RECEIVED", "SIZE", "NOTE"], messages.map((m) => [m.eventId ?? "-", String(m.receiveCount), m.firstReceived ?? "-", String(m.size), m.malformed ?? ""])));
    report.summary(`dlq ${tenant}: depth ${depth.total}${depth.inFlight > 0 ? ` (${depth.inFlight} in flight)` : ""} · oldest ${oldestAgeSeconds === null ? "-" : `${oldestAgeSeconds} s`}${depth.total > messages.length ? " (of those read)" : ""} · showing ${messages.length}`);
    return 0;
  },
};
