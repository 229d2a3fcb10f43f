// redrive's message-move task path (ops/redrive.ts moveByTask), against a fake SQS: the npm start emulator has no
// task behind its proxy, so this is where the task's listing order and its one-running-task rule are pinned.
import assert from "node:assert/strict";
import type { ListMessageMoveTasksResultEntry, SQSClient } from "@aws-sdk/client-sqs";
import { OpsError } from "../../ops/args";
import { moveByTask } from "../../ops/redrive";

/** Answers each ListMessageMoveTasks with the next listing (the last one repeats); records the calls. */
function fakeSqs(listings: (ListMessageMoveTasksResultEntry | undefined)[]) {
  const calls: string[] = [];
  let listed = 0;
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      calls.push(name);
      if (name === "GetQueueAttributesCommand") return { Attributes: { QueueArn: `arn:aws:sqs:eu-west-1:1:${String(command.input.QueueUrl)}` } };
      if (name === "StartMessageMoveTaskCommand") return { TaskHandle: "ours" };
      if (name === "ListMessageMoveTasksCommand") {
        const entry = listings[Math.min(listed++, listings.length - 1)];
        return { Results: entry ? [entry] : [] };
      }
      throw new Error(`unexpected ${name}`);
    },
  };
  return { sqs: client as unknown as SQSClient, calls };
}

function context(sqs: SQSClient) {
  const notes: string[] = [];
  const target = { clients: { sqs }, queues: { tenants: { acme: { queue: "acme-queue", dlq: "acme-dlq" } } } };
  return { notes, context: { target, report: { note: (line: string) => notes.push(line), progress: () => undefined } } as unknown as Parameters<typeof moveByTask>[0] };
}

describe("ops redrive with SQS's message-move task", () => {
  const before: ListMessageMoveTasksResultEntry = { Status: "COMPLETED", StartedTimestamp: 1_000, ApproximateNumberOfMessagesMoved: 7, ApproximateNumberOfMessagesToMove: 7 };

  it("follows the task it started, never the earlier one a lagging listing still shows first", async () => {
    const { sqs } = fakeSqs([before, before, before, { Status: "RUNNING", TaskHandle: "ours", StartedTimestamp: 2_000, ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 3 }, { Status: "COMPLETED", StartedTimestamp: 2_000, ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 }]);
    const { context: ctx, notes } = context(sqs);
    assert.equal(await moveByTask(ctx, "acme", 0), 3);
    assert.match(notes.join("\n"), /Ctrl-C stops following it, not the task \(aws sqs cancel-message-move-task --task-handle ours\)/);
  });

  it("a task already running on the DLQ is refused before starting another, naming how to cancel it", async () => {
    const { sqs, calls } = fakeSqs([{ Status: "RUNNING", TaskHandle: "theirs", StartedTimestamp: 1_000, ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 9 }]);
    await assert.rejects(moveByTask(context(sqs).context, "acme", 0), (error: unknown) => error instanceof OpsError && /already running on this DLQ since 1970-01-01T00:00:01.000Z \(moved 2 of 9\).*cancel-message-move-task --task-handle theirs/.test(error.message));
    assert.ok(!calls.includes("StartMessageMoveTaskCommand"));
  });

  it("while running, the task is known by its handle even where the listing has no newer start time", async () => {
    const { sqs } = fakeSqs([{ Status: "COMPLETED", ApproximateNumberOfMessagesMoved: 7 }, { Status: "RUNNING", TaskHandle: "ours", ApproximateNumberOfMessagesMoved: 1 }, { Status: "FAILED", TaskHandle: "ours", FailureReason: "KMS", ApproximateNumberOfMessagesMoved: 1 }]);
    await assert.rejects(moveByTask(context(sqs).context, "acme", 0), /message-move task FAILED: KMS after 1 moved/);
  });

  it("once seen, a listing that shows the earlier task again is waited out, however often", async () => {
    const ours: ListMessageMoveTasksResultEntry = { Status: "RUNNING", TaskHandle: "ours", StartedTimestamp: 2_000, ApproximateNumberOfMessagesMoved: 1 };
    const flapping = [before, ours, ...Array.from({ length: 20 }, (_, i) => (i % 2 ? ours : before)), { Status: "COMPLETED", StartedTimestamp: 2_000, ApproximateNumberOfMessagesMoved: 5 }];
    assert.equal(await moveByTask(context(fakeSqs(flapping).sqs).context, "acme", 0), 5);
  });

  it("a task being cancelled is refused as a running one is", async () => {
    const { sqs, calls } = fakeSqs([{ Status: "CANCELLING", TaskHandle: "theirs", StartedTimestamp: 1_000 }]);
    await assert.rejects(moveByTask(context(sqs).context, "acme", 0), /already being cancelled on this DLQ/);
    assert.ok(!calls.includes("StartMessageMoveTaskCommand"));
  });

  it("a failed task is an error naming its reason and what it moved", async () => {
    const { sqs } = fakeSqs([undefined, { Status: "FAILED", StartedTimestamp: 5, FailureReason: "AccessDenied", ApproximateNumberOfMessagesMoved: 4 }]);
    await assert.rejects(moveByTask(context(sqs).context, "acme", 0), /message-move task FAILED: AccessDenied after 4 moved/);
  });

  it("a task that never shows up in the listing ends the wait with an error, not a hang", async () => {
    const { sqs } = fakeSqs([before]);
    await assert.rejects(moveByTask(context(sqs).context, "acme", 0), /the message-move task started is not listed after 15 polls/);
  });
});
