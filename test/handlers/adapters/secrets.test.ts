import assert from "node:assert/strict";
import { CachedSecrets, type StaleServed } from "../../../handlers/adapters/secrets";
import { SecretsUnavailableError } from "../../../handlers/core/errors";

/** A secret source whose answers the test scripts: a list, or an error to throw. */
function scriptedSource() {
  const source = {
    answer: ["one"] as string[] | Error,
    loads: 0,
    async load(): Promise<string[]> {
      source.loads += 1;
      if (source.answer instanceof Error) throw source.answer;
      return source.answer;
    },
  };
  return source;
}

const TTL = 60_000;
const MAX_STALE = 600_000;

function cache(source: ReturnType<typeof scriptedSource>, stale: StaleServed[] = [], prepare = (secrets: readonly string[]) => secrets.join("+")) {
  return new CachedSecrets(source, prepare, TTL, (s) => stale.push(s), MAX_STALE, 5_000);
}

describe("CachedSecrets (ingest's secret cache)", () => {
  it("loads once per TTL and picks up a rotated secret after it", async () => {
    const source = scriptedSource();
    const keys = cache(source);
    assert.equal(await keys.get(0), "one");
    assert.equal(await keys.get(TTL - 1), "one");
    assert.equal(source.loads, 1, "within the TTL the source is not read again");
    source.answer = ["one", "two"];
    assert.equal(await keys.get(TTL), "one+two", "a rotation lands without a redeploy");
    assert.equal(source.loads, 2);
  });

  it("prepares keys once per distinct list, not per refresh", async () => {
    const source = scriptedSource();
    let prepared = 0;
    const keys = cache(source, [], (s) => {
      prepared += 1;
      return s.join("+");
    });
    await keys.get(0);
    await keys.get(TTL);
    await keys.get(2 * TTL);
    assert.equal(source.loads, 3);
    assert.equal(prepared, 1);
  });

  it("concurrent requests past the TTL share one load", async () => {
    const source = scriptedSource();
    const keys = cache(source);
    await Promise.all([keys.get(0), keys.get(0), keys.get(0)]);
    assert.equal(source.loads, 1);
  });

  it("a failed refresh serves the last good keys, reports each failure, and retries no more than every 5 s", async () => {
    const source = scriptedSource();
    const stale: StaleServed[] = [];
    const keys = cache(source, stale);
    await keys.get(0);
    source.answer = new Error("Secrets Manager unreachable");
    assert.equal(await keys.get(TTL + 1_000), "one");
    assert.equal(stale.length, 1);
    assert.equal(stale[0]!.staleForMs, 1_000, "stale since the refresh fell due");
    assert.equal(await keys.get(TTL + 3_000), "one", "between attempts the stale keys are served without a new load");
    assert.equal(source.loads, 2);
    assert.equal(stale.length, 1);
    assert.equal(await keys.get(TTL + 7_000), "one");
    assert.equal(source.loads, 3);
    assert.equal(stale.length, 2);
    assert.equal(stale[1]!.staleForMs, 7_000);
  });

  it("an unusable new value is refused like a failed read: the last good keys stay", async () => {
    const source = scriptedSource();
    const stale: StaleServed[] = [];
    const keys = cache(source, stale, (s) => {
      if (s.includes("bad")) throw new Error("unusable");
      return s.join("+");
    });
    await keys.get(0);
    source.answer = ["bad"];
    assert.equal(await keys.get(TTL), "one");
    assert.ok(stale[0]!.error instanceof SecretsUnavailableError);
  });

  it("after the stale limit it fails closed, and recovers on the next successful refresh", async () => {
    const source = scriptedSource();
    const keys = cache(source);
    await keys.get(0);
    source.answer = new Error("down");
    await keys.get(TTL);
    await assert.rejects(keys.get(TTL + MAX_STALE + 1), SecretsUnavailableError);
    await assert.rejects(keys.get(TTL + MAX_STALE + 2), SecretsUnavailableError, "also between attempts");
    source.answer = ["two"];
    assert.equal(await keys.get(TTL + MAX_STALE + 10_000), "two");
  });

  it("with no keys ever loaded, a failure is SecretsUnavailable (fail closed)", async () => {
    const source = scriptedSource();
    source.answer = new Error("down");
    await assert.rejects(cache(source).get(0), SecretsUnavailableError);
  });
});

describe("CachedSecrets: what a rotation is, and what a failure carries", () => {
  it("a rotation that moves characters between entries is a new list, prepared again", async () => {
    const source = scriptedSource();
    const prepared: string[][] = [];
    const keys = cache(source, [], (secrets) => (prepared.push([...secrets]), secrets.join("+")));
    source.answer = ["ab", "c"];
    assert.equal(await keys.get(0), "ab+c");
    source.answer = ["a", "bc"];
    assert.equal(await keys.get(TTL), "a+bc");
    source.answer = ["a\nbc"];
    assert.equal(await keys.get(2 * TTL), "a\nbc", "a newline inside an entry is not a boundary between entries");
    source.answer = ["a", "bc"];
    assert.equal(await keys.get(3 * TTL), "a+bc");
    source.answer = ["a", "bc", "d"];
    assert.equal(await keys.get(4 * TTL), "a+bc+d", "a longer list with the same first entries");
    source.answer = ["a", "bc"];
    assert.equal(await keys.get(5 * TTL), "a+bc", "a shorter one");
    source.answer = ["a", "x"];
    assert.equal(await keys.get(6 * TTL), "a+x", "the same first entry, another second one");
    assert.deepEqual(prepared.map((list) => list.join("|")), ["ab|c", "a|bc", "a\nbc", "a|bc", "a|bc|d", "a|bc", "a|x"]);
  });

  it("the same multi-entry list is prepared once across refreshes", async () => {
    const source = scriptedSource();
    let prepared = 0;
    const keys = cache(source, [], (s) => (prepared += 1, s.join("+")));
    source.answer = ["old", "new"];
    await keys.get(0);
    source.answer = ["old", "new"];
    await keys.get(TTL);
    await keys.get(2 * TTL);
    assert.equal(source.loads, 3);
    assert.equal(prepared, 1);
  });

  it("failing closed past the stale limit keeps the refresh's error as the cause", async () => {
    const source = scriptedSource();
    const keys = cache(source);
    await keys.get(0);
    const down = new Error("down");
    source.answer = down;
    await keys.get(TTL);
    await assert.rejects(keys.get(TTL + MAX_STALE + 5_000), (error: unknown) => error instanceof SecretsUnavailableError && error.cause === down);
  });

  it("with no keys ever loaded, a source error that is not SecretsUnavailable becomes one with its text, keeping it as the cause", async () => {
    const source = scriptedSource();
    const odd = new TypeError("socket closed");
    source.answer = odd;
    await assert.rejects(cache(source).get(0), (error: unknown) => error instanceof SecretsUnavailableError && error.message === "TypeError: socket closed" && error.cause === odd);
    const unavailable = new SecretsUnavailableError("secret value: not JSON");
    source.answer = unavailable;
    await assert.rejects(cache(source).get(0), (error: unknown) => error === unavailable);
  });
});
