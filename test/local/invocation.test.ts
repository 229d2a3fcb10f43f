// How the emulators run one invocation (local/invocation.ts): a function's reserved concurrency shared by every
// invoker, its timeout, and on-failure destination writes that are retried rather than dropped.
import assert from "node:assert/strict";
import { ReservedConcurrency, withTimeout, writeToDestination } from "../../local/invocation";
import { silentLogger } from "../helpers/handlers";

describe("reserved concurrency", () => {
  it("only a positive integer is a limit", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new ReservedConcurrency(bad), /positive integer/);
    assert.equal(new ReservedConcurrency(1).limit, 1);
  });

  it("hands out exactly `limit` slots; one more is throttled until a slot is released", () => {
    const slots = new ReservedConcurrency(2);
    assert.deepEqual([slots.tryAcquire(), slots.tryAcquire(), slots.tryAcquire()], [true, true, false]);
    assert.equal(slots.inUse, 2);
    slots.release();
    assert.equal(slots.inUse, 1);
    assert.equal(slots.tryAcquire(), true);
  });

  it("a release without an acquire is a bug, not a free slot", () => {
    const slots = new ReservedConcurrency(1);
    assert.throws(() => slots.release(), /release without acquire/);
    assert.equal(slots.tryAcquire(), true);
    assert.equal(slots.tryAcquire(), false);
  });

  it("run: the work runs in a slot that is freed afterwards, also when it throws; without a slot it does not run", async () => {
    const slots = new ReservedConcurrency(1);
    let seen = -1;
    assert.deepEqual(await slots.run(async () => ((seen = slots.inUse), "v")), { throttled: false, value: "v" });
    assert.equal(seen, 1, "the work held the slot");
    assert.equal(slots.inUse, 0);
    await assert.rejects(slots.run(async () => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(slots.inUse, 0, "freed after a throw");
    slots.tryAcquire();
    let ran = false;
    assert.deepEqual(await slots.run(async () => (ran = true)), { throttled: true });
    assert.equal(ran, false);
  });

  it("runWhenFree waits for a slot instead of failing (a throttle is not an error), or stops when told to give up", async () => {
    const slots = new ReservedConcurrency(1);
    slots.tryAcquire();
    setTimeout(() => slots.release(), 120);
    assert.deepEqual(await slots.runWhenFree(async () => "ran"), { throttled: false, value: "ran" });
    slots.tryAcquire();
    let polls = 0;
    assert.deepEqual(await slots.runWhenFree(async () => "never", () => ++polls >= 3), { throttled: true });
    assert.equal(polls, 3, "polled until giveUp said so");
  });
});

describe("on-failure destination writes", () => {
  it("a failed write is retried until it succeeds (a dropped destination write loses the record)", async () => {
    let calls = 0;
    await writeToDestination(async () => {
      calls += 1;
      if (calls < 3) throw new Error("throttled");
    }, silentLogger, () => false);
    assert.equal(calls, 3);
  });

  it("gives up only when told, with the write's own error, after that many attempts", async () => {
    const attempts: number[] = [];
    await assert.rejects(
      writeToDestination(async () => Promise.reject(new Error("queue gone")), silentLogger, (attempt) => (attempts.push(attempt), attempt >= 2)),
      /queue gone/,
    );
    assert.deepEqual(attempts, [1, 2]);
  });
});

describe("function timeout", () => {
  it("work that finishes in time gives its value; without a timeout the work is returned as is", async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1), 7);
    assert.equal(await withTimeout(Promise.resolve(8), undefined), 8);
    await assert.rejects(withTimeout(Promise.reject(new Error("own error")), 1), /own error/);
  });

  it("work still running after the timeout fails with Lambda's message", async () => {
    const never = new Promise<never>(() => {});
    await assert.rejects(withTimeout(never, 0.05), { message: "Task timed out after 0.05 seconds" });
  });
});
