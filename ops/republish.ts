// `ops republish --since ... [--until ...] [--tenant id]`: re-sends stored events to the analytics stream.
// `ops republish --from-failures`: reads the analytics failure queue, whose messages are Lambda's on-failure
// records of stream batches the consumer gave up on (DDBStreamBatchInfo: shard, first and last sequence number,
// arrival times), republishes exactly those records from the table's stream while it still holds them (24 h),
// else the events stored in that time window from the table, and deletes each failure record only after its
// events are published.
// https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html (DDBStreamBatchInfo)
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
// Records are built and keyed exactly as the stream consumer builds them (handlers/core/analytics.ts: same JSON,
// partition key <tenant>:<eventId>), so consumers that dedupe by eventId see a republished event once.
import { setTimeout as sleep } from "node:timers/promises";
import { DeleteMessageCommand } from "@aws-sdk/client-sqs";
import { GetRecordsCommand, GetShardIteratorCommand, type _Record } from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { kinesisEntryOf, publishWithRetry, type AnalyticsRecord } from "../handlers/core/analytics";
import { KinesisPublisher } from "../handlers/adapters/kinesis";
import { STREAM_RETRY } from "../handlers/retry";
import { OpsError, parseTime, parseWindow, positiveInteger, requireTenant, UsageError } from "./args";
import type { Command, CommandContext } from "./command";
import { analyticsRecordOfItem, eachEventPage, getItems } from "./eventsTable";
import { passNotes, QueuePass } from "./queues";

/** Failure records are held this long while their events are read and published. */
const HOLD_SECONDS = 300;
const DEFAULT_LOOKBACK = "1h";

/** What Lambda writes to a stream mapping's on-failure destination (the fields used here). */
export interface StreamBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** A failure record can be no older than the failure queue keeps messages (14 days), plus a margin. */
const MAX_RECORD_AGE_MS = 15 * 24 * 3600_000;
/** One stream batch spans at most the stream's 24-hour retention. */
const MAX_BATCH_SPAN_MS = 24 * 3600_000;
/** A stream event source mapping's largest batch. https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html */
const MAX_BATCH_SIZE = 10_000;

/**
 * A failure record Lambda could have written for this stack's table, or undefined (left for a person to read).
 * Everything in it decides what gets read and republished, so a damaged or crafted record must not widen that:
 * the stream must be one of `table`'s, the arrival times real, recent and at most a day apart, the batch size a
 * mapping's. https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
export function batchInfoOf(body: string | undefined, table: string, nowMs: number): StreamBatchInfo | undefined {
  try {
    const info = (JSON.parse(body ?? "") as { DDBStreamBatchInfo?: Partial<StreamBatchInfo> }).DDBStreamBatchInfo;
    if (!info) return undefined;
    const strings = ["shardId", "startSequenceNumber", "endSequenceNumber", "approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord", "streamArn"] as const;
    if (!strings.every((key) => typeof info[key] === "string" && info[key] !== "")) return undefined;
    if (!/^\d+$/.test(info.startSequenceNumber!) || !/^\d+$/.test(info.endSequenceNumber!)) return undefined;
    if (BigInt(info.endSequenceNumber!) < BigInt(info.startSequenceNumber!)) return undefined;
    if (!info.streamArn!.includes(`:table/${table}/stream/`)) return undefined;
    if (typeof info.batchSize !== "number" || !Number.isInteger(info.batchSize) || info.batchSize < 1 || info.batchSize > MAX_BATCH_SIZE) return undefined;
    const first = Date.parse(info.approximateArrivalOfFirstRecord!);
    const last = Date.parse(info.approximateArrivalOfLastRecord!);
    if (!Number.isFinite(first) || !Number.isFinite(last) || last < first || last - first > MAX_BATCH_SPAN_MS) return undefined;
    if (first < nowMs - MAX_RECORD_AGE_MS || last > nowMs + 3600_000) return undefined;
    return info as StreamBatchInfo;
  } catch {
    return undefined;
  }
}

interface Tally {
  republished: number;
  skipped: number;
}

/** Publishes records (deduplicated by tenant and event id); throws when some could not be published. */
async function publish(context: CommandContext, records: readonly AnalyticsRecord[]): Promise<number> {
  const unique = [...new Map(records.map((record) => [`${record.tenant}#${record.eventId}`, record])).values()];
  if (unique.length === 0 || context.dryRun) return unique.length;
  const entries = unique.map((record) => kinesisEntryOf(record, record.eventId));
  const result = await publishWithRetry(entries, new KinesisPublisher(context.target.clients.kinesis, context.target.analyticsStream), {
    ...STREAM_RETRY,
    maxAttempts: 8,
    sleep: (ms) => sleep(ms).then(() => undefined),
    random: Math.random,
  });
  if (result.failed.length > 0) {
    const codes = Object.entries(result.errorCodes).map(([code, count]) => `${code} x${count}`).join(", ");
    const reason = result.callErrors.length > 0 ? `; last call error: ${(result.callErrors[result.callErrors.length - 1] as Error).message}` : "";
    throw new OpsError(`${result.failed.length} of ${entries.length} record(s) not accepted by Kinesis after ${result.attempts} attempts (${codes})${reason}`);
  }
  return result.published;
}

/** Every stored event of the tenants in the window, published page by page; the events it held, `<tenant>#<eventId>`. */
async function republishWindow(context: CommandContext, tenants: readonly string[], since: Date, until: Date, tally: Tally, label: string): Promise<Set<string>> {
  const { target, report } = context;
  const events = new Set<string>();
  for (const tenant of tenants) {
    for await (const page of eachEventPage(target.clients.dynamodb, target.eventsTable, tenant, since, until)) {
      const items = await getItems(target.clients.dynamodb, target.eventsTable, tenant, page.map((row) => row.eventId));
      const records = items.map(analyticsRecordOfItem);
      const good = records.filter((record): record is AnalyticsRecord => record !== undefined);
      // Expired (TTL) between the index read and the get, or not an event item: nothing to publish.
      tally.skipped += page.length - good.length;
      tally.republished += await publish(context, good);
      for (const row of page) events.add(`${tenant}#${row.eventId}`);
      report.progress(`${label}: ${context.dryRun ? "would republish" : "republished"} ${tally.republished} · skipped ${tally.skipped} (tenant ${tenant})`);
    }
  }
  return events;
}

/**
 * The INSERT images of the batch's sequence range from the table's stream; `complete` when the range was read
 * to its end sequence number. Undefined when the stream no longer serves it (trimmed after 24 h, shard or stream
 * gone): the caller falls back to the table.
 */
async function readStreamRange(context: CommandContext, info: StreamBatchInfo): Promise<{ images: Record<string, AttributeValue>[]; complete: boolean } | undefined> {
  const { streams } = context.target.clients;
  const start = BigInt(info.startSequenceNumber);
  const end = BigInt(info.endSequenceNumber);
  let iterator: string | undefined;
  try {
    iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: info.streamArn, ShardId: info.shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: info.startSequenceNumber }))).ShardIterator;
  } catch (error) {
    const name = (error as Error).name;
    if (["TrimmedDataAccessException", "ResourceNotFoundException", "ValidationException"].includes(name)) return undefined;
    throw error;
  }
  const images: Record<string, AttributeValue>[] = [];
  let emptyPages = 0;
  while (iterator) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records: _Record[] = page.Records ?? [];
    for (const record of records) {
      const sequence = BigInt(record.dynamodb?.SequenceNumber ?? "0");
      if (sequence > end) return { images, complete: true };
      // The mapping's filter passes INSERTs only (components/settings.ts STREAM_CONSUMER.filterPattern).
      if (sequence >= start && record.eventName === "INSERT" && record.dynamodb?.NewImage) images.push(record.dynamodb.NewImage as Record<string, AttributeValue>);
      if (sequence === end) return { images, complete: true };
    }
    // An open shard may answer empty pages before the next records; the range's records exist, so a few are read.
    emptyPages = records.length === 0 ? emptyPages + 1 : 0;
    if (emptyPages >= 10) break;
    iterator = page.NextShardIterator;
  }
  return { images, complete: false };
}

interface FailureRun {
  records: number;
  unrecognised: number;
  /** Records kept because the table's window held fewer events than their batch (see below). */
  kept: number;
  /** Records that arrived during the run, left for the next. */
  arrivedDuringRun: number;
  /** The pass ended before the queue did (see passNotes). */
  incomplete: boolean;
}

async function fromFailures(context: CommandContext, tally: Tally, lookbackMs: number, maxRecords: number | undefined): Promise<FailureRun> {
  const { target, report, dryRun } = context;
  const { sqs } = target.clients;
  const queueUrl = target.queues.analyticsFailures;
  // One pass over the records there at the start: while the consumer still fails, new records keep coming (and
  // republishing adds load to the same stream), so "until the queue is empty" might not end (see QueuePass).
  const pass = new QueuePass(sqs, queueUrl, HOLD_SECONDS);
  const held = pass.held;
  const run: FailureRun = { records: 0, unrecognised: 0, kept: 0, arrivedDuringRun: 0, incomplete: false };
  try {
    for (;;) {
      if (maxRecords !== undefined && run.records >= maxRecords) break;
      const batch = await pass.next(maxRecords === undefined ? 10 : maxRecords - run.records);
      if (batch.length === 0) break;
      for (const message of batch) {
        const info = batchInfoOf(message.Body, target.eventsTable, Date.now());
        if (!info) {
          // Not a stream batch record: left for a person to read (given back below).
          run.unrecognised += 1;
          held.push(message);
          continue;
        }
        run.records += 1;
        held.push(message); // given back if anything below fails
        const fromStream = await readStreamRange(context, info);
        const images = fromStream?.images ?? [];
        const good = images.map((image) => analyticsRecordOfItem(image)).filter((record): record is AnalyticsRecord => record !== undefined);
        tally.skipped += images.length - good.length;
        tally.republished += await publish(context, good);
        const covered = fromStream?.complete === true && images.length >= info.batchSize;
        if (!covered) {
          // The stream no longer holds (all of) the range: the table by time. An event's receivedAt (ingest)
          // precedes its stream arrival by its time in the queue, hence the lookback before the first arrival.
          const since = new Date(Date.parse(info.approximateArrivalOfFirstRecord) - lookbackMs);
          const until = new Date(Date.parse(info.approximateArrivalOfLastRecord) + 1_000);
          const name = `failure record ${info.shardId} ${info.startSequenceNumber}..${info.endSequenceNumber}`;
          report.note(`${name}: ${fromStream ? "only partly" : "no longer"} in the stream; republishing events stored ${since.toISOString()}..${until.toISOString()} from the table`);
          const found = await republishWindow(context, target.tenants, since, until, tally, "republish --from-failures");
          // The window is by receivedAt, so it misses an event of the batch that waited in SQS longer than the
          // lookback (a worker outage, or a DLQ redrive days later). Which events the batch held is gone with the
          // stream, so coverage cannot be proven: the window holds every tenant's events. Fewer distinct events in
          // the stream's part and the window together than in the batch proves a miss; such a record is kept, not
          // deleted, for a run with a longer --lookback.
          for (const record of good) found.add(`${record.tenant}#${record.eventId}`);
          if (found.size < info.batchSize) {
            report.note(`${name}: the batch held ${info.batchSize} event(s) but the stream and the window only ${found.size}; record kept: run again with a longer --lookback (at least the longest time its events waited in the queue, DLQ included)`);
            run.kept += 1;
            continue;
          }
        }
        if (!dryRun) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
          held.pop();
        }
        report.progress(`republish --from-failures: ${run.records} failure record(s) · ${dryRun ? "would republish" : "republished"} ${tally.republished}`);
      }
    }
  } finally {
    // Whatever was not deleted (dry run, unrecognised, kept, or an error mid-way) is visible again for the next run.
    run.arrivedDuringRun = pass.arrivedDuringRun;
    await pass.giveBack();
  }
  const { notes, incomplete } = await passNotes(sqs, queueUrl, pass);
  for (const note of notes) report.note(`republish --from-failures: ${note}`);
  run.incomplete = incomplete;
  return run;
}

export const republishCommand: Command = {
  name: "republish",
  summary: "re-send stored events to the analytics stream (by time, or what the analytics failure queue names)",
  help: `usage: npm run ops -- republish --since <time> [--until <time>] [--tenant <id>] [--dry-run] [--json] (--stack <s> | --local)
       npm run ops -- republish --from-failures [--lookback 1h] [--max N] [--dry-run] [--json] (--stack <s> | --local)

Re-sends stored events to the analytics stream as the stream consumer sends them (same record, same partition
key <tenant>:<eventId>), so consumers that dedupe by eventId see each event once.
With --since/--until: the events received in that window (every tenant, or --tenant), from the table.
With --from-failures: each record in the analytics failure queue names a stream batch the consumer gave up on;
its records are read from the table's stream while it holds them (24 h), otherwise the events stored from
--lookback (default ${DEFAULT_LOOKBACK}) before the batch's first arrival to its last are republished from the table. The
lookback must cover the longest time the batch's events waited in the queue (a worker outage; a DLQ redrive days
later): when the stream's part and the window hold fewer distinct events than the batch (a proven miss; more proves
nothing, the window holds every tenant's events), the record is kept and the run exits 1. Each failure
record is deleted only after its events are published; one pass over the records there when the run began
(records arriving meanwhile are left for the next run); --max N handles at most N records.
--dry-run counts what would be republished and changes nothing. --json prints {republished, skipped} (with
--from-failures also failureRecords, unrecognised and kept).`,
  options: { since: { type: "string" }, until: { type: "string" }, tenant: { type: "string" }, "from-failures": { type: "boolean" }, lookback: { type: "string" }, max: { type: "string" } },
  positionals: 0,
  movesData: true,
  check(args, now) {
    const fromFailures = args.values["from-failures"] === true;
    if (fromFailures) {
      for (const option of ["since", "until", "tenant"]) if (args.values[option] !== undefined) throw new UsageError(`--${option} does not go with --from-failures (the failure records say what to republish)`);
      if (args.values.lookback !== undefined && !/^\d+[smhd]$/.test(args.values.lookback as string)) throw new UsageError(`--lookback: expected a duration (90m, 1h, 2d), got '${String(args.values.lookback)}'`);
      positiveInteger("--max", args.values.max, undefined);
    } else {
      for (const option of ["lookback", "max"]) if (args.values[option] !== undefined) throw new UsageError(`--${option} goes with --from-failures only`);
      parseWindow(args.values, now, undefined);
    }
  },
  async run(context) {
    const { target, args, io, report, json, dryRun } = context;
    const tally: Tally = { republished: 0, skipped: 0 };
    const verb = dryRun ? "would republish" : "republished";
    if (args.values["from-failures"] === true) {
      const now = io.now();
      const lookbackMs = now - parseTime("--lookback", (args.values.lookback as string | undefined) ?? DEFAULT_LOOKBACK, now).getTime();
      const { records, unrecognised, kept, arrivedDuringRun, incomplete } = await fromFailures(context, tally, lookbackMs, positiveInteger("--max", args.values.max, undefined));
      if (json) report.json({ ...tally, failureRecords: records, unrecognised, kept, ...(dryRun ? { dryRun: true } : {}) });
      report.summary(
        `republish --from-failures${dryRun ? " (dry run)" : ""}: ${records} failure record(s) · ${verb} ${tally.republished} · skipped ${tally.skipped}${dryRun ? " · nothing changed" : ` · ${records - kept} failure record(s) deleted`}${kept > 0 ? ` · ${kept} kept: their window missed events (--lookback)` : ""}${unrecognised > 0 ? ` · ${unrecognised} unrecognised record(s) left in the queue` : ""}${arrivedDuringRun > 0 ? ` · ${arrivedDuringRun} record(s) arrived during the run, left for the next` : ""}`,
      );
      return unrecognised > 0 || kept > 0 || incomplete ? 1 : 0;
    }
    const tenants = args.values.tenant === undefined ? target.tenants : [requireTenant(args.values, target.tenants)];
    const { since, until } = parseWindow(args.values, io.now(), undefined);
    await republishWindow(context, tenants, since, until, tally, "republish");
    if (json) report.json({ ...tally, ...(dryRun ? { dryRun: true } : {}) });
    report.summary(`republish${dryRun ? " (dry run)" : ""}: ${verb} ${tally.republished} · skipped ${tally.skipped} · ${tenants.join(", ")} · ${since.toISOString()}..${until.toISOString()}`);
    return 0;
  },
};
