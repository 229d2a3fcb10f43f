// Where tenant secrets come from (handlers/adapters/secrets.ts): Secrets Manager over the wire (FakeAws answers
// as AWS does), the local secrets file, and the one accepted shape, a non-empty JSON list of non-empty strings.
// Every failure is a SecretsUnavailableError, so ingest fails closed with a 500 instead of crashing.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { FileSecretSource, parseSecretList, SecretsManagerSource } from "../../../handlers/adapters/secrets";
import { SecretsUnavailableError } from "../../../handlers/core/errors";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/servers";
import { FakeAws, type Scripted } from "../../helpers/fakeAws";

const unavailable = (pattern: RegExp) => (error: unknown) => error instanceof SecretsUnavailableError && pattern.test(error.message);

describe("tenant secret sources", () => {
  it("only a non-empty JSON list of non-empty strings is a secret list", () => {
    assert.deepEqual(parseSecretList('["a","b"]', "w"), ["a", "b"]);
    assert.throws(() => parseSecretList("nope", "secret value"), unavailable(/^secret value: not JSON$/));
    for (const bad of ["[]", '[""]', '["a",""]', '["a",1]', '"a"', "{}", "null", '[null]']) {
      assert.throws(() => parseSecretList(bad, "where"), unavailable(/^where: expected a non-empty JSON array of non-empty strings$/), bad);
    }
  });

  async function withSecretsManager(answer: Scripted, run: (source: SecretsManagerSource, fake: FakeAws) => Promise<void>) {
    const fake = await FakeAws.start(() => answer);
    const client = new SecretsManagerClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    try {
      await run(new SecretsManagerSource(client, "arn:aws:secretsmanager:eu-west-1:1:secret:acme"), fake);
    } finally {
      client.destroy();
      await fake.stop();
    }
  }

  it("Secrets Manager: the SecretString's list, read from the tenant's secret", async () => {
    await withSecretsManager({ status: 200, body: { ARN: "arn", Name: "acme", SecretString: '["s1","s2"]' } }, async (source, fake) => {
      assert.deepEqual(await source.load(), ["s1", "s2"]);
      assert.deepEqual(fake.calls.map((c) => [c.target, c.body.SecretId]), [["secretsmanager.GetSecretValue", "arn:aws:secretsmanager:eu-west-1:1:secret:acme"]]);
    });
  });

  it("Secrets Manager: a failed call names the AWS error; a secret without SecretString or with a bad value is refused", async () => {
    await withSecretsManager({ status: 400, body: { __type: "AccessDeniedException", message: "denied" } }, async (source) => {
      await assert.rejects(source.load(), unavailable(/^GetSecretValue failed: AccessDeniedException$/));
    });
    await withSecretsManager({ status: 200, body: { ARN: "arn", SecretBinary: "AAAA" } }, async (source) => {
      await assert.rejects(source.load(), unavailable(/^secret has no SecretString$/));
    });
    await withSecretsManager({ status: 200, body: { ARN: "arn", SecretString: "[]" } }, async (source) => {
      await assert.rejects(source.load(), unavailable(/^secret value: expected/));
    });
  });

  it("secrets file: the tenant's entry; a missing file, bad JSON or a missing or bad entry is refused, naming what", async () => {
    const dir = mkdtempSync(join(tmpdir(), "secrets-"));
    const file = join(dir, "secrets.json");
    writeFileSync(file, JSON.stringify({ acme: ["a1"], globex: [] }));
    assert.deepEqual(await new FileSecretSource(file, "acme").load(), ["a1"]);
    await assert.rejects(new FileSecretSource(join(dir, "missing.json"), "acme").load(), unavailable(/^cannot read secrets file: ENOENT$/));
    await assert.rejects(new FileSecretSource(file, "initech").load(), unavailable(/^secrets file has no entry for tenant 'initech'$/));
    await assert.rejects(new FileSecretSource(file, "globex").load(), unavailable(/^secrets file entry 'globex': expected/));
    writeFileSync(file, "{not json");
    await assert.rejects(new FileSecretSource(file, "acme").load(), unavailable(/^secrets file is not JSON$/));
    writeFileSync(file, "null");
    await assert.rejects(new FileSecretSource(file, "acme").load(), unavailable(/^secrets file has no entry/));
  });
});

describe("tenant secret sources: what a failure carries", () => {
  it("a failed GetSecretValue keeps the AWS error as the cause; a thrown non-Error is named by its text", async () => {
    const aws = Object.assign(new Error("denied"), { name: "AccessDeniedException" });
    const failing = (thrown: unknown) => ({ send: async () => Promise.reject(thrown) }) as never;
    await assert.rejects(new SecretsManagerSource(failing(aws), "arn").load(), (error: unknown) => error instanceof SecretsUnavailableError && error.cause === aws);
    await assert.rejects(new SecretsManagerSource(failing("timeout"), "arn").load(), (error: unknown) => error instanceof SecretsUnavailableError && error.message === "GetSecretValue failed: timeout");
  });

  it("an unreadable secrets file keeps the file system's error as the cause", async () => {
    const missing = join(tmpdir(), `no-such-secrets-${process.pid}.json`);
    await assert.rejects(new FileSecretSource(missing, "acme").load(), (error: unknown) => error instanceof SecretsUnavailableError && (error.cause as NodeJS.ErrnoException).code === "ENOENT" && error.message === "cannot read secrets file: ENOENT");
  });
});
