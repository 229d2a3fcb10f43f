// npm run cost -- --stack <name> [--rate 50/s] [--body 2KiB] [--region eu-west-1|us-east-1] [--json] [--<assumption> <value>...]
// What a stack costs a month at AWS list prices: the stack's resources come from its offline plan (so alarms,
// secrets, dashboards, keys, shards and polled queues are the program's own), the figures from the pure model in
// components/cost/model.ts, the prices from components/cost/prices.ts (the stack's `aws:region`). Every
// assumption is printed with the flag that changes it. `--json` prints exactly one JSON object.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { load as loadYaml } from "js-yaml";
import { ConfigValidationError, loadStackFile, type StackConfig } from "../components/config";
import { costOf, DEFAULT_WORKLOAD, inventoryOf, WORKLOAD_ASSUMPTIONS, type CostReport, type Workload } from "../components/cost/model";
import { isRegion, PRICES, pricesOf, type Region } from "../components/cost/prices";

export class UsageError extends Error {}

/** "50/s", "3000/min", "1e6/day", "50" -> per second. */
export function parseRate(text: string): number {
  const match = /^\s*([0-9.e+]+)\s*(?:\/\s*(s|sec|second|min|minute|h|hour|day|month))?\s*$/i.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!match || !Number.isFinite(value) || value <= 0) throw new UsageError(`--rate must look like 50/s, 3000/min or 1e6/day, got '${text}'`);
  const per: Record<string, number> = { s: 1, sec: 1, second: 1, min: 60, minute: 60, h: 3600, hour: 3600, day: 86_400, month: 730 * 3600 };
  return value / per[(match[2] ?? "s").toLowerCase()]!;
}

/** "2KiB", "2 KB", "512", "1MiB" -> bytes (KB and KiB both 1024: webhook sizes are quoted either way). */
export function parseBytes(text: string): number {
  const match = /^\s*([0-9.]+)\s*(b|kib|kb|k|mib|mb|m)?\s*$/i.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!match || !Number.isFinite(value) || value <= 0) throw new UsageError(`--body must look like 2KiB, 512 or 1MiB, got '${text}'`);
  const unit = (match[2] ?? "b").toLowerCase();
  const factor = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1;
  return Math.round(value * factor);
}

export interface CostArgs {
  readonly stack: string;
  readonly json: boolean;
  readonly region?: Region;
  readonly workload: Workload;
}

export function parseCostArgs(argv: readonly string[]): CostArgs {
  let stack = "dev";
  let json = false;
  let region: Region | undefined;
  const workload: Record<string, unknown> = { ...DEFAULT_WORKLOAD };
  const byFlag = new Map(WORKLOAD_ASSUMPTIONS.map((a) => [a.flag, a.key]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--json") json = true;
    else if (flag === "--stack") stack = value();
    else if (flag === "--region") {
      const r = value();
      if (!isRegion(r)) throw new UsageError(`--region must be one of ${Object.keys(PRICES).join(", ")}, got '${r}'`);
      region = r;
    } else if (flag === "--rate") workload.ratePerSecond = parseRate(value());
    else if (flag === "--body") workload.bodyBytes = parseBytes(value());
    else if (byFlag.has(flag)) {
      const key = byFlag.get(flag)!;
      const raw = value();
      const current = DEFAULT_WORKLOAD[key];
      if (typeof current === "number") {
        const n = key === "ratePerSecond" ? parseRate(raw) : key === "bodyBytes" ? parseBytes(raw) : Number(raw);
        if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a non-negative number, got '${raw}'`);
        workload[key] = n;
      } else {
        const allowed: Record<string, readonly string[]> = { analyticsPayload: ["payload", "pointer"], kinesisMode: ["provisioned", "on-demand"], dynamodbCapacity: ["on-demand", "provisioned"], metricSeries: ["catalogue", "active"] };
        if (!allowed[key]!.includes(raw)) throw new UsageError(`${flag} must be one of ${allowed[key]!.join("|")}, got '${raw}'`);
        workload[key] = raw;
      }
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  const w = workload as unknown as Workload;
  if (w.compressionRatio <= 0 || w.compressionRatio > 1) throw new UsageError("--compression-ratio must be in (0, 1]");
  if (w.storedCompressionRatio <= 0 || w.storedCompressionRatio > 1) throw new UsageError("--stored-compression-ratio must be in (0, 1]");
  if (w.provisionedUtilization <= 0 || w.provisionedUtilization > 1) throw new UsageError("--provisioned-utilization must be in (0, 1]");
  for (const key of ["ingestMemoryMb", "sqsPollers", "idleReceiveWaitSeconds", "tableStreamShards", "secretsRefreshSeconds"] as const) {
    if (w[key] <= 0) throw new UsageError(`${WORKLOAD_ASSUMPTIONS.find((a) => a.key === key)!.flag} must be positive`);
  }
  return { stack, json, region, workload: w };
}

/** The stack file's `aws:region`. */
export function stackRegion(stack: string, root = path.resolve(__dirname, "..")): string | undefined {
  const document = loadYaml(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> } | undefined;
  const region = document?.config?.["aws:region"];
  return typeof region === "string" ? region : undefined;
}

/** The cost report of a stack: plan offline, count, model. */
export async function costOfStack(config: StackConfig, workload: Workload, region: Region): Promise<CostReport> {
  process.env.WEBHOOKS_OFFLINE_PLAN = "1";
  const { runOffline } = await import("./lib/offline");
  const run = await runOffline(config);
  return costOf(config, inventoryOf(run.resources), workload, PRICES[region]);
}

const money = (n: number) => (n === 0 ? "$0" : n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(n < 10 ? 3 : 2)}`);

export function formatReport(report: CostReport): string {
  const out: string[] = [];
  const w = report.workload;
  out.push(`stack ${report.stack} (${report.tenants} tenants), ${report.region} list prices read ${report.pricesReadOn}; no free tier applied`);
  out.push(`workload: ${w.ratePerSecond.toFixed(2)} webhooks/s (${(report.monthly.webhooks / 1e6).toFixed(1)} M a month), ${w.bodyBytes} B bodies`);
  out.push("");
  out.push(`VARIABLE per million webhooks: ${money(report.perMillionUsd)}`);
  const width = Math.max(...report.perMillion.map((l) => l.component.length));
  for (const l of report.perMillion) out.push(`  ${l.component.padEnd(width)}  ${money(l.usd).padStart(9)}  ${l.detail}`);
  out.push("");
  out.push(`FIXED per month: ${money(report.fixedMonthlyUsd)} = shared ${money(report.fixedMonthlySharedUsd)} + ${report.tenants} tenants x ${money(report.fixedMonthlyPerTenantUsd)}`);
  const fw = Math.max(...report.fixed.map((l) => l.component.length));
  out.push("  per tenant (average):");
  for (const l of report.fixed.filter((f) => f.scope === "tenant")) out.push(`    ${l.component.padEnd(fw)}  ${money(l.usd).padStart(9)}  ${l.detail}`);
  out.push("  shared:");
  for (const l of report.fixed.filter((f) => f.scope === "shared")) out.push(`    ${l.component.padEnd(fw)}  ${money(l.usd).padStart(9)}  ${l.detail}`);
  out.push("");
  out.push(`MONTH at this rate: ${money(report.monthly.variableUsd)} variable + ${money(report.fixedMonthlyUsd)} fixed = ${money(report.monthly.totalUsd)}`);
  out.push("");
  out.push("ASSUMPTIONS (each a flag):");
  for (const a of WORKLOAD_ASSUMPTIONS) out.push(`  ${`${a.flag} ${String(w[a.key])}`.padEnd(34)} ${a.meaning}`);
  out.push("  (not modelled: KMS requests of AWS-managed keys (table, stream, secrets), SNS mail, data transfer, redeliveries and duplicates, cold-start init time)");
  out.push("");
  out.push(`PRICES (${report.region}, components/cost/prices.ts):`);
  for (const { path: p, price } of pricesOf(PRICES[report.region as Region])) {
    out.push(`  ${p.padEnd(38)} $${price.usd} ${price.unit}${price.confirmed === "assumption" || price.confirmed.includes("assumption") ? "  [ASSUMPTION: not confirmed]" : ""}`);
  }
  return out.join("\n");
}

async function main(argv: string[]): Promise<number> {
  let args: CostArgs;
  let config: StackConfig;
  try {
    args = parseCostArgs(argv);
    config = loadStackFile(args.stack);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigValidationError) {
      process.stderr.write(`cost: ${error.message}\nusage: npm run cost -- --stack <name> [--rate 50/s] [--body 2KiB] [--region eu-west-1|us-east-1] [--json] [${WORKLOAD_ASSUMPTIONS.map((a) => a.flag).join("|")} <value>]\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
  const stackFileRegion = stackRegion(args.stack);
  const region = args.region ?? (stackFileRegion && isRegion(stackFileRegion) ? stackFileRegion : undefined);
  if (!region) {
    process.stderr.write(`cost: no price table for the stack's region '${stackFileRegion ?? "(none)"}'; pass --region ${Object.keys(PRICES).join("|")}\n`);
    return 1;
  }
  const report = await costOfStack(config, args.workload, region);
  process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return 0;
}

if (require.main === module) {
  process.on("unhandledRejection", (error) => {
    console.error("cost: unhandled rejection:", error);
    process.exit(1);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
