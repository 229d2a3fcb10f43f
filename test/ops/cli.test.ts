// The operator CLI's refusals, without any server: bad arguments and stacks that cannot be resolved end in one
// line on stderr naming what is wrong (the pulumi CLI, an output, the region, credentials, a running npm start),
// before anything is touched. The deployed-stack path is driven through a stand-in `pulumi` on PATH, since
// there is no Pulumi CLI or AWS account here.
import assert from "node:assert/strict";
import { once } from "node:events";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseTime } from "../../ops/args";
import { lines, ops } from "./harness";

const OUTPUTS = {
  eventsTable: "webhooks-prod-events",
  analyticsStream: "webhooks-prod-analytics",
  queues: { tenants: { acme: { queue: "https://sqs.eu-west-1.amazonaws.com/123456789012/q", dlq: "https://sqs.eu-west-1.amazonaws.com/123456789012/d", asyncFailures: "https://sqs.eu-west-1.amazonaws.com/123456789012/a" } }, analyticsFailures: "https://sqs.eu-west-1.amazonaws.com/123456789012/f" },
  functions: { tenants: { acme: { ingest: "i", worker: "w" } }, streamConsumer: "c" },
};

/** A directory with a `pulumi` that prints `stdout` (or fails with `stderr`), to put first on PATH. */
function fakePulumi(script: { stdout?: unknown; stderr?: string; status?: number }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ops-pulumi-"));
  const file = path.join(dir, "pulumi");
  const out = script.stdout === undefined ? "" : `cat <<'JSON'\n${JSON.stringify(script.stdout)}\nJSON\n`;
  writeFileSync(file, `#!/bin/sh\n${out}${script.stderr ? `echo '${script.stderr}' >&2\n` : ""}exit ${script.status ?? 0}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/** An environment with no AWS credentials anywhere the default chain looks (and no instance metadata call). */
function noCredentialsEnv(pathDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${pathDir}:${process.env.PATH}`, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials", ...extra };
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** The SDK reads credentials from process.env: swapped in for one call. */
async function withProcessEnv<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/** A loopback STS answering GetCallerIdentity for `account` (query protocol XML, or JSON if asked in JSON). */
async function fakeSts(account: string): Promise<{ endpoint: string; calls(): number; stop(): Promise<void> }> {
  let calls = 0;
  const server = createServer((request, response) => {
    calls += 1;
    request.resume();
    if (String(request.headers["content-type"] ?? "").includes("json")) {
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify({ Account: account, Arn: `arn:aws:iam::${account}:user/ops`, UserId: "AIDA" }));
      return;
    }
    response.writeHead(200, { "content-type": "text/xml" });
    response.end(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/ops</Arn><UserId>AIDA</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    calls: () => calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const LOOPBACK_ENDPOINTS = { dynamodb: "http://127.0.0.1:1", kinesis: "http://127.0.0.1:1", sqs: "http://127.0.0.1:1", lambda: "http://127.0.0.1:1", s3: "http://127.0.0.1:1" };

describe("npm run ops: arguments and stack resolution", () => {
  it("--help lists every command; each command has its own --help", async () => {
    const all = await ops(["--help"]);
    assert.equal(all.code, 0);
    for (const name of ["events", "event", "dlq", "redrive", "republish", "replay"]) {
      assert.match(all.stdout.toString(), new RegExp(`^  ${name} `, "m"));
      const one = await ops([name, "--help"]);
      assert.equal(one.code, 0, name);
      assert.match(one.stdout.toString(), new RegExp(`^usage: npm run ops -- ${name} `), name);
      assert.equal(/--dry-run/.test(one.stdout.toString()), ["redrive", "republish", "replay"].includes(name), `${name}: --dry-run exactly where data moves`);
    }
  });

  const badArgs: [string[], RegExp][] = [
    [["nope"], /unknown command 'nope'/],
    [["events", "--local"], /--tenant <id> is required/],
    [["events", "--tenant", "acme", "--since", "yesterday", "--local"], /--since: expected a duration back from now \(90m, 1h, 2d\) or an ISO time/],
    [["events", "--tenant", "acme", "--since", "1h", "--until", "2h", "--local"], /--since .* is after --until/],
    [["events", "--tenant", "acme", "--limit", "0", "--local"], /--limit must be a whole number >= 1, got '0'/],
    [["events", "--tenant", "acme", "--colour", "--local"], /Unknown option '--colour'/],
    [["event", "--tenant", "acme", "--local"], /the event id is required/],
    [["dlq", "--tenant", "acme", "--dry-run", "--local"], /Unknown option '--dry-run'/],
    [["republish", "--local"], /--since is required/],
    [["republish", "--from-failures", "--since", "1h", "--local"], /--since does not go with --from-failures/],
    [["replay", "--tenant", "acme", "--local"], /replay needs --failures/],
    [["events", "--tenant", "acme"], /name the stack: --stack <name> .* or --local/],
    [["events", "--tenant", "acme", "--endpoints", "x.json"], /--endpoints goes with --local/],
  ];
  for (const [args, message] of badArgs) {
    it(`refuses ${args.join(" ")} in one line, exit 2`, async () => {
      const run = await ops(args);
      assert.equal(run.code, 2);
      assert.equal(run.stdout.length, 0);
      assert.equal(lines(run.stderr).length, 1, run.stderr);
      assert.match(run.stderr, message);
    });
  }

  it("parses times as durations back from now or ISO times, nothing else", () => {
    const now = Date.parse("2025-06-01T12:00:00Z");
    assert.equal(parseTime("--since", "90m", now).toISOString(), "2025-06-01T10:30:00.000Z");
    assert.equal(parseTime("--since", "1h", now).toISOString(), "2025-06-01T11:00:00.000Z");
    assert.equal(parseTime("--since", "2d", now).toISOString(), "2025-05-30T12:00:00.000Z");
    assert.equal(parseTime("--since", "2025-05-31T08:00:00+02:00", now).toISOString(), "2025-05-31T06:00:00.000Z");
    assert.equal(parseTime("--since", "2024-02-29", now).toISOString(), "2024-02-29T00:00:00.000Z", "a leap day");
    for (const bad of ["1", "1w", "-1h", "now", "31/05/2025", "2025-13-45", "2025-02-30", "2025-04-31T12:00Z", "2026-02-29"]) assert.throws(() => parseTime("--since", bad, now), /expected a duration/, bad);
  });

  it("a time without Z or an offset is UTC, whatever the machine's time zone", () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"]) {
        process.env.TZ = zone;
        assert.equal(parseTime("--since", "2025-06-01T12:00", 0).toISOString(), "2025-06-01T12:00:00.000Z", zone);
        assert.equal(parseTime("--since", "2025-06-01T12:00:30.5", 0).toISOString(), "2025-06-01T12:00:30.500Z", zone);
        assert.equal(parseTime("--since", "2025-06-01", 0).toISOString(), "2025-06-01T00:00:00.000Z", zone);
        assert.equal(parseTime("--since", "2025-06-01T12:00+0530", 0).toISOString(), "2025-06-01T06:30:00.000Z", zone);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  describe("a deployed stack it cannot resolve is refused in one line naming what is missing", () => {
    const refusal = async (env: NodeJS.ProcessEnv, expected: RegExp) => {
      const run = await withProcessEnv(env, () => ops(["dlq", "--tenant", "acme", "--stack", "prod"], env));
      assert.equal(run.code, 1, run.stderr);
      assert.equal(lines(run.stderr).length, 1, run.stderr);
      assert.match(run.stderr, expected);
      assert.equal(run.stdout.length, 0);
    };

    it("no pulumi CLI", () => refusal({ ...noCredentialsEnv(mkdtempSync(path.join(tmpdir(), "ops-empty-"))), PATH: mkdtempSync(path.join(tmpdir(), "ops-empty-")) }, /stack 'prod': the pulumi CLI is not on PATH/));
    it("pulumi fails (no such stack, not logged in)", () => refusal(noCredentialsEnv(fakePulumi({ stderr: "error: no stack named prod found", status: 255 })), /pulumi stack output failed: error: no stack named prod found/));
    it("outputs missing", () => refusal(noCredentialsEnv(fakePulumi({ stdout: { eventsTable: "t", analyticsStream: "s" } })), /lacks outputs queues, functions/));
    it("no region", () => refusal(noCredentialsEnv(fakePulumi({ stdout: OUTPUTS })), /no region for stack 'prod'.*AWS_REGION is not set/));
    it("no credentials", () => refusal(noCredentialsEnv(fakePulumi({ stdout: { ...OUTPUTS, region: "eu-west-1", account: "123456789012" } })), /no AWS credentials for stack 'prod' \(eu-west-1\)/));
    it("credentials of another account", async () => {
      const sts = await fakeSts("999999999999");
      try {
        const env = noCredentialsEnv(fakePulumi({ stdout: { ...OUTPUTS, region: "eu-west-1", account: "123456789012" } }), { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "x", AWS_ACCOUNT_ID: "999999999999", AWS_ENDPOINT_URL_STS: sts.endpoint });
        await refusal(env, /credentials are for account 999999999999 but stack 'prod' is in account 123456789012/);
      } finally {
        await sts.stop();
      }
    });
    it("static keys that name no account are checked with STS: another account is refused", async () => {
      const sts = await fakeSts("999999999999");
      try {
        const env = noCredentialsEnv(fakePulumi({ stdout: { ...OUTPUTS, region: "eu-west-1", account: "123456789012" } }), { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "x", AWS_ENDPOINT_URL_STS: sts.endpoint });
        await refusal(env, /credentials are for account 999999999999 but stack 'prod' is in account 123456789012/);
        assert.equal(sts.calls(), 1, "the account was asked of STS");
      } finally {
        await sts.stop();
      }
    });
    it("an account that cannot be confirmed (STS unreachable, credentials naming none)", async () => {
      const closed = await fakeSts("0");
      await closed.stop();
      const env = noCredentialsEnv(fakePulumi({ stdout: { ...OUTPUTS, region: "eu-west-1", account: "123456789012" } }), { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "x", AWS_ENDPOINT_URL_STS: closed.endpoint, AWS_MAX_ATTEMPTS: "1" });
      await refusal(env, /cannot confirm which account the credentials for stack 'prod' act in: sts:GetCallerIdentity failed/);
    });
  });

  describe("--local without a running npm start is refused in one line", () => {
    it("no endpoints file", async () => {
      const run = await ops(["events", "--tenant", "acme", "--local", "--stack", "nosuchstack"]);
      assert.equal(run.code, 1);
      assert.equal(lines(run.stderr).length, 1);
      assert.match(run.stderr, /no local pipeline for stack 'nosuchstack': .*nosuchstack\.endpoints\.json not found \(start one with npm start -- --stack nosuchstack\)/);
    });
    it("a file left by an npm start that is gone", async () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "ops-stale-")), "dev.endpoints.json");
      // A pid above the kernel's maximum belongs to no process.
      writeFileSync(file, JSON.stringify({ stack: "dev", pid: 2 ** 22 + 1, endpoints: LOOPBACK_ENDPOINTS, ...OUTPUTS }));
      const run = await ops(["events", "--tenant", "acme", "--local", "--endpoints", file]);
      assert.equal(run.code, 1);
      assert.equal(lines(run.stderr).length, 1);
      assert.match(run.stderr, /is stale: the npm start that wrote it \(pid 4194305\) is gone/);
    });
    it("an endpoints file pointing anywhere but 127.0.0.1, or lacking one, so nothing leaves the machine", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "ops-remote-"));
      for (const [endpoints, message] of [
        [{ ...LOOPBACK_ENDPOINTS, sqs: "https://sqs.eu-west-1.amazonaws.com" }, /the sqs endpoint https:\/\/sqs\.eu-west-1\.amazonaws\.com is not on 127\.0\.0\.1/],
        [{ ...LOOPBACK_ENDPOINTS, s3: undefined }, /lacks endpoints \(dynamodb, kinesis, sqs, lambda, s3\)/],
      ] as const) {
        const file = path.join(dir, "dev.endpoints.json");
        writeFileSync(file, JSON.stringify({ stack: "dev", pid: process.pid, endpoints, ...OUTPUTS }));
        const run = await ops(["events", "--tenant", "acme", "--local", "--endpoints", file]);
        assert.equal(run.code, 1);
        assert.equal(lines(run.stderr).length, 1);
        assert.match(run.stderr, message);
      }
    });
  });
});
