// Which stack the operator commands act on, and the SDK clients to act with.
// - `--local [--stack s]`: the `npm start` running for stack s (default dev), from `.local/<s>.endpoints.json`
//   that it writes while it runs (local/start.ts), in the shape of the stack outputs.
// - `--stack s`: the deployed stack, from `pulumi stack output --json --stack s` (components/stack.ts exports
//   what is needed) and the SDK's default credential chain, in the stack's region.
// Anything missing (the pulumi CLI, an output, the region, credentials, a running `npm start`) is refused in one
// line that names it, before any call that could act on the wrong account.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { OpsError, UsageError } from "./args";

export const ROOT = path.resolve(__dirname, "..");

/** The stack outputs the commands read (components/stack.ts). */
export interface StackOutputs {
  readonly eventsTable: string;
  /** The bodies bucket (issue 13); absent from a stack deployed before it, whose bodies are all inline. */
  readonly bodiesBucket?: string;
  readonly analyticsStream: string;
  readonly queues: { readonly tenants: Record<string, { queue: string; dlq: string; asyncFailures: string }>; readonly analyticsFailures: string };
  readonly functions: { readonly tenants: Record<string, { ingest: string; worker: string }>; readonly streamConsumer: string };
}

export interface Clients {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly kinesis: KinesisClient;
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
  /** Reads bodies behind a pointer (ops `event`). */
  readonly s3: S3Client;
}

export interface Target extends StackOutputs {
  readonly kind: "aws" | "local";
  readonly stack: string;
  readonly region: string;
  /** One line: which stack and account, or which local endpoints. */
  readonly where: string;
  readonly clients: Clients;
  readonly tenants: readonly string[];
  close(): void;
}

export interface ResolveOptions {
  readonly stack?: string;
  readonly local: boolean;
  /** Another endpoints file than `.local/<stack>.endpoints.json`. */
  readonly endpointsFile?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly root?: string;
}

const REQUIRED_OUTPUTS = ["eventsTable", "analyticsStream", "queues", "functions"] as const;

function checkOutputs(outputs: Record<string, unknown>, what: string): StackOutputs {
  const missing = REQUIRED_OUTPUTS.filter((name) => outputs[name] === undefined || outputs[name] === null);
  if (missing.length > 0) throw new OpsError(`${what} lacks output${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const queues = outputs.queues as Partial<StackOutputs["queues"]>;
  const functions = outputs.functions as Partial<StackOutputs["functions"]>;
  if (typeof queues?.tenants !== "object" || typeof queues.analyticsFailures !== "string") throw new OpsError(`${what}: output queues is not {tenants, analyticsFailures}`);
  if (typeof functions?.tenants !== "object") throw new OpsError(`${what}: output functions is not {tenants, streamConsumer}`);
  return outputs as unknown as StackOutputs;
}

function clientsFor(region: string, endpoints?: { dynamodb: string; kinesis: string; sqs: string; lambda: string; s3?: string }): Clients {
  // Locally the servers accept any credentials; in AWS the default chain supplies them.
  const local = endpoints ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {};
  return {
    dynamodb: new DynamoDBClient({ region, ...local, ...(endpoints ? { endpoint: endpoints.dynamodb } : {}) }),
    streams: new DynamoDBStreamsClient({ region, ...local, ...(endpoints ? { endpoint: endpoints.dynamodb } : {}) }),
    // HTTP/1.1 as the handlers' clients use: the Kinesis client defaults to HTTP/2 (for SubscribeToShard), which
    // kinesalite does not speak, and PutRecords needs nothing of it.
    kinesis: new KinesisClient({ region, ...local, ...(endpoints ? { endpoint: endpoints.kinesis } : {}), requestHandler: new NodeHttpHandler() }),
    sqs: new SQSClient({ region, ...local, ...(endpoints ? { endpoint: endpoints.sqs } : {}) }),
    lambda: new LambdaClient({ region, ...local, ...(endpoints ? { endpoint: endpoints.lambda } : {}) }),
    // Locally s3rver: path-style, and the one account it knows (local/servers.ts LOCAL_S3_CREDENTIALS).
    s3: endpoints?.s3
      ? new S3Client({ region, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, endpoint: endpoints.s3, forcePathStyle: true })
      : new S3Client({ region, ...local }),
  };
}

function target(kind: Target["kind"], stack: string, region: string, where: string, outputs: StackOutputs, clients: Clients): Target {
  return {
    kind,
    stack,
    region,
    where,
    eventsTable: outputs.eventsTable,
    ...(typeof outputs.bodiesBucket === "string" ? { bodiesBucket: outputs.bodiesBucket } : {}),
    analyticsStream: outputs.analyticsStream,
    queues: outputs.queues,
    functions: outputs.functions,
    tenants: Object.keys(outputs.queues.tenants),
    clients,
    close: () => Object.values(clients).forEach((client: { destroy(): void }) => client.destroy()),
  };
}

export function localEndpointsPath(stack: string, root: string = ROOT): string {
  return path.join(root, ".local", `${stack}.endpoints.json`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function resolveLocal(options: ResolveOptions): Target {
  const stack = options.stack ?? "dev";
  const file = options.endpointsFile ? path.resolve(options.endpointsFile) : localEndpointsPath(stack, options.root);
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) throw new OpsError(`no local pipeline for stack '${stack}': ${shown} not found (start one with npm start${stack === "dev" ? "" : ` -- --stack ${stack}`})`);
  let content: Record<string, unknown>;
  try {
    content = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new OpsError(`${shown} is not JSON: ${(error as Error).message}`);
  }
  const endpoints = content.endpoints as { dynamodb?: string; kinesis?: string; sqs?: string; s3?: string; lambda?: string } | undefined;
  if (!endpoints?.dynamodb || !endpoints.kinesis || !endpoints.sqs || !endpoints.lambda || !endpoints.s3) throw new OpsError(`${shown} lacks endpoints (dynamodb, kinesis, sqs, lambda, s3)`);
  // --local acts on npm start's servers only: an endpoints file pointing anywhere else is refused, so queue
  // contents and bodies never leave the machine (and no client falls back to AWS for a missing endpoint).
  for (const [service, endpoint] of Object.entries(endpoints)) {
    let host = "";
    try {
      host = new URL(endpoint as string).hostname;
    } catch {
      /* refused below */
    }
    if (host !== "127.0.0.1" && host !== "localhost") throw new OpsError(`${shown}: the ${service} endpoint ${String(endpoint)} is not on 127.0.0.1; --local acts only on npm start's servers`);
  }
  if (typeof content.pid === "number" && !processAlive(content.pid)) throw new OpsError(`${shown} is stale: the npm start that wrote it (pid ${content.pid}) is gone; start it again`);
  if (typeof content.stack === "string" && options.stack !== undefined && content.stack !== options.stack) throw new OpsError(`${shown} is for stack '${content.stack}', not '${options.stack}'`);
  const outputs = checkOutputs(content, shown);
  const region = typeof content.region === "string" ? content.region : "us-east-1";
  const where = `local stack ${typeof content.stack === "string" ? content.stack : stack} · sqs ${endpoints.sqs} · dynamodb ${endpoints.dynamodb} · kinesis ${endpoints.kinesis} · lambda ${endpoints.lambda}`;
  return target("local", stack, region, where, outputs, clientsFor(region, endpoints as Required<typeof endpoints>));
}

/** `pulumi stack output --json`; the CLI is the one reader of a stack's state (any backend, any login). */
export function readPulumiOutputs(stack: string, env: NodeJS.ProcessEnv, root: string = ROOT): Record<string, unknown> {
  const result = spawnSync("pulumi", ["stack", "output", "--json", "--stack", stack], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") throw new OpsError(`cannot resolve stack '${stack}': the pulumi CLI is not on PATH (it reads the stack outputs; install it, or use --local for npm start's pipeline)`);
    throw new OpsError(`cannot resolve stack '${stack}': pulumi stack output failed: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const reason = (result.stderr || result.stdout || "").split("\n").map((line) => line.trim()).filter(Boolean).pop() ?? `exit ${result.status}`;
    throw new OpsError(`cannot resolve stack '${stack}': pulumi stack output failed: ${reason}`);
  }
  try {
    const outputs = JSON.parse(result.stdout) as unknown;
    if (outputs === null || typeof outputs !== "object" || Array.isArray(outputs)) throw new Error("not an object");
    return outputs as Record<string, unknown>;
  } catch (error) {
    throw new OpsError(`cannot resolve stack '${stack}': pulumi stack output --json did not print a JSON object (${(error as Error).message})`);
  }
}

export async function resolveAws(options: ResolveOptions): Promise<Target> {
  const stack = options.stack;
  if (!stack) throw new UsageError("name the stack: --stack <name> (a deployed stack) or --local (npm start's pipeline)");
  const raw = readPulumiOutputs(stack, options.env, options.root);
  const outputs = checkOutputs(raw, `stack '${stack}' (pulumi stack output)`);
  const region = (typeof raw.region === "string" && raw.region) || options.env.AWS_REGION || options.env.AWS_DEFAULT_REGION;
  if (!region) throw new OpsError(`no region for stack '${stack}': its outputs have no region (pulumi up -s ${stack} adds it) and AWS_REGION is not set`);
  const clients = clientsFor(region);
  let credentials: { accountId?: string };
  try {
    // Resolved now, once, so a missing login is one clear line rather than the first command's stack trace.
    credentials = await clients.sqs.config.credentials();
  } catch (error) {
    Object.values(clients).forEach((client: { destroy(): void }) => client.destroy());
    throw new OpsError(`no AWS credentials for stack '${stack}' (${region}): the default chain found none (${(error as Error).message.split("\n")[0]}); set AWS_PROFILE or log in (aws sso login)`);
  }
  const account = typeof raw.account === "string" ? raw.account : undefined;
  const refuse = (message: string): never => {
    Object.values(clients).forEach((client: { destroy(): void }) => client.destroy());
    throw new OpsError(message);
  };
  // Which account the credentials act in, asked of STS: the credentials object names it only for some sources
  // (SSO, a profile's aws_account_id, AWS_ACCOUNT_ID), so static keys or an instance role would otherwise act on
  // whatever account they belong to while the line below showed the stack's.
  // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
  const sts = new STSClient({ region });
  let callerAccount: string | undefined;
  try {
    callerAccount = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    callerAccount = undefined;
    if (credentials.accountId === undefined) refuse(`cannot confirm which account the credentials for stack '${stack}' act in: sts:GetCallerIdentity failed (${(error as Error).name}); refusing to act`);
  } finally {
    sts.destroy();
  }
  const acting = callerAccount ?? credentials.accountId;
  if (!acting) refuse(`cannot confirm which account the credentials for stack '${stack}' act in; refusing to act`);
  if (account && acting !== account) refuse(`credentials are for account ${acting} but stack '${stack}' is in account ${account}: refusing to act`);
  const where = `stack ${stack} · account ${acting} · ${region}`;
  return target("aws", stack, region, where, outputs, clients);
}

export async function resolveTarget(options: ResolveOptions): Promise<Target> {
  return options.local ? resolveLocal(options) : resolveAws(options);
}
