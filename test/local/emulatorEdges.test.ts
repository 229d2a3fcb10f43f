// Edges of the emulators that AWS defines: a null entry in a partial batch response, a function timeout that
// lets in-time work finish, a throttled asynchronous event that ages out, and function URLs that listen on the
// loopback interface only and answer throttling as Lambda does.
import assert from "node:assert/strict";
import { request } from "node:http";
import type { DynamoDBRecord } from "aws-lambda";
import { AsyncInvoker, type AsyncInvocationRecord } from "../../local/asyncInvoke";
import { sqsRecord } from "../../local/events";
import { startFunctionUrlServer } from "../../local/functionUrlServer";
import { ReservedConcurrency, withTimeout } from "../../local/invocation";
import { messagesToDelete } from "../../local/sqsMapping";
import { nextAfter } from "../../local/streamMapping";
import { silentLogger } from "../helpers/handlers";

describe("emulator edges", () => {
  it("a null entry in batchItemFailures is an invalid response: SQS deletes nothing, the stream retries the whole batch", () => {
    const batch = [sqsRecord({ messageId: "a", body: "{}" }), sqsRecord({ messageId: "b", body: "{}" })];
    assert.deepEqual(messagesToDelete(batch, { ok: true, result: { batchItemFailures: [null as never] } }), []);
    for (const odd of ["b", { itemIdentifier: "b" }, 7]) assert.deepEqual(messagesToDelete(batch, { ok: true, result: { batchItemFailures: odd as never } }), [], JSON.stringify(odd));
    const records = [{ dynamodb: { SequenceNumber: "1" } }, { dynamodb: { SequenceNumber: "2" } }] as DynamoDBRecord[];
    assert.deepEqual(nextAfter(records, { ok: true, result: { batchItemFailures: [null as never] } }), { kind: "retryFrom", index: 0 });
    // Not a list at all: a complete failure, not a crash of the shard's reader.
    for (const odd of ["2", { itemIdentifier: "2" }, 7]) assert.deepEqual(nextAfter(records, { ok: true, result: { batchItemFailures: odd as never } }), { kind: "retryFrom", index: 0 }, JSON.stringify(odd));
    assert.deepEqual(nextAfter(records, { ok: true, result: { batchItemFailures: [{ itemIdentifier: "2" }, { itemIdentifier: "1" }] } }), { kind: "retryFrom", index: 0 }, "the lowest failed record");
    assert.deepEqual(nextAfter(records, { ok: true, result: { batchItemFailures: [{ itemIdentifier: "2" }] } }), { kind: "retryFrom", index: 1 });
  });

  it("the function timeout is in seconds: work that takes 50 ms finishes under a 1 s timeout", async () => {
    assert.equal(await withTimeout(new Promise((resolve) => setTimeout(() => resolve("done"), 50)), 1), "done");
  });

  it("an asynchronous event throttled until it is older than maximumEventAgeSeconds is EventAgeExceeded, never invoked", async () => {
    const concurrency = new ReservedConcurrency(1);
    concurrency.tryAcquire();
    let clock = 0;
    let calls = 0;
    const records: AsyncInvocationRecord[] = [];
    const invoker = new AsyncInvoker({
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:w", handler: async () => void calls++, maximumRetryAttempts: 2, maximumEventAgeSeconds: 60,
      concurrency, functionTimeoutSeconds: 5, onFailure: async (r) => void records.push(r), logger: silentLogger, retryDelayMs: () => 1, now: () => clock,
    });
    invoker.invoke({});
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(records.length, 0, "still waiting for a slot while young");
    clock = 60_001;
    await invoker.stop();
    assert.equal(calls, 0);
    assert.deepEqual([records[0]!.requestContext.condition, records[0]!.requestContext.approximateInvokeCount, records[0]!.responsePayload.errorMessage], ["EventAgeExceeded", 0, "throttled until the event was too old"]);
  });

  it("function URLs listen on 127.0.0.1 only, answer a throttle with 429 and Lambda's error type, and a crash with 502", async () => {
    let release: () => void = () => {};
    const server = await startFunctionUrlServer(
      new Map([
        ["slow", { reservedConcurrency: 1, handler: () => new Promise((resolve) => (release = () => resolve({ statusCode: 200, headers: {}, body: "ok" }))) }],
        ["crash", { reservedConcurrency: 1, handler: async () => Promise.reject(new Error("boom")) }],
      ]),
      0,
    );
    try {
      assert.equal((server.server.address() as { address: string }).address, "127.0.0.1");
      const get = (tenant: string) => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        request(server.url(tenant), { method: "POST" }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        }).on("error", reject).end("{}");
      });
      const first = get("slow");
      await new Promise((resolve) => setTimeout(resolve, 50));
      const throttled = await get("slow");
      assert.deepEqual([throttled.status, throttled.headers["x-amzn-errortype"], throttled.headers["content-type"], JSON.parse(throttled.body)], [429, "TooManyRequestsException", "application/json", { message: "Rate Exceeded." }]);
      release();
      assert.equal((await first).status, 200);
      const crashed = await get("crash");
      assert.deepEqual([crashed.status, JSON.parse(crashed.body)], [502, { message: "Internal Server Error" }]);
    } finally {
      release();
      await server.close();
    }
  });
});
