import assert from "node:assert/strict";
import { WORKER_ASYNC } from "../../components/settings";
import { AsyncInvoker, type AsyncInvocationRecord, type AsyncInvokerOptions } from "../../local/asyncInvoke";
import { ReservedConcurrency } from "../../local/invocation";
import { silentLogger } from "../helpers/handlers";

function invoker(handler: AsyncInvokerOptions["handler"], overrides: Partial<AsyncInvokerOptions> = {}) {
  const records: AsyncInvocationRecord[] = [];
  const concurrency = overrides.concurrency ?? new ReservedConcurrency(1);
  const instance = new AsyncInvoker({
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:acme-worker",
    handler,
    maximumRetryAttempts: WORKER_ASYNC.maximumRetryAttempts,
    maximumEventAgeSeconds: WORKER_ASYNC.maximumEventAgeSeconds,
    concurrency,
    functionTimeoutSeconds: 5,
    onFailure: async (record) => void records.push(record),
    logger: silentLogger,
    retryDelayMs: () => 5,
    ...overrides,
  });
  return { instance, records, concurrency };
}

describe("asynchronous invocations with an on-failure destination", () => {
  it(`a failing event runs 1 + maximumRetryAttempts (${WORKER_ASYNC.maximumRetryAttempts}) times, then its payload and error go to the destination`, async () => {
    let calls = 0;
    const { instance, records } = invoker(async () => {
      calls += 1;
      throw Object.assign(new Error("cannot store"), { name: "ReplayBatchFailedError" });
    });
    instance.invoke({ replay: true, Records: [] });
    await instance.stop();
    assert.equal(calls, WORKER_ASYNC.maximumRetryAttempts + 1);
    assert.equal(records.length, 1);
    assert.deepEqual(records[0]!.requestPayload, { replay: true, Records: [] });
    assert.deepEqual(records[0]!.requestContext.condition, "RetriesExhausted");
    assert.equal(records[0]!.requestContext.approximateInvokeCount, WORKER_ASYNC.maximumRetryAttempts + 1);
    assert.deepEqual([records[0]!.responsePayload.errorType, records[0]!.responsePayload.errorMessage], ["ReplayBatchFailedError", "cannot store"]);
  });

  it("a throttled event is not an attempt: it waits for a free slot, runs once, and nothing reaches the destination", async () => {
    let calls = 0;
    const { instance, records, concurrency } = invoker(async () => void (calls += 1));
    assert.ok(concurrency.tryAcquire()); // the SQS mapping holds the only slot
    instance.invoke({});
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(calls, 0);
    concurrency.release();
    await instance.stop();
    assert.equal(calls, 1);
    assert.deepEqual(records, []);
  });

  it("an event older than maximumEventAgeSeconds is not retried again: EventAgeExceeded", async () => {
    let now = 0;
    let calls = 0;
    const { instance, records } = invoker(
      async () => {
        calls += 1;
        now += (WORKER_ASYNC.maximumEventAgeSeconds + 1) * 1000; // the first run took the event past its age
        throw new Error("down");
      },
      { now: () => now },
    );
    instance.invoke({});
    await instance.stop();
    assert.equal(calls, 1);
    assert.equal(records[0]!.requestContext.condition, "EventAgeExceeded");
  });
});
