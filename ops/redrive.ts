// `ops redrive --tenant acme [--max N] [--dry-run]`: moves the tenant's DLQ back to its queue, where the worker
// stores each event once (its conditional write makes a second delivery a no-op), and reports moved / remaining.
// - In AWS without --max: SQS's own message-move task (StartMessageMoveTask, progress from
//   ListMessageMoveTasks), which moves every message in the DLQ at the time it starts.
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
// - Locally (the emulator has no such task behind our SQS proxy) and with --max (the task has no count limit):
//   receive -> send to the queue -> delete from the DLQ, one message at a time in that order, so a failure
//   between the steps leaves a copy in the DLQ (a duplicate the worker ignores), never a loss.
import { DeleteMessageCommand, ListMessageMoveTasksCommand, SendMessageCommand, StartMessageMoveTaskCommand, type Message } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import { OpsError, positiveInteger, requireTenant, UsageError } from "./args";
import type { Command, CommandContext } from "./command";
import { queueArn, queueDepth, receiveBatch } from "./queues";

/** Held while one message is copied; long enough for a slow SendMessage, short enough to retry soon after a crash. */
const HOLD_SECONDS = 60;

async function moveByCopy(context: CommandContext, tenant: string, max: number | undefined): Promise<number> {
  const { target, report } = context;
  const { sqs } = target.clients;
  const { queue, dlq } = target.queues.tenants[tenant]!;
  // Bounded by the depth at the start: a message that fails again and comes back is not moved twice in one run.
  const initial = (await queueDepth(sqs, dlq)).total;
  const limit = Math.min(initial, max ?? Number.POSITIVE_INFINITY);
  let moved = 0;
  while (moved < limit) {
    const batch = await receiveBatch(sqs, dlq, limit - moved, HOLD_SECONDS);
    if (batch.length === 0) break;
    for (const message of batch) {
      await sendCopy(context, queue, message);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: message.ReceiptHandle! }));
      moved += 1;
      report.progress(`redrive ${tenant}: moved ${moved} of ${limit}`);
    }
  }
  return moved;
}

async function sendCopy({ target }: CommandContext, queueUrl: string, message: Message): Promise<void> {
  await target.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.Body ?? "",
      ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0 ? { MessageAttributes: message.MessageAttributes } : {}),
    }),
  );
}

/**
 * SQS's message-move task, followed to its end. One task may run per source queue at a time, and a task started
 * earlier (say by a run stopped with Ctrl-C, which stops following, not the task) is refused before starting
 * another, naming how to cancel it. ListMessageMoveTasks lists the most recent task first; the one followed must
 * be newer than the latest listed before the start, so a listing that lags behind the start is never read as
 * this task's result. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
 */
export async function moveByTask(context: Pick<CommandContext, "target" | "report">, tenant: string, pollMs = 2_000): Promise<number> {
  const { target, report } = context;
  const { sqs } = target.clients;
  const { queue, dlq } = target.queues.tenants[tenant]!;
  const [sourceArn, destinationArn] = await Promise.all([queueArn(sqs, dlq), queueArn(sqs, queue)]);
  const latest = async () => (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }))).Results?.[0];
  const previous = await latest();
  if (previous?.Status === "RUNNING" || previous?.Status === "CANCELLING") {
    const since = previous.StartedTimestamp !== undefined ? ` since ${new Date(previous.StartedTimestamp).toISOString()}` : "";
    throw new OpsError(
      `redrive ${tenant}: a message-move task is already ${previous.Status === "RUNNING" ? "running" : "being cancelled"} on this DLQ${since} (moved ${previous.ApproximateNumberOfMessagesMoved ?? 0} of ${previous.ApproximateNumberOfMessagesToMove ?? "?"}); let it finish, or cancel it: aws sqs cancel-message-move-task --task-handle ${previous.TaskHandle ?? "<handle>"}`,
    );
  }
  const previousStart = previous?.StartedTimestamp ?? Number.NEGATIVE_INFINITY;
  // The destination is named, not left to "the source queue it came from", so it is exactly this tenant's queue.
  const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }));
  report.note(`redrive ${tenant}: message-move task started; Ctrl-C stops following it, not the task (aws sqs cancel-message-move-task --task-handle ${started.TaskHandle ?? "<handle>"})`);
  let seenOurs = false;
  for (let unlisted = 0; ; ) {
    await sleep(pollMs);
    const task = await latest();
    const byHandle = started.TaskHandle !== undefined && task?.TaskHandle === started.TaskHandle;
    const ours = task !== undefined && (byHandle || (task.StartedTimestamp ?? Number.NEGATIVE_INFINITY) > previousStart);
    if (!ours) {
      // Not listed yet (or the listing still shows the task before it): a few polls, then say so. Once it has
      // been seen, a listing that shows the earlier one again is only waited out.
      if (!seenOurs && ++unlisted >= 15) throw new OpsError(`redrive ${tenant}: the message-move task started is not listed after ${unlisted} polls; see aws sqs list-message-move-tasks --source-arn ${sourceArn}`);
      continue;
    }
    seenOurs = true;
    report.progress(`redrive ${tenant}: ${task.Status} · moved ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? "?"}`);
    if (task.Status === "COMPLETED") return task.ApproximateNumberOfMessagesMoved ?? 0;
    if (task.Status === "FAILED" || task.Status === "CANCELLED") throw new OpsError(`redrive ${tenant}: message-move task ${task.Status}${task.FailureReason ? `: ${task.FailureReason}` : ""} after ${task.ApproximateNumberOfMessagesMoved ?? 0} moved`);
  }
}

export const redriveCommand: Command = {
  name: "redrive",
  summary: "move a tenant's DLQ back to its queue; moved / remaining",
  help: `usage: npm run ops -- redrive --tenant <id> [--max N] [--dry-run] [--json] (--stack <s> | --local)

Moves the tenant's dead-letter queue back to the tenant's queue; the worker stores each event once (a message
moved twice is a duplicate it ignores). Fix the cause first (ops dlq shows why they failed), or they return
after 5 receives. In AWS without --max it starts SQS's message-move task and follows its progress (one task
runs per DLQ: one already running is refused, naming how to cancel it; Ctrl-C stops following, not the task); locally, and
with --max N (at most N messages), it copies each message to the queue and only then deletes it from the DLQ.
--dry-run reports what would move and moves nothing. --json prints {moved, remaining}.`,
  options: { tenant: { type: "string" }, max: { type: "string" } },
  positionals: 0,
  movesData: true,
  check(args) {
    if (typeof args.values.tenant !== "string") throw new UsageError("--tenant <id> is required");
    positiveInteger("--max", args.values.max, undefined);
  },
  async run(context) {
    const { target, args, report, json, dryRun } = context;
    const tenant = requireTenant(args.values, target.tenants);
    const max = positiveInteger("--max", args.values.max, undefined);
    const { dlq } = target.queues.tenants[tenant]!;
    const before = await queueDepth(target.clients.sqs, dlq);
    if (dryRun) {
      const would = Math.min(before.total, max ?? Number.POSITIVE_INFINITY);
      if (json) report.json({ moved: 0, remaining: before.total, wouldMove: would, dryRun: true });
      report.summary(`redrive ${tenant} (dry run): would move ${would} of ${before.total} (nothing moved)`);
      return 0;
    }
    const useTask = target.kind === "aws" && max === undefined;
    const moved = before.total === 0 ? 0 : useTask ? await moveByTask(context, tenant) : await moveByCopy(context, tenant, max);
    const remaining = (await queueDepth(target.clients.sqs, dlq)).total;
    if (json) report.json({ moved, remaining });
    report.summary(`redrive ${tenant}: moved ${moved} · remaining ${remaining}${useTask ? " (SQS message-move task)" : " (copy, then delete)"}`);
    return 0;
  },
};
