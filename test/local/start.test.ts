// `npm start` as a user runs it (the same script, a real child process): it comes up, answers, and Ctrl-C
// (SIGINT) drains and stops everything, leaving no process and no port behind. Bad input fails in one line.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadStackFile } from "../../components/config";
import { dynamoDbLocalArgs, freePort, javaMajorVersion, portIsFree } from "../../local/servers";
import { tenantVisibilityTimeoutSeconds } from "../../local/pipeline";
import { parseStartArgs, summaryLine, tenantTable, visibilityTimeoutSeconds } from "../../local/start";
import { postSigned, writeSecrets } from "../helpers/localPipeline";

const ROOT = path.resolve(__dirname, "..", "..");
const START = path.join(ROOT, "local", "start.ts");

function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", START, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitForOutput(output: () => string, pattern: RegExp, child: ChildProcess, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = output().match(pattern);
    if (match) return match;
    if (child.exitCode !== null) assert.fail(`exited ${child.exitCode} before ${pattern}:\n${output()}`);
    if (Date.now() > deadline) assert.fail(`no ${pattern} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return code;
}

describe("npm start (local/start.ts)", function () {
  this.timeout(60_000);
  const config = loadStackFile("dev");

  it("comes up with every tenant's URL, serves webhooks and status; Ctrl-C stops every server, no process or port left", async () => {
    const { file, secrets } = writeSecrets(config.tenants);
    const port = await freePort();
    const { child, output } = startCli(["--port", String(port), "--secrets", file]);
    try {
      await waitForOutput(output, /ready: 2 tenant\(s\)/, child, 40_000);
      for (const tenant of config.tenants) assert.match(output(), new RegExp(`${tenant.id}\\s+${tenant.scheme}\\s+http://127\\.0\\.0\\.1:${port}/${tenant.id}`));
      const servers = output().match(/servers:\s+dynamodb http:\/\/127\.0\.0\.1:(\d+) · kinesis http:\/\/127\.0\.0\.1:(\d+) · sqs http:\/\/127\.0\.0\.1:(\d+)/);
      assert.ok(servers, output());
      const ports = [port, ...servers.slice(1, 4).map(Number)];

      const tenant = config.tenants[0]!;
      const posted = await postSigned(`http://127.0.0.1:${port}/${tenant.id}`, tenant, secrets.get(tenant.id)!);
      assert.equal(posted.status, 202);
      const status = (await (await fetch(`http://127.0.0.1:${port}/_local/status`)).json()) as { tenants: Record<string, { accepted: number }> };
      assert.equal(status.tenants[tenant.id]!.accepted, 1);

      child.kill("SIGINT");
      assert.equal(await exitOf(child, 30_000), 0, output());
      assert.match(output(), /stopped: every server and child process is down/);
      // The run's log file holds the handlers' JSON lines, flushed by the stop: the accepted event among them.
      const logLines = readFileSync(path.join(ROOT, ".local", "dev.log"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.ok(logLines.some((line) => line.msg === "event accepted" && line.tenant === tenant.id && line.level === "info"), "no 'event accepted' line in .local/dev.log");
      for (const used of ports) assert.ok(await portIsFree(used), `port ${used} still taken after stop`);
      const java = spawnSync("pgrep", ["-f", `DynamoDBLocal.jar.*-port ${servers[1]}`], { encoding: "utf8" });
      assert.equal(java.stdout.trim(), "", "DynamoDB Local (Java) still running");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("even killed with SIGKILL (no handler runs) it leaves no Java behind", async () => {
    const { file } = writeSecrets(config.tenants);
    const { child, output } = startCli(["--port", "0", "--secrets", file]);
    try {
      await waitForOutput(output, /ready: /, child, 40_000);
      const dynamodbPort = output().match(/servers:\s+dynamodb http:\/\/127\.0\.0\.1:(\d+)/)![1];
      const javaRunning = () => spawnSync("pgrep", ["-f", `DynamoDBLocal.jar.*-port ${dynamodbPort}`], { encoding: "utf8" }).stdout.trim();
      assert.notEqual(javaRunning(), "", "Java runs while npm start does");
      child.kill("SIGKILL");
      await exitOf(child, 5_000);
      const deadline = Date.now() + 10_000;
      while (javaRunning() !== "" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(javaRunning(), "", "DynamoDB Local outlived npm start");
      assert.ok(await portIsFree(Number(dynamodbPort)));
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("without Java it fails in one line that says what to install", async () => {
    // node is started by its absolute path, so an empty PATH hides only `java`.
    const { child, output } = startCli(["--port", "0", "--secrets", writeSecrets(config.tenants).file], { ...process.env, PATH: "/nonexistent" });
    const code = await exitOf(child, 30_000);
    assert.equal(code, 1);
    assert.doesNotMatch(output(), /\n\s+at /, "no stack trace");
    const errors = output().split("\n").filter((line) => /Java/.test(line));
    assert.deepEqual(errors, ["DynamoDB Local needs Java 17 or newer: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) and retry"]);
  });

  it("bad arguments, a missing stack or a secrets file without a tenant fail at once, naming what is wrong", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--fail", "lambda=0.1"], 2, /unknown service 'lambda'/],
      [["--port", "http"], 2, /--port must be a port number/],
      [["--frobnicate"], 2, /Unknown option '--frobnicate'/],
      [["--stack", "nope"], 1, /Pulumi\.nope\.yaml.*stacks here: dev, prod/],
    ];
    const { file } = writeSecrets(config.tenants.slice(0, 1));
    cases.push([["--secrets", file], 1, new RegExp(`no entry for tenant '${config.tenants[1]!.id}'`)]);
    const holder = createServer();
    holder.listen(0, "127.0.0.1");
    await once(holder, "listening");
    const heldPort = (holder.address() as { port: number }).port;
    cases.push([["--port", String(heldPort), "--secrets", writeSecrets(config.tenants).file], 1, new RegExp(`port ${heldPort} is in use`)]);
    try {
      for (const [args, expected, pattern] of cases) {
        const { child, output } = startCli(args);
        assert.equal(await exitOf(child, 30_000), expected, `${args.join(" ")}: ${output()}`);
        assert.match(output(), pattern, `${args.join(" ")}: ${output()}`);
        assert.doesNotMatch(output(), /ready:/);
        assert.doesNotMatch(output(), /\n\s+at /, "no stack trace");
      }
    } finally {
      holder.close();
    }
  });

  it("with a Java older than 17 it says which one it found", async () => {
    const bin = mkdtempSync(path.join(tmpdir(), "old-java-"));
    writeFileSync(path.join(bin, "java"), '#!/bin/sh\necho \'java version "1.8.0_292"\' >&2\n', { mode: 0o755 });
    const { child, output } = startCli(["--port", "0", "--secrets", writeSecrets(config.tenants).file], { ...process.env, PATH: bin });
    assert.equal(await exitOf(child, 30_000), 1);
    assert.match(output(), /DynamoDB Local needs Java 17 or newer \(found Java 8\)/);
  });

  it("DynamoDB Local runs with its telemetry off (nothing may call out) and without open CORS", () => {
    const args = dynamoDbLocalArgs("/jar", 8000);
    assert.ok(args.includes("-disableTelemetry"));
    assert.equal(args[args.indexOf("-cors") + 1], "http://127.0.0.1");
  });

  it("reads Java's major version from both of its version formats", () => {
    assert.equal(javaMajorVersion('openjdk version "17.0.15" 2025-04-15'), 17);
    assert.equal(javaMajorVersion('java version "1.8.0_292"'), 8);
    assert.equal(javaMajorVersion('openjdk version "21" 2023-09-19'), 21);
    assert.equal(javaMajorVersion("no version here"), undefined);
  });

  it("parses its documented interface", () => {
    assert.deepEqual(parseStartArgs([]), { stack: "dev", port: 8787, secrets: undefined, fail: undefined });
    assert.deepEqual(parseStartArgs(["--stack", "prod", "--port", "9000", "--secrets", "s.json", "--fail", "sqs=0.1,dynamodb=0.05,kinesis=0.2"]), {
      stack: "prod",
      port: 9000,
      secrets: "s.json",
      fail: { sqs: 0.1, dynamodb: 0.05, kinesis: 0.2 },
    });
    assert.match(tenantTable([{ tenant: "acme", scheme: "stripe", url: "http://127.0.0.1:8787/acme" }]), /acme\s+stripe\s+http:\/\/127\.0\.0\.1:8787\/acme/);
    assert.equal(parseStartArgs(["--visibility-timeout", "2"]).visibilityTimeoutSeconds, 2);
    // SQS's 12 hours (43,200 s) less the longest batching window (60 s), which is added to it.
    assert.equal(parseStartArgs(["--visibility-timeout", "43140"]).visibilityTimeoutSeconds, 43_140);
    for (const bad of ["43141", "1.5", "soon"]) assert.throws(() => parseStartArgs(["--visibility-timeout", bad]), /--visibility-timeout must be whole seconds \(0-43140\)/, bad);
    const zero = { received: 0, accepted: 0, rejected: 0, duplicates: 0, stored: 0, published: 0, dlq: 0 };
    assert.equal(
      summaryLine({ tenants: { a: { ...zero, received: 3, accepted: 2, rejected: 1, stored: 2, published: 1 }, b: { ...zero, received: 1, accepted: 1, dlq: 1 } } }),
      "received 4 · accepted 3 · rejected 1 · duplicates 0 · stored 2 · published 1 · dlq 1",
    );
  });

  it("queues' visibility timeout: the cloud's (6x the worker timeout + the tenant's batching window) unless rehearsing, and the window is added to a rehearsal's too", () => {
    const [one, twelve] = [{ batchWindowSeconds: 1 }, { batchWindowSeconds: 12 }];
    assert.equal(visibilityTimeoutSeconds({}, one), 181);
    assert.equal(visibilityTimeoutSeconds({}, twelve), 192);
    // --visibility-timeout 2 with a 12 s window: 14 s, so a message a poller holds through the window does not turn
    // visible (and get received again, towards the DLQ) before the worker runs.
    assert.equal(visibilityTimeoutSeconds({ visibilityTimeoutSeconds: 2 }, twelve), 14);
    const tenant = { ...loadStackFile("dev").tenants[0]!, batchWindowSeconds: 12 };
    assert.equal(tenantVisibilityTimeoutSeconds({}, tenant), 192, "unset: the cloud's");
    assert.equal(tenantVisibilityTimeoutSeconds({ visibilityTimeoutSeconds: 3 }, tenant), 3, "a number: as given (tests)");
    assert.equal(tenantVisibilityTimeoutSeconds({ visibilityTimeoutSeconds: (t) => t.batchWindowSeconds * 2 }, tenant), 24, "a function: per tenant");
  });
});
