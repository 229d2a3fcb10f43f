// npm run bench:plan [-- --tenants 50,100,200] [--stage run|plan] [--answer-delay-ms 0]
// How the offline plan scales with tenants: for each count, a generated stack (every scheme in turn, a secret
// per tenant) runs in a fresh child process, which reports the resources, the seconds and its peak RSS (the
// kernel's high-water mark, so it covers everything the process ever held) and its CPU seconds (the figure to
// compare on a busy machine: the wall clock there measures the neighbours too). `--stage run` times `runOffline`
// alone (what the component and policy tests pay); `plan` (default) adds the sanitizing `npm run plan` does.
// `--answer-delay-ms N` makes the mocks answer each registration after N ms, as an engine answers only once it has
// done the resource's step: what the program holds while a real `pulumi up` waits on AWS.
// Figures only, never a pass/fail test.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parseStackConfig, type StackConfig } from "../components/config";
import { SCHEMES, type SchemeName } from "../handlers/core/verify/types";
import { newSecret } from "../local/sign";

/** A stack of `count` tenants that passes validation: one ingest + two worker slots of concurrency each. */
export function generatedStack(count: number, stack = "bench"): StackConfig {
  const tenants: Record<string, unknown> = {};
  const secrets: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    const scheme = SCHEMES[i % SCHEMES.length] as SchemeName;
    const id = `t${String(i).padStart(4, "0")}`;
    tenants[id] = { scheme, ingestConcurrency: 1, workerConcurrency: 2, ...(scheme === "hmac-sha256" ? { hmac: { header: "X-Signature", encoding: "hex", prefix: "sha256=" } } : {}) };
    secrets[id] = [newSecret(scheme, randomBytes)];
  }
  return parseStackConfig(stack, {
    alarmEmail: "oncall@example.com",
    analyticsShards: 4,
    logRetentionDays: 90,
    pointInTimeRecovery: true,
    deletionProtection: true,
    streamConcurrency: 10,
    accountConcurrency: 100 + 10 + 3 * count,
    tenants,
    secrets,
  });
}

async function child(count: number, stage: "run" | "plan", answerDelayMs: number): Promise<void> {
  process.env.WEBHOOKS_OFFLINE_PLAN = "1";
  const config = generatedStack(count);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let resources: number;
  if (stage === "run") {
    const { runOffline } = await import("./lib/offline");
    resources = (await runOffline(config, { answerDelayMs })).resources.length;
  } else {
    const { planOf } = await import("./plan");
    const plan = await planOf(config, { answerDelayMs });
    // What `npm run plan --json` writes, so its serialization is counted too (to nowhere).
    resources = plan.resources.length;
    JSON.stringify(plan.resources).length;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // maxRSS is in KiB.
  process.stdout.write(`${JSON.stringify({ tenants: count, resources, seconds, cpuSeconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 })}\n`);
}

function main(): void {
  const { values } = parseArgs({ options: { tenants: { type: "string" }, stage: { type: "string" }, child: { type: "string" }, "answer-delay-ms": { type: "string" } }, strict: true });
  const stage = values.stage === "run" ? "run" : "plan";
  const answerDelayMs = Number(values["answer-delay-ms"] ?? 0);
  if (!Number.isFinite(answerDelayMs) || answerDelayMs < 0) throw new Error(`--answer-delay-ms must be a non-negative number, got '${values["answer-delay-ms"]}'`);
  if (values.child !== undefined) {
    void child(Number(values.child), stage, answerDelayMs).then(() => process.exit(0));
    return;
  }
  const counts = (values.tenants ?? "50,100,200").split(",").map(Number);
  console.log(`offline ${stage === "run" ? "runOffline" : "plan (runOffline + sanitize + JSON)"}, one fresh process per row${answerDelayMs > 0 ? `, each registration answered after ${answerDelayMs} ms` : ""}`);
  console.log(["tenants", "resources", "res/tenant", "seconds", "cpu s", "ms/resource", "peak RSS MiB"].join("\t"));
  let previous: { tenants: number; resources: number } | undefined;
  for (const count of counts) {
    const result = spawnSync(process.execPath, [...process.execArgv, __filename, "--child", String(count), "--stage", stage, "--answer-delay-ms", String(answerDelayMs)], { encoding: "utf8", maxBuffer: 1 << 26 });
    const line = result.stdout.trim().split("\n").pop() ?? "";
    if (result.status !== 0 || !line.startsWith("{")) {
      process.stderr.write(result.stderr);
      throw new Error(`child for ${count} tenants failed (exit ${result.status})`);
    }
    const row = JSON.parse(line) as { tenants: number; resources: number; seconds: number; cpuSeconds: number; peakRssMiB: number };
    const perTenant = previous ? (row.resources - previous.resources) / (row.tenants - previous.tenants) : row.resources / row.tenants;
    console.log([row.tenants, row.resources, perTenant.toFixed(1), row.seconds.toFixed(1), row.cpuSeconds.toFixed(1), ((row.seconds * 1000) / row.resources).toFixed(2), row.peakRssMiB.toFixed(0)].join("\t"));
    previous = row;
  }
}

if (require.main === module) main();
