// QueuePass (ops/queues.ts): one run's pass over a queue hands out each message that was there when the run
// began, once, and ends although messages keep arriving or come back; everything held is given back at the end.
import assert from "node:assert/strict";
import type { Message, SQSClient } from "@aws-sdk/client-sqs";
import { QueuePass } from "../../ops/queues";

interface FakeMessage {
  readonly id: string;
  readonly sentAt: number;
  visible: boolean;
  /** Visible again right after its first receive (its hold ended, or SQS's at-least-once delivery). */
  comesBack?: boolean;
}

/** The run's start on SQS's clock in these tests: the fake client's clock offset puts SQS's "now" there. */
const START = 1_760_000_000_000;

/**
 * An SQS client answering ReceiveMessage and ChangeMessageVisibility(Batch) over `messages`; `onReceive` may add
 * more; `clockOffsetMs` is what the SDK would have measured (SQS's clock minus this machine's).
 */
function fakeSqs(messages: FakeMessage[], onReceive: () => void = () => undefined, clockOffsetMs = START - Date.now()) {
  let receives = 0;
  const show = (receiptHandle: unknown) => {
    const message = messages.find((m) => `rh-${m.id}` === receiptHandle);
    if (message) message.visible = true;
  };
  const client = {
    config: { systemClockOffset: clockOffsetMs },
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      if (command.constructor.name === "ReceiveMessageCommand") {
        receives += 1;
        if (receives > 100) throw new Error("the pass did not end");
        onReceive();
        const max = command.input.MaxNumberOfMessages as number;
        const out: Message[] = [];
        for (const message of messages) {
          if (out.length === max) break;
          if (!message.visible) continue;
          message.visible = message.comesBack === true;
          message.comesBack = false;
          out.push({ MessageId: message.id, ReceiptHandle: `rh-${message.id}`, Body: message.id, Attributes: { SentTimestamp: String(message.sentAt) } });
        }
        return { Messages: out };
      }
      if (command.constructor.name === "ChangeMessageVisibilityBatchCommand") {
        for (const entry of command.input.Entries as { ReceiptHandle: string; VisibilityTimeout: number }[]) if (entry.VisibilityTimeout === 0) show(entry.ReceiptHandle);
        return { Successful: [], Failed: [] };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
  return client as unknown as SQSClient;
}

async function drain(pass: QueuePass, max = 10): Promise<string[]> {
  const out: string[] = [];
  for (let batch = await pass.next(max); batch.length > 0; batch = await pass.next(max)) out.push(...batch.map((m) => m.MessageId!));
  return out;
}

describe("ops QueuePass: one pass over what a queue held at the start", () => {
  const start = START;

  it("hands out each message present at the start once and ends although new ones keep arriving", async () => {
    const messages: FakeMessage[] = Array.from({ length: 25 }, (_, i) => ({ id: `old-${i}`, sentAt: start - 1000 - i, visible: true }));
    let n = 0;
    // Every receive finds a new message sent after the start (a replayed batch failing again, a new failure).
    const sqs = fakeSqs(messages, () => messages.unshift({ id: `new-${n++}`, sentAt: start + 60_000 + n, visible: true }));
    const pass = new QueuePass(sqs, "q", 60);
    const handed = await drain(pass);
    assert.deepEqual([...handed].sort(), messages.filter((m) => m.id.startsWith("old-")).map((m) => m.id).sort());
    assert.ok(pass.arrivedDuringRun >= 1);
    assert.equal(pass.held.length, pass.arrivedDuringRun, "the new ones are held, to be given back");
    await pass.giveBack();
    assert.equal(pass.held.length, 0);
    assert.ok(messages.filter((m) => m.id.startsWith("new-") && m.sentAt <= start + 60_000 + n).every((m) => m.visible || !handed.includes(m.id)));
    assert.ok(messages.filter((m) => m.id.startsWith("new-")).some((m) => m.visible), "given back at once");
  });

  it("a message received again in the same run (its hold ended) is not handed out twice, and the pass ends", async () => {
    const messages: FakeMessage[] = [{ id: "back", sentAt: start - 5, visible: true, comesBack: true }, { id: "a", sentAt: start - 4, visible: true }, { id: "b", sentAt: start - 3, visible: true }];
    const pass = new QueuePass(sqs(messages), "q", 60);
    assert.deepEqual(await drain(pass, 1), ["back", "a", "b"]);
    assert.deepEqual(pass.held.map((m) => m.MessageId), ["back"], "its second copy held, to be given back");
  });

  it("a burst of new messages ahead of older ones ends the pass early, and the pass says so", async () => {
    const messages: FakeMessage[] = [...Array.from({ length: 30 }, (_, i) => ({ id: `new-${i}`, sentAt: start + 60_000 + i, visible: true })), ...Array.from({ length: 5 }, (_, i) => ({ id: `old-${i}`, sentAt: start - 1 - i, visible: true }))];
    const pass = new QueuePass(fakeSqs(messages), "q", 60);
    assert.deepEqual(await drain(pass), []);
    assert.equal(pass.endedEarly, true);
    assert.equal(pass.arrivedDuringRun, 30);
    const emptied = new QueuePass(fakeSqs([{ id: "old", sentAt: start - 1, visible: true }]), "q", 60);
    assert.deepEqual(await drain(emptied), ["old"]);
    assert.equal(emptied.endedEarly, false, "an empty receive is the normal end");
  });

  it("the start is on SQS's clock: a machine ten minutes slow neither defers a backlog nor replays its own re-failures", async () => {
    const sqsNow = Date.now() + 600_000;
    // Sent on SQS's clock five minutes before the run (old) and one minute into it (new); this machine's clock
    // alone would call both new.
    const messages: FakeMessage[] = [{ id: "backlog", sentAt: sqsNow - 300_000, visible: true }, { id: "re-failure", sentAt: sqsNow + 60_000, visible: true }];
    const pass = new QueuePass(fakeSqs(messages, () => undefined, 600_000), "q", 60);
    assert.deepEqual(await drain(pass), ["backlog"]);
    assert.equal(pass.arrivedDuringRun, 1);
    assert.equal(pass.clockOffsetMs, 600_000);
  });

  it("a message without SentTimestamp counts as present at the start", async () => {
    const client = { send: async (command: { constructor: { name: string } }) => (command.constructor.name === "ReceiveMessageCommand" ? { Messages: first ? ((first = false), [{ MessageId: "x", ReceiptHandle: "r" }]) : [] } : {}) };
    let first = true;
    assert.deepEqual(await drain(new QueuePass(client as unknown as SQSClient, "q", 60)), ["x"]);
  });
});

function sqs(messages: FakeMessage[]) {
  return fakeSqs(messages);
}
