// The ingest's SQS adapter (handlers/adapters/sqs.ts) over the wire (FakeAws answering as SQS does): the
// envelope goes to the tenant's queue as is, and every failure is a retryable EnqueueError naming the AWS error,
// which the handler turns into 503 + Retry-After.
import assert from "node:assert/strict";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createHash } from "node:crypto";
import { SqsEventQueue } from "../../../handlers/adapters/sqs";
import { EnqueueError } from "../../../handlers/core/errors";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/servers";
import { FakeAws, type Scripted } from "../../helpers/fakeAws";

async function withSqs(answer: (body: Record<string, unknown>) => Scripted, run: (queue: SqsEventQueue, fake: FakeAws) => Promise<void>) {
  const fake = await FakeAws.start((call) => answer(call.body));
  const client = new SQSClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    await run(new SqsEventQueue(client, `${fake.endpoint}/000000000000/acme`), fake);
  } finally {
    client.destroy();
    await fake.stop();
  }
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

describe("ingest's SQS queue", () => {
  it("sends the message body as is to the tenant's queue and returns SQS's message id", async () => {
    await withSqs((body) => ({ status: 200, contentType: "application/x-amz-json-1.0", body: { MessageId: "m-1", MD5OfMessageBody: md5(String(body.MessageBody)) } }), async (queue, fake) => {
      assert.deepEqual(await queue.send('{"v":2}'), { messageId: "m-1" });
      assert.deepEqual(fake.calls.map((c) => [c.target, c.body.MessageBody]), [["AmazonSQS.SendMessage", '{"v":2}']]);
      assert.match(String(fake.calls[0]!.body.QueueUrl), /\/000000000000\/acme$/);
    });
  });

  it("an SQS error, or an answer without a MessageId, is a retryable EnqueueError naming it", async () => {
    await withSqs(() => ({ status: 400, contentType: "application/x-amz-json-1.0", body: { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "no queue" } }), async (queue) => {
      await assert.rejects(queue.send("{}"), (error: unknown) => error instanceof EnqueueError && error.retryable && /^SendMessage failed: QueueDoesNotExist/.test(error.message));
    });
    await withSqs((body) => ({ status: 200, contentType: "application/x-amz-json-1.0", body: { MD5OfMessageBody: md5(String(body.MessageBody)) } }), async (queue) => {
      await assert.rejects(queue.send("{}"), (error: unknown) => error instanceof EnqueueError && error.retryable && error.message === "SendMessage failed: Error");
    });
  });
});
