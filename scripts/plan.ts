// npm run plan -- --stack <name> [--json]: what `pulumi up` would create for a stack, computed offline under
// Pulumi mocks from Pulumi.<stack>.yaml. Table by default; with --json exactly one JSON array on stdout.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, loadStackFile, type StackConfig } from "../components/config";
import { isSecretValue, runOffline, type CapturedResource, type OfflineOptions } from "./lib/offline";

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
}

/** File assets' digests by path: every function of a handler shares one file, hashed once. */
const fileDigests = new Map<string, Promise<{ sha256: string; size: number }>>();

function fileDigest(file: string): Promise<{ sha256: string; size: number }> {
  let digest = fileDigests.get(file);
  if (!digest) {
    digest = readFile(file).then((bytes) => ({ sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length }));
    fileDigests.set(file, digest);
  }
  return digest;
}

async function assetSummary(value: unknown): Promise<unknown> {
  if (pulumi.asset.Archive.isInstance(value)) {
    const assets = await ((value as unknown as { assets: Promise<Record<string, unknown>> | Record<string, unknown> }).assets ?? {});
    const out: Record<string, unknown> = {};
    for (const [file, asset] of Object.entries(assets)) out[file] = await assetSummary(asset);
    return { archive: out };
  }
  if (pulumi.asset.Asset.isInstance(value)) {
    const text = await (value as unknown as { text?: Promise<string> | string }).text;
    if (typeof text === "string") return { asset: { sha256: createHash("sha256").update(text).digest("hex"), size: Buffer.byteLength(text) } };
    // A FileAsset: summarized by its bytes, so the plan shows the same sha256 and size as for the same text inline.
    const file = await (value as unknown as { path?: Promise<string> | string }).path;
    if (typeof file === "string") return { asset: await fileDigest(file) };
    return { asset: "file" };
  }
  return undefined;
}

/** Assets become sha256 and size; any string that carries a configured secret is masked. */
export async function sanitize(value: unknown, secrets: readonly string[]): Promise<unknown> {
  if (isSecretValue(value)) return "[secret]";
  const asset = await assetSummary(value);
  if (asset !== undefined) return asset;
  if (typeof value === "string") return secrets.some((secret) => value.includes(secret)) ? "[secret]" : value;
  if (Array.isArray(value)) return Promise.all(value.map((v) => sanitize(v, secrets)));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await sanitize(v, secrets)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export async function planOf(config: StackConfig, options: OfflineOptions = {}): Promise<{ resources: PlannedResource[]; outputs: Record<string, unknown> }> {
  const run = await runOffline(config, options);
  const secrets = Object.values(config.secrets).flat();
  const resources = await Promise.all(
    run.resources.map(async (r: CapturedResource) => ({ type: r.type, name: r.name, parent: r.parent, inputs: (await sanitize(r.inputs, secrets)) as Record<string, unknown> })),
  );
  return { resources, outputs: run.outputs };
}

function keySettings(r: PlannedResource): string {
  const i = r.inputs;
  const pick = (...keys: string[]) => keys.filter((k) => i[k] !== undefined).map((k) => `${k}=${typeof i[k] === "object" ? JSON.stringify(i[k]) : String(i[k])}`);
  switch (r.type) {
    case "aws:lambda/function:Function":
      return pick("runtime", "architectures", "memorySize", "timeout", "reservedConcurrentExecutions").join(" ");
    case "aws:sqs/queue:Queue":
      return pick("visibilityTimeoutSeconds", "messageRetentionSeconds", "redrivePolicy").join(" ");
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return pick("batchSize", "scalingConfig", "maximumRetryAttempts", "bisectBatchOnFunctionError", "functionResponseTypes").join(" ");
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return pick("metricName", "threshold", "datapointsToAlarm", "evaluationPeriods", "treatMissingData").join(" ");
    case "aws:dynamodb/table:Table":
      return pick("billingMode", "streamViewType", "pointInTimeRecovery", "deletionProtectionEnabled").join(" ");
    case "aws:kinesis/stream:Stream":
      return pick("shardCount", "encryptionType").join(" ");
    case "aws:lambda/functionUrl:FunctionUrl":
      return pick("authorizationType").join(" ");
    case "aws:lambda/permission:Permission":
      return pick("action", "functionUrlAuthType", "invokedViaFunctionUrl").join(" ");
    default:
      return "";
  }
}

async function main(argv: string[]): Promise<number> {
  let stack = "dev";
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--stack") stack = argv[++i] ?? "";
    else if (argv[i] === "--json") json = true;
    else {
      process.stderr.write(`plan: unknown argument ${argv[i]}\nusage: npm run plan -- [--stack <name>] [--json]\n`);
      return 2;
    }
  }
  process.env.WEBHOOKS_OFFLINE_PLAN = "1";
  let config: StackConfig;
  try {
    config = loadStackFile(stack);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (config.tenantsWithoutSecrets.length > 0) {
    process.stderr.write(`warning: no secret configured for ${config.tenantsWithoutSecrets.join(", ")} (pulumi up will refuse)\n`);
  }
  const plan = await planOf(config);
  if (json) {
    process.stdout.write(`${JSON.stringify(plan.resources)}\n`);
    return 0;
  }
  const rows = plan.resources.map((r) => [r.type, r.name, r.parent ?? "", keySettings(r)]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length), ["type", "name", "parent"][c]!.length));
  const line = (row: string[]) => row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join("  ");
  console.log(`stack ${stack}: ${plan.resources.length} resources\n`);
  console.log(line(["type", "name", "parent", "key settings"]));
  for (const row of rows) console.log(line(row));
  console.log("\noutputs:");
  console.log(JSON.stringify(plan.outputs, null, 2));
  return 0;
}

if (require.main === module) {
  process.on("unhandledRejection", (error) => {
    console.error("plan: unhandled rejection:", error);
    process.exit(1);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
