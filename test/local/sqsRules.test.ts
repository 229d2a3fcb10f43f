import assert from "node:assert/strict";
import { ChangeMessageVisibilityCommand, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type QueueAttributeName } from "@aws-sdk/client-sqs";
import { SQS_MAX_MESSAGE_BYTES } from "../../handlers/core/envelope";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type RunningServer } from "../../local/servers";
import { correctedCounts, countingRequest, endToEndHeaders, sqsBodyViolation, startSqsRulesProxy, type SqsRulesProxy } from "../../local/sqsRules";

describe("local SQS rules proxy (SQS's message size and character set in front of local-aws-sqs)", () => {
  let server: RunningServer;
  let proxy: SqsRulesProxy;
  let sqs: SQSClient;
  let queueUrl: string;

  before(async () => {
    server = await startSqs();
    proxy = await startSqsRulesProxy({ target: server.endpoint });
    sqs = new SQSClient({ endpoint: proxy.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "rules", Attributes: { MaximumMessageSize: String(SQS_MAX_MESSAGE_BYTES) } }))).QueueUrl!;
  });
  after(async () => {
    sqs.destroy();
    await proxy.stop();
    await server.stop();
  });

  it("refuses characters outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF, as AWS does", async () => {
    for (const body of ["a\u0000b", "\uffff", "\ufffe", "x\u001f", "\ud800"]) {
      await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body })), { name: "InvalidMessageContents" }, JSON.stringify(body));
    }
  });

  it("refuses a body over 1 MiB of UTF-8 even when it is under 1 Mi characters (local-aws-sqs counts characters)", async () => {
    const body = "é".repeat(SQS_MAX_MESSAGE_BYTES / 2 + 1);
    assert.ok(body.length < SQS_MAX_MESSAGE_BYTES);
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body })), (error: Error) => /InvalidParameterValue/.test(error.name));
  });

  it("passes everything SQS takes, unchanged", async () => {
    const body = `tab\tlf\ncr\r \ud7ff \ue000 \ufffd \u{10000} \u{10ffff} ${"x".repeat(1000)}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));
    assert.equal(received.Messages?.[0]?.Body, body);
    assert.equal(sqsBodyViolation("a".repeat(SQS_MAX_MESSAGE_BYTES)), undefined);
    assert.ok(sqsBodyViolation("a".repeat(SQS_MAX_MESSAGE_BYTES + 1)));
  });

  it("counts a message in flight once: ApproximateNumberOfMessages is only what is available, as SQS counts it", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "counts" }))).QueueUrl!;
    const attributes = async (names: QueueAttributeName[]) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }))).Attributes ?? {};
    const counts = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] as const;
    // The emulator holds a new message as delayed, and a released one as in flight, until its next timer tick
    // (SQS's counts are approximate too): wait for that to pass, within a bound, before reading exact counts.
    const settled = async () => {
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
        const now = await attributes(["ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible"]);
        if (now.ApproximateNumberOfMessagesDelayed === "0" && now.ApproximateNumberOfMessagesNotVisible === expectedInFlight) return;
      }
      assert.fail(`the emulator's counts did not settle within 5 s (expected ${expectedInFlight} in flight, none delayed)`);
    };
    let expectedInFlight = "0";
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "held" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "waiting" }));
    await settled();
    assert.deepEqual(await attributes([...counts]), { ApproximateNumberOfMessages: "2", ApproximateNumberOfMessagesNotVisible: "0" });
    const held = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }))).Messages!;
    assert.equal(held.length, 1);
    expectedInFlight = "1";
    await settled();
    assert.deepEqual(await attributes([...counts]), { ApproximateNumberOfMessages: "1", ApproximateNumberOfMessagesNotVisible: "1" });
    // Asked alone, the visible count is corrected too, and the answer holds only what was asked.
    assert.deepEqual(await attributes(["ApproximateNumberOfMessages"]), { ApproximateNumberOfMessages: "1" });
    const all = await attributes(["All"]);
    assert.equal(all.ApproximateNumberOfMessages, "1");
    assert.equal(all.ApproximateNumberOfMessagesNotVisible, "1");
    assert.ok(all.QueueArn, "the other attributes pass through");
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: held[0]!.ReceiptHandle!, VisibilityTimeout: 0 }));
    expectedInFlight = "0";
    await settled();
    assert.deepEqual(await attributes([...counts]), { ApproximateNumberOfMessages: "2", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("changes only GetQueueAttributes calls that ask for the visible count, and never below zero", () => {
    assert.equal(countingRequest({ QueueUrl: "q", AttributeNames: ["QueueArn"] }), undefined);
    assert.equal(countingRequest({ QueueUrl: "q" }), undefined);
    assert.equal(countingRequest(null), undefined);
    assert.deepEqual(countingRequest({ QueueUrl: "q", AttributeNames: ["ApproximateNumberOfMessages"] }), {
      payload: { QueueUrl: "q", AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] },
      addedNotVisible: true,
    });
    assert.deepEqual(countingRequest({ QueueUrl: "q", AttributeNames: ["All"] }), { payload: { QueueUrl: "q", AttributeNames: ["All"] }, addedNotVisible: false });
    assert.deepEqual(correctedCounts({ Attributes: { ApproximateNumberOfMessages: "1", ApproximateNumberOfMessagesNotVisible: "3" } }, false), {
      Attributes: { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "3" },
    });
    assert.deepEqual(correctedCounts({ Attributes: { ApproximateNumberOfMessages: "5", ApproximateNumberOfMessagesNotVisible: "2" } }, true), { Attributes: { ApproximateNumberOfMessages: "3" } });
    assert.deepEqual(correctedCounts({ Attributes: { ApproximateNumberOfMessages: "5" } }, true), { Attributes: { ApproximateNumberOfMessages: "5" } });
  });

  it("a chunked request is forwarded whole, with its own length and none of the client's hop-by-hop headers", async () => {
    const { request } = await import("node:http");
    const payload = JSON.stringify({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(
        `${proxy.endpoint}/`,
        { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.GetQueueAttributes", "transfer-encoding": "chunked", connection: "keep-alive" } },
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      outgoing.on("error", reject);
      outgoing.write(payload.slice(0, 10));
      outgoing.end(payload.slice(10));
    });
    assert.equal(answer.status, 200, answer.body);
    assert.match(JSON.parse(answer.body).Attributes.QueueArn, /:rules$/);
    assert.deepEqual(endToEndHeaders({ "transfer-encoding": "chunked", connection: "close", "content-length": "3", te: "trailers", "x-amz-target": "t", host: "h" }), { "x-amz-target": "t", host: "h" });
    assert.deepEqual(endToEndHeaders({ connection: "keep-alive, X-Hop", "x-hop": "1", "x-amz-target": "t" }), { "x-amz-target": "t" }, "a header the Connection header names stays on this hop");
  });
});
