// npm run bench:pipeline [-- --stack <name>] [--count N] [--fail <spec>]
// The whole local pipeline under load: every tenant of the stack gets N signed webhooks at its reserved
// concurrency. Prints accept throughput and latency, how long until everything is stored and published, and the
// process's peak memory. Figures only, never a pass/fail test; the local servers are not AWS, so compare runs
// with each other, not with the cloud.
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadStackFile } from "../components/config";
import { createLogger } from "../handlers/observability";
import { parseFailSpec } from "../local/faultProxy";
import { startLocalPipeline } from "../local/pipeline";
import { newSecret } from "../local/sign";
import { sendWebhooks } from "./send";
import { percentile } from "./lib/stats";

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { values } = parseArgs({ options: { stack: { type: "string" }, count: { type: "string" }, fail: { type: "string" } }, strict: true });
  const config = loadStackFile(values.stack ?? "dev");
  const count = Number(values.count ?? 500);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got '${values.count}'`);
  const secrets = Object.fromEntries(config.tenants.map((tenant) => [tenant.id, [newSecret(tenant.scheme, randomBytes)]]));
  const secretsFile = path.join(mkdtempSync(path.join(tmpdir(), "webhooks-bench-")), "secrets.json");
  writeFileSync(secretsFile, JSON.stringify(secrets));

  const pipeline = await startLocalPipeline({ config, port: 0, secretsFile, fail: values.fail ? parseFailSpec(values.fail) : undefined, logger: createLogger({ level: "silent" }) });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    console.log(`stack ${config.stack}: ${config.tenants.length} tenant(s) x ${count} webhooks, each at its ingest concurrency${values.fail ? `, --fail ${values.fail}` : ""}`);
    const started = performance.now();
    const reports = await Promise.all(
      config.tenants.map((tenant) => sendWebhooks({ tenant, url: pipeline.url(tenant.id), secret: secrets[tenant.id]![0]!, count, rate: 0, concurrency: tenant.ingestConcurrency })),
    );
    const sentMs = performance.now() - started;
    const latencies = reports.flatMap((report) => report.latenciesMs);
    const statuses: Record<string, number> = {};
    for (const report of reports) for (const [code, n] of Object.entries(report.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    const accepted = statuses["202"] ?? 0;

    let storedMs: number | undefined;
    let publishedMs: number | undefined;
    const deadline = performance.now() + 120_000;
    while (publishedMs === undefined && performance.now() < deadline) {
      const status = await pipeline.status();
      const totals = Object.values(status.tenants).reduce((sum, t) => ({ stored: sum.stored + t.stored, published: sum.published + t.published }), { stored: 0, published: 0 });
      if (storedMs === undefined && totals.stored >= accepted) storedMs = performance.now() - started;
      if (totals.published >= accepted) publishedMs = performance.now() - started;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }

    console.log(`responses: ${JSON.stringify(statuses)}`);
    console.log(`accepted: ${accepted} in ${(sentMs / 1000).toFixed(1)} s = ${(accepted / (sentMs / 1000)).toFixed(0)}/s`);
    console.log(`accept latency ms: p50 ${percentile(latencies, 50).toFixed(1)}  p95 ${percentile(latencies, 95).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}`);
    console.log(`all stored after ${storedMs === undefined ? "(not within 120 s)" : `${(storedMs / 1000).toFixed(1)} s`}; all published after ${publishedMs === undefined ? "(not within 120 s)" : `${(publishedMs / 1000).toFixed(1)} s`}`);
    console.log(`peak RSS of this process (handlers, emulators, kinesalite, local-aws-sqs): ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    clearInterval(sampler);
    await pipeline.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
