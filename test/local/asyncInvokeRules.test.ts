// Asynchronous invocation rules of the emulator (local/asyncInvoke.ts) that AWS documents: the retry schedule
// (about 1 minute, then 2), the event age limit at its boundary, the failure record's shape, and that a
// successful invocation sends nothing anywhere.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
import assert from "node:assert/strict";
import { mock } from "node:test";
import { AsyncInvoker, type AsyncInvocationRecord, type AsyncInvokerOptions } from "../../local/asyncInvoke";
import { ReservedConcurrency } from "../../local/invocation";
import { createLogger } from "../../handlers/observability";
import { silentLogger } from "../helpers/handlers";

function invoker(handler: AsyncInvokerOptions["handler"], overrides: Partial<AsyncInvokerOptions> = {}) {
  const records: AsyncInvocationRecord[] = [];
  const instance = new AsyncInvoker({
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:acme-worker",
    handler,
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 60,
    concurrency: new ReservedConcurrency(1),
    functionTimeoutSeconds: 5,
    onFailure: async (record) => void records.push(record),
    logger: silentLogger,
    ...overrides,
  });
  return { instance, records };
}

describe("asynchronous invocation rules", () => {
  it("a success is invoked once and sends nothing to the destination", async () => {
    let calls = 0;
    const { instance, records } = invoker(async () => void (calls += 1), { retryDelayMs: () => 1 });
    assert.match(instance.invoke({ a: 1 }), /^[0-9a-f-]{36}$/);
    await instance.stop();
    assert.deepEqual([calls, records.length], [1, 0]);
  });

  it("by default a failed event waits (about a minute) before its retry; stopping cuts the wait short", async () => {
    let calls = 0;
    const { instance, records } = invoker(async () => {
      calls += 1;
      throw new Error("boom");
    }, { retryDelayMs: undefined, maximumEventAgeSeconds: 3600 });
    instance.invoke({});
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(calls, 1, "no retry within the first 200 ms: the default first delay is a minute");
    await instance.stop();
    assert.equal(calls, 3, "stop ran the pending retries at once");
    assert.deepEqual([records[0]!.requestContext.condition, records[0]!.requestContext.approximateInvokeCount], ["RetriesExhausted", 3]);
  });

  it("an event exactly maximumEventAgeSeconds old is still retried; one millisecond older is EventAgeExceeded", async () => {
    for (const [ageMs, condition, count] of [[60_000, "RetriesExhausted", 3], [60_001, "EventAgeExceeded", 1]] as const) {
      let clock = 0;
      const { instance, records } = invoker(async () => {
        clock = ageMs;
        throw new Error("boom");
      }, { retryDelayMs: () => 1, now: () => clock });
      instance.invoke({});
      await instance.stop();
      assert.deepEqual([records[0]!.requestContext.condition, records[0]!.requestContext.approximateInvokeCount], [condition, count], `${ageMs} ms`);
    }
  });

  it("the failure record has Lambda's shape: version, time, request context, payload, response and error", async () => {
    const { instance, records } = invoker(async () => {
      throw Object.assign(new Error("cannot store"), { name: "StoreError" });
    }, { retryDelayMs: () => 1, maximumRetryAttempts: 0, now: () => 1_760_000_000_000 });
    const requestId = instance.invoke({ replay: true });
    await instance.stop();
    assert.deepEqual(records, [{
      version: "1.0",
      timestamp: "2025-10-09T08:53:20.000Z",
      requestContext: { requestId, functionArn: "arn:aws:lambda:us-east-1:000000000000:function:acme-worker", condition: "RetriesExhausted", approximateInvokeCount: 1 },
      requestPayload: { replay: true },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorMessage: "cannot store", errorType: "StoreError", stackTrace: [] },
    }]);
  });

  it("a throttled event exactly maximumEventAgeSeconds old still waits for a slot; it is not EventAgeExceeded", async () => {
    const concurrency = new ReservedConcurrency(1);
    concurrency.tryAcquire();
    let clock = 0;
    let calls = 0;
    const { instance, records } = invoker(async () => void (calls += 1), { concurrency, retryDelayMs: () => 1, now: () => clock });
    instance.invoke({});
    clock = 60_000;
    await new Promise((resolve) => setTimeout(resolve, 20));
    concurrency.release();
    await instance.stop();
    assert.deepEqual([calls, records.length], [1, 0]);
  });

  // The emulator's own rule (local/invocation.ts): a destination write is retried with backoff, 10 attempts in all,
  // and a record it still cannot write is logged as lost. Timers are mocked: the backoff adds up to 26 s.
  it("an on-failure destination that fails is tried again until it takes the record; after 10 failed attempts the loss is logged", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const settle = async (done: () => boolean) => {
        for (let i = 0; i < 200 && !done(); i++) {
          await new Promise((resolve) => setImmediate(resolve));
          mock.timers.tick(5_000);
        }
      };
      let attempts = 0;
      const recovering = invoker(async () => Promise.reject(new Error("boom")), {
        maximumRetryAttempts: 0,
        onFailure: async () => {
          attempts += 1;
          if (attempts < 3) throw new Error("destination unavailable");
        },
      });
      let stopped = false;
      recovering.instance.invoke({});
      void recovering.instance.stop().then(() => (stopped = true));
      await settle(() => stopped);
      assert.deepEqual([stopped, attempts], [true, 3], "written on the third attempt");

      const lines: Record<string, unknown>[] = [];
      let writes = 0;
      const failing = invoker(async () => Promise.reject(new Error("boom")), {
        maximumRetryAttempts: 0,
        onFailure: async () => {
          writes += 1;
          throw new Error("destination unavailable");
        },
        logger: createLogger({ level: "error", destination: { write: (line) => void lines.push(JSON.parse(line)) } }),
      });
      stopped = false;
      const requestId = failing.instance.invoke({});
      void failing.instance.stop().then(() => (stopped = true));
      await settle(() => stopped);
      assert.deepEqual([stopped, writes], [true, 10]);
      const lost = lines.find((line) => line.msg === "asynchronous invocation record lost: destination unreachable");
      assert.deepEqual([lost?.requestId, lost?.reason], [requestId, "destination unavailable"]);
    } finally {
      mock.timers.reset();
    }
  });
});
