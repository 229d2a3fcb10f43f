// `ops replay --tenant acme --failures [--max N] [--dry-run]`: re-invokes the tenant's worker with the batches in
// its asynchronous on-failure destination. Each message there is Lambda's invocation record of a replay that
// failed after Lambda's retries; its requestPayload is the batch ({"replay": true, "Records": [...]}). The batch
// is invoked again asynchronously (InvocationType Event, as the original was) and the record deleted only once
// Lambda has accepted the invocation (202). A batch that fails again comes back to the same queue.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
// Locally the same Invoke API is served by npm start under /_local/lambda (local/localRoutes.ts).
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { DeleteMessageCommand } from "@aws-sdk/client-sqs";
import { OpsError, positiveInteger, requireTenant, UsageError } from "./args";
import type { Command } from "./command";
import { passNotes, QueuePass } from "./queues";

const HOLD_SECONDS = 120;

/** The batch of an asynchronous invocation record, when the record is one of a worker replay. */
export function replayPayloadOf(body: string | undefined): { replay: true; Records: unknown[] } | undefined {
  try {
    const payload = (JSON.parse(body ?? "") as { requestPayload?: { replay?: unknown; Records?: unknown } }).requestPayload;
    if (!payload || !Array.isArray(payload.Records)) return undefined;
    // Replayed as a replay, whatever the original said: a failed record must fail the invocation (so the batch
    // returns to the destination) rather than be answered as a partial batch response nobody reads.
    return { ...(payload as object), replay: true, Records: payload.Records };
  } catch {
    return undefined;
  }
}

export const replayCommand: Command = {
  name: "replay",
  summary: "re-invoke a tenant's worker with the batches in its async failure destination",
  help: `usage: npm run ops -- replay --tenant <id> --failures [--max N] [--dry-run] [--json] (--stack <s> | --local)

Reads the tenant's worker async-failure queue (invocation records of replays that failed after Lambda's
retries) and invokes the worker again with each record's batch, asynchronously (InvocationType Event). A record
is deleted only after Lambda accepted the invocation; a batch that fails again returns to the queue after
Lambda's retries, and is left for the next run (one pass over the records there when the run began). Fix the cause first (the record's responsePayload names the error). --max N: at most N
records. --dry-run counts them and invokes nothing. --json prints {replayed, skipped}.`,
  options: { tenant: { type: "string" }, failures: { type: "boolean" }, max: { type: "string" } },
  positionals: 0,
  movesData: true,
  check(args) {
    if (typeof args.values.tenant !== "string") throw new UsageError("--tenant <id> is required");
    if (args.values.failures !== true) throw new UsageError("replay needs --failures (it replays the batches in the worker's async failure destination)");
    positiveInteger("--max", args.values.max, undefined);
  },
  async run({ target, args, report, json, dryRun }) {
    const tenant = requireTenant(args.values, target.tenants);
    const max = positiveInteger("--max", args.values.max, undefined);
    const queueUrl = target.queues.tenants[tenant]!.asyncFailures;
    const functionName = target.functions.tenants[tenant]?.worker;
    if (!functionName) throw new OpsError(`stack '${target.stack}' names no worker function for tenant '${tenant}' (output functions)`);
    const { sqs, lambda } = target.clients;
    // One pass over the records there at the start: a batch replayed here that fails again returns to this
    // queue after Lambda's retries, and is left for the next run (see QueuePass).
    const pass = new QueuePass(sqs, queueUrl, HOLD_SECONDS);
    let replayed = 0;
    let skipped = 0;
    let seen = 0;
    try {
      for (;;) {
        if (max !== undefined && seen >= max) break;
        const batch = await pass.next(max === undefined ? 10 : max - seen);
        if (batch.length === 0) break;
        for (const message of batch) {
          seen += 1;
          pass.held.push(message);
          const payload = replayPayloadOf(message.Body);
          if (!payload) {
            skipped += 1; // not an invocation record with a batch: left for a person to read
            continue;
          }
          if (dryRun) {
            replayed += 1;
            continue;
          }
          const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(payload)) }));
          if (result.StatusCode !== 202) throw new OpsError(`Invoke of ${functionName} answered ${result.StatusCode}, not 202; record kept`);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
          pass.held.pop();
          replayed += 1;
          report.progress(`replay ${tenant}: invoked ${replayed}`);
        }
      }
    } finally {
      await pass.giveBack();
    }
    const later = pass.arrivedDuringRun;
    const { notes, incomplete } = await passNotes(sqs, queueUrl, pass);
    for (const note of notes) report.note(`replay ${tenant}: ${note}`);
    if (json) report.json({ replayed, skipped, ...(dryRun ? { dryRun: true } : {}) });
    report.summary(
      `replay ${tenant}${dryRun ? " (dry run)" : ""}: ${dryRun ? "would invoke" : "invoked"} ${functionName} with ${replayed} batch(es) · skipped ${skipped}${skipped > 0 ? " (not invocation records; left in the queue)" : ""}${later > 0 ? ` · ${later} record(s) arrived during the run, left for the next (a replayed batch failing again comes back after Lambda's retries)` : ""}`,
    );
    return skipped > 0 || incomplete ? 1 : 0;
  },
};
