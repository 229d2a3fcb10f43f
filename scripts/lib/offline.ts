// Runs the stack under Pulumi mocks, without AWS or the Pulumi CLI, and captures every resource with its inputs
// as the program passed them: the offline plan, the component tests and the policy-pack tests all use it.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../components/config";
import { createWebhooksStack } from "../../components/stack";

export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** Names of the resources it was declared to depend on (`dependsOn`), in the order given. */
  readonly dependsOn: readonly string[];
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** The mock's id and computed attributes (arn, url...). */
  readonly state: Record<string, unknown>;
}

export interface OfflineRun {
  readonly resources: CapturedResource[];
  readonly outputs: Record<string, unknown>;
}

/** How the Pulumi wire format marks a secret value (the mocks see inputs in that form). */
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "eu-west-1";

function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const service = type.split(":")[1]!.split("/")[0]!;
  const physical = (inputs.name as string | undefined) ?? `${name}-${createHash("sha1").update(name).digest("hex").slice(0, 7)}`;
  const arn = `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${type.split(":")[2]!.toLowerCase()}/${physical}`;
  const state: Record<string, unknown> = { ...inputs, name: physical, arn };
  switch (type) {
    case "aws:sqs/queue:Queue":
      state.arn = `arn:aws:sqs:${MOCK_REGION}:${MOCK_ACCOUNT}:${physical}`;
      state.url = `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT}/${physical}`;
      break;
    case "aws:lambda/function:Function":
      state.arn = `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${physical}`;
      break;
    case "aws:lambda/functionUrl:FunctionUrl":
      state.functionUrl = `https://${createHash("sha1").update(name).digest("hex").slice(0, 32)}.lambda-url.${MOCK_REGION}.on.aws/`;
      break;
    case "aws:dynamodb/table:Table":
      state.arn = `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT}:table/${physical}`;
      state.streamArn = `${state.arn}/stream/2026-01-01T00:00:00.000`;
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      state.arn = `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT}:log-group:${physical}`;
      break;
    case "aws:kms/key:Key":
      state.keyId = `${name}-key-id`;
      state.arn = `arn:aws:kms:${MOCK_REGION}:${MOCK_ACCOUNT}:key/${name}-key-id`;
      break;
    case "aws:s3/bucket:Bucket":
      // S3 ARNs have no region or account; the bucket's name is its `bucket` attribute (and its id).
      state.bucket = physical;
      state.arn = `arn:aws:s3:::${physical}`;
      break;
    case "aws:sns/topic:Topic":
      state.arn = `arn:aws:sns:${MOCK_REGION}:${MOCK_ACCOUNT}:${physical}`;
      break;
    case "aws:cloudwatch/dashboard:Dashboard":
      state.dashboardName = inputs.dashboardName;
      break;
  }
  return state;
}

/** Resolves every Output inside a value (the stack outputs are records of Outputs). */
async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return new Promise((done) => (value as pulumi.Output<unknown>).apply((v) => done(v)));
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export interface OfflineOptions {
  /**
   * How long the mocks take to answer each registration, ms (default 0: at once). An engine answers only once it has
   * done the resource's step; `npm run bench:plan -- --answer-delay-ms N` shows what the program holds meanwhile.
   */
  readonly answerDelayMs?: number;
}

/**
 * Runs the stack for `config` under mocks; preview=false so every apply runs as on `pulumi up`.
 *
 * What a run costs is mostly stack traces, not the stack: the Pulumi runtime formats `new Error().stack` for every
 * output property of every resource (runtime/debuggable.js, kept only to print leaked promises when
 * PULUMI_DEBUG_PROMISE_LEAKS is set) and an unbounded one per resource for its source position (resource.js
 * `callsites`, which only the engine's diagnostics read and the mocks drop), each one mapped through tsx's source
 * maps. A 200-tenant stack made ~1.7 GB of such garbage (peak RSS 2.3 GB, 43 s). So during the run, source maps
 * are off, stack traces capture no frames and resources report no source position, unless
 * WEBHOOKS_OFFLINE_STACKS=1 or PULUMI_DEBUG_PROMISE_LEAKS is set (for debugging a failing program; slow). An error
 * the program throws still carries its message and type; everything is restored when the run ends.
 */
export async function runOffline(config: StackConfig, options: OfflineOptions = {}): Promise<OfflineRun> {
  if (process.env.WEBHOOKS_OFFLINE_STACKS === "1" || process.env.PULUMI_DEBUG_PROMISE_LEAKS) return runMocked(config, options);
  const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
  const saved = { sourceMaps: (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true, stackTraceLimit: Error.stackTraceLimit, callsites: resource.callsites };
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  resource.callsites = () => [];
  try {
    return await runMocked(config, options);
  } finally {
    process.setSourceMapsEnabled(saved.sourceMaps);
    Error.stackTraceLimit = saved.stackTraceLimit;
    resource.callsites = saved.callsites;
  }
}

async function runMocked(config: StackConfig, options: OfflineOptions): Promise<OfflineRun> {
  const delay = options.answerDelayMs ?? 0;
  const resources: CapturedResource[] = [];
  const parents = new Map<string, string | null>();
  const dependencies = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = args.custom ? computedState(args.type, args.name, args.inputs) : {};
        resources.push({ type: args.type, name: args.name, parent: null, dependsOn: [], custom: args.custom ?? true, inputs: args.inputs, state });
        const answer = { id: `${args.name}-id`, state };
        return delay > 0 ? new Promise<typeof answer>((done) => setTimeout(() => done(answer), delay)) : answer;
      },
      call(args) {
        if (args.token === "aws:index/getRegion:getRegion") return { region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION };
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: MOCK_ACCOUNT, arn: "", userId: "" };
        if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        throw new Error(`no mock for the call ${args.token}`);
      },
    },
    "webhooks",
    config.stack,
    false,
  );
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const parent = args.opts.parent as (pulumi.Resource & { __name?: string; __pulumiType?: string }) | undefined;
      parents.set(`${args.type}::${args.name}`, parent && parent.__pulumiType !== "pulumi:pulumi:Stack" ? (parent.__name ?? null) : null);
      const dependsOn = [args.opts.dependsOn ?? []].flat() as (pulumi.Resource & { __name?: string })[];
      dependencies.set(`${args.type}::${args.name}`, dependsOn.map((d) => d.__name ?? "?"));
      return undefined;
    });
    return { ...(await createWebhooksStack(config)) };
  });
  const resolved = (await resolve(outputs)) as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return {
    resources: resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => ({ ...r, parent: parents.get(`${r.type}::${r.name}`) ?? null, dependsOn: dependencies.get(`${r.type}::${r.name}`) ?? [] })),
    outputs: resolved,
  };
}
