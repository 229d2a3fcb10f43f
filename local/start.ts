// npm start [-- --stack <name>] [--port <n>] [--secrets <file>] [--fail <spec>] [--visibility-timeout <seconds>]
// Runs the whole pipeline on 127.0.0.1 for the stack's tenants (Pulumi.<stack>.yaml, default dev): prints the
// tenants' URLs, then one live summary line. Ctrl-C drains in-flight work and stops every child process.
// While it runs, `.local/<stack>.endpoints.json` names its endpoints and resources for `npm run ops -- --local`.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigValidationError, loadStackFile, type TenantConfig } from "../components/config";
import { QUEUE, queueVisibilityTimeoutSeconds, WORKER } from "../components/settings";
import { createLogger } from "../handlers/observability";
import { FailSpecError, parseFailSpec, type FailSpec } from "./faultProxy";
import { startLocalPipeline, type LocalPipeline } from "./pipeline";
import { ensureLocalSecrets, loadSecretsFile, SecretsFileError } from "./secretsFile";
import { MissingJavaError, portIsFree } from "./servers";
import type { PipelineStatus, TenantStatus } from "./status";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: npm start [-- --stack <name>] [--port <n>] [--secrets <file>] [--fail \"sqs=0.1,dynamodb=0.05,kinesis=0.2,s3=0.1\"] [--visibility-timeout <seconds>]";

/** Where `npm start` names its endpoints for `npm run ops -- --local` (removed on stop). */
export function endpointsFilePath(stack: string, root: string = ROOT): string {
  return path.join(root, ".local", `${stack}.endpoints.json`);
}

interface StartOptions {
  readonly stack: string;
  readonly port: number;
  readonly secrets?: string;
  readonly fail?: FailSpec;
  /**
   * `--visibility-timeout`: the tenant queues' visibility timeout besides each tenant's batching window, which is
   * added as on AWS; otherwise the cloud's (components/settings.ts).
   */
  readonly visibilityTimeoutSeconds?: number;
}

class UsageError extends Error {}

/**
 * A tenant queue's visibility timeout: rehearsals shorten it so a poison message reaches the DLQ in seconds (5
 * receives x the timeout). The tenant's batching window is added either way: a poller holds a message through the
 * window, and a shorter timeout would let it turn visible mid-window and be received again.
 */
export function visibilityTimeoutSeconds(options: Pick<StartOptions, "visibilityTimeoutSeconds">, tenant: Pick<TenantConfig, "batchWindowSeconds">): number {
  return queueVisibilityTimeoutSeconds(tenant.batchWindowSeconds, options.visibilityTimeoutSeconds);
}

export function parseStartArgs(argv: readonly string[]): StartOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { stack: { type: "string" }, port: { type: "string" }, secrets: { type: "string" }, fail: { type: "string" }, "visibility-timeout": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError("");
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "8787") || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got '${values.port}'`);
  // SQS's range for VisibilityTimeout: 0 to 43,200 s (12 hours), and each tenant's batching window is added to this.
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
  const visibility = values["visibility-timeout"];
  const longest = 43_200 - WORKER.maxBatchingWindowSeconds;
  if (visibility !== undefined && (!/^\d+$/.test(visibility) || Number(visibility) > longest)) throw new UsageError(`--visibility-timeout must be whole seconds (0-${longest}), got '${visibility}'`);
  return {
    stack: values.stack ?? "dev",
    port,
    secrets: values.secrets,
    fail: values.fail === undefined ? undefined : parseFailSpec(values.fail),
    ...(visibility === undefined ? {} : { visibilityTimeoutSeconds: Number(visibility) }),
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

export function tenantTable(rows: readonly { tenant: string; scheme: string; url: string }[]): string {
  const widths = [Math.max(6, ...rows.map((row) => row.tenant.length)), Math.max(6, ...rows.map((row) => row.scheme.length))];
  const lines = [`  ${pad("TENANT", widths[0]!)}  ${pad("SCHEME", widths[1]!)}  URL`];
  for (const row of rows) lines.push(`  ${pad(row.tenant, widths[0]!)}  ${pad(row.scheme, widths[1]!)}  ${row.url}`);
  return lines.join("\n");
}

export function summaryLine(status: PipelineStatus): string {
  const total: TenantStatus = { received: 0, accepted: 0, rejected: 0, duplicates: 0, stored: 0, published: 0, dlq: 0 };
  for (const tenant of Object.values(status.tenants)) for (const key of Object.keys(total) as (keyof TenantStatus)[]) total[key] += tenant[key];
  return `received ${total.received} · accepted ${total.accepted} · rejected ${total.rejected} · duplicates ${total.duplicates} · stored ${total.stored} · published ${total.published} · dlq ${total.dlq}`;
}

async function main(): Promise<number> {
  // Node 20 here; the SDK's notice that its 2027 releases need Node 22 would fill the screen on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  let options: StartOptions;
  try {
    options = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error instanceof FailSpecError) {
      if (error.message) console.error(error.message);
      console.error(USAGE);
      return error instanceof UsageError && !error.message ? 0 : 2;
    }
    throw error;
  }

  let config;
  try {
    config = loadStackFile(options.stack, ROOT);
  } catch (error) {
    const stacks = readdirSync(ROOT).flatMap((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1] ?? []);
    if (error instanceof ConfigValidationError) throw new ConfigValidationError(`${error.message} (stacks here: ${stacks.join(", ")})`);
    throw error;
  }
  let secretsFile: string;
  if (options.secrets) {
    secretsFile = path.resolve(options.secrets);
    loadSecretsFile(secretsFile, config.tenants);
  } else {
    secretsFile = path.join(ROOT, ".local", "secrets.json");
    const { generated, replaced } = ensureLocalSecrets(secretsFile, config.tenants);
    // Printed as soon as they exist: a start that fails later must not swallow the only showing.
    if (Object.keys(generated).length > 0) {
      console.log(`New secrets, written to ${path.relative(process.cwd(), secretsFile) || secretsFile} (shown once; npm run send reads them from there):`);
      for (const [tenant, secret] of Object.entries(generated)) console.log(`  ${tenant}: ${secret}${replaced.includes(tenant) ? "   (replaces one that did not fit its scheme)" : ""}`);
      console.log("");
    }
  }

  // Before starting any server: a taken port is the commonest reason a second `npm start` fails.
  if (options.port !== 0 && !(await portIsFree(options.port))) {
    console.error(`port ${options.port} is in use: stop what holds it or pass --port <n>`);
    return 1;
  }

  const logFile = path.join(ROOT, ".local", `${config.stack}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  // This run's logs only, written synchronously: a line is in the file before the call returns, so an error path
  // that exits at once (or a crash) loses none (a page-cache write of a few hundred bytes: no cost worth buffering).
  const logFd = openSync(logFile, "w");
  const logger = createLogger({ destination: { write: (line) => writeSync(logFd, line) } });

  console.log(`webhooks: starting stack '${config.stack}' locally (DynamoDB Local, kinesalite, local-aws-sqs, s3rver)${options.fail ? `, failing ${JSON.stringify(options.fail)}` : ""}…`);
  let pipeline: LocalPipeline;
  try {
    pipeline = await startLocalPipeline({ config, port: options.port, secretsFile, fail: options.fail, logger, timing: { visibilityTimeoutSeconds: (tenant) => visibilityTimeoutSeconds(options, tenant) } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      console.error(`port ${options.port} is in use: stop what holds it or pass --port <n>`);
      return 1;
    }
    throw error;
  }

  console.log("");
  console.log(tenantTable(config.tenants.map((tenant) => ({ tenant: tenant.id, scheme: tenant.scheme, url: pipeline.url(tenant.id) }))));
  console.log("");
  console.log(`status:   http://127.0.0.1:${pipeline.port}/_local/status`);
  console.log(`servers:  dynamodb ${pipeline.endpoints.dynamodb} · kinesis ${pipeline.endpoints.kinesis} · sqs ${pipeline.endpoints.sqs} (region us-east-1, any credentials)`);
  console.log(`logs:     ${path.relative(process.cwd(), logFile) || logFile}`);
  // Written whole then renamed, so ops never reads half a file.
  const endpointsFile = endpointsFilePath(config.stack);
  writeFileSync(`${endpointsFile}.tmp`, `${JSON.stringify(pipeline.endpointsFile(), null, 2)}\n`);
  renameSync(`${endpointsFile}.tmp`, endpointsFile);
  console.log(`ops:      npm run ops -- <command> --local${options.stack === "dev" ? "" : ` --stack ${options.stack}`} (reads ${path.relative(process.cwd(), endpointsFile) || endpointsFile})`);
  if (options.visibilityTimeoutSeconds !== undefined) {
    console.log(`queues:   visibility timeout ${options.visibilityTimeoutSeconds} s + each tenant's batching window (cloud: ${QUEUE.visibilityTimeoutSeconds} s + the window)`);
  }
  console.log(`try:      npm run send -- --tenant ${config.tenants[0]!.id} --count 100${options.stack === "dev" ? "" : ` --stack ${options.stack}`}${options.port === 8787 ? "" : ` --url ${pipeline.url(config.tenants[0]!.id)}`}`);
  console.log(`ready: ${config.tenants.length} tenant(s); Ctrl-C to stop`);

  const live = process.stdout.isTTY === true;
  let last = "";
  let lastPrintedAt = 0;
  let refreshing = false;
  const refresh = async () => {
    if (refreshing) return; // a slow status read is not stacked up behind
    refreshing = true;
    try {
      const line = summaryLine(await pipeline.status());
      if (live) process.stdout.write(`\r\x1b[K${line}`);
      else if (line !== last && Date.now() - lastPrintedAt >= 5_000) {
        console.log(line);
        lastPrintedAt = Date.now();
      }
      last = line;
    } catch {
      // The status page is best effort while servers are busy; the next tick retries.
    } finally {
      refreshing = false;
    }
  };
  const ticker = setInterval(() => void refresh(), 1_000);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.log(`\n${signal} again: still draining, please wait`);
        return;
      }
      stopping = true;
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("SIGHUP", onSignal); // the terminal closed
  });
  clearInterval(ticker);
  if (live) process.stdout.write("\n");
  console.log(`draining in-flight work… (last: ${last || "no status yet"})`);
  removeOwnEndpointsFile(endpointsFile);
  await pipeline.stop();
  closeSync(logFd);
  console.log("stopped: every server and child process is down");
  return 0;
}

/** Removes the endpoints file unless another `npm start` of the same stack has replaced it since. */
function removeOwnEndpointsFile(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as { pid?: number }).pid === process.pid) rmSync(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      if (error instanceof MissingJavaError || error instanceof ConfigValidationError || error instanceof SecretsFileError) console.error(error.message);
      else console.error(`npm start failed: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}
