// CachedSecrets (handlers/adapters/secrets.ts) at its exact time boundaries: the TTL, the spacing of refresh
// attempts while stale (the smaller of the TTL and 5 s by default), and the stale limit after which it fails
// closed.
import assert from "node:assert/strict";
import { CachedSecrets } from "../../../handlers/adapters/secrets";
import { SecretsUnavailableError } from "../../../handlers/core/errors";

function source() {
  const state = { loads: 0, fail: false, value: ["s1"] };
  return { state, load: async () => (state.loads++, state.fail ? Promise.reject(new Error("down")) : [...state.value]) };
}

describe("secret cache boundaries", () => {
  it("keys are reused until exactly the TTL has passed, then loaded again", async () => {
    const s = source();
    const cache = new CachedSecrets(s, (x) => x.join(), 1000);
    await cache.get(0);
    await cache.get(999);
    assert.equal(s.state.loads, 1);
    await cache.get(1000);
    assert.equal(s.state.loads, 2);
  });

  it("while stale, a refresh is attempted at most every min(TTL, 5 s) by default; the last good keys are served meanwhile", async () => {
    const s = source();
    const stale: number[] = [];
    const cache = new CachedSecrets(s, (x) => x.join(), 60_000, (e) => stale.push(e.staleForMs));
    await cache.get(0);
    s.state.fail = true;
    assert.equal(await cache.get(60_000), "s1");
    assert.equal(s.state.loads, 2);
    assert.equal(await cache.get(64_999), "s1");
    assert.equal(s.state.loads, 2, "no attempt before 5 s");
    assert.equal(await cache.get(65_000), "s1");
    assert.equal(s.state.loads, 3, "an attempt at 5 s");
    assert.deepEqual(stale, [0, 5_000], "each failed attempt reports how long the keys have been stale");
    s.state.fail = false;
    s.state.value = ["s2"];
    assert.equal(await cache.get(70_000), "s2");
    assert.equal(await cache.get(70_001), "s2");
    assert.equal(s.state.loads, 4);

    const short = source();
    const fast = new CachedSecrets(short, (x) => x.join(), 1000);
    await fast.get(0);
    short.state.fail = true;
    await fast.get(1000);
    await fast.get(1999);
    assert.equal(short.state.loads, 2, "spacing is the TTL when shorter than 5 s");
    await fast.get(2000);
    assert.equal(short.state.loads, 3);
  });

  it("keys stale for exactly the limit are still served; past it the cache fails closed, naming both durations", async () => {
    const s = source();
    const cache = new CachedSecrets(s, (x) => x.join(), 1000, () => {}, 10_000, 1);
    await cache.get(0);
    s.state.fail = true;
    assert.equal(await cache.get(11_000), "s1", "stale for exactly 10 s (due at 1 s)");
    await assert.rejects(cache.get(11_001), (error: unknown) => error instanceof SecretsUnavailableError && error.message === "secret refresh has failed for 10 s, past the 10 s allowed for stale keys");
    await assert.rejects(cache.get(31_000), (error: unknown) => error instanceof SecretsUnavailableError && /failed for 30 s, past the 10 s/.test(error.message));
  });

  it("an unusable new secret keeps the last good keys, and says why in the stale report", async () => {
    const s = source();
    const errors: string[] = [];
    const cache = new CachedSecrets(s, (x) => {
      if (x[0] === "bad") throw new Error("not base64");
      return x.join();
    }, 1000, (e) => errors.push((e.error as Error).message));
    await cache.get(0);
    s.state.value = ["bad"];
    assert.equal(await cache.get(1000), "s1");
    assert.deepEqual(errors, ["tenant secret is unusable: not base64"]);
  });
});
