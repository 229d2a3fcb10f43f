// One Lambda function as this project deploys every function: its own role with a least-privilege inline
// policy (only its actions on its own resources), its own log group with retention, the bundled handler,
// arm64 on nodejs22.x, reserved concurrency always set.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleFile, bundleHandler, type HandlerName } from "./bundle";

export interface PolicyStatement {
  readonly actions: readonly string[];
  readonly resources: readonly pulumi.Input<string>[];
  /** IAM condition block, e.g. `dynamodb:LeadingKeys` to confine writes to one tenant's keys. */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface NodeFunctionArgs {
  /** Which handler bundle to deploy. */
  readonly handler: HandlerName;
  /** Shown in the Lambda console. */
  readonly description: pulumi.Input<string>;
  /** Environment variables (the handler's contract is handlers/env.ts). */
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Reserved concurrency: a cap and a guarantee, isolating this function from every other. */
  readonly reservedConcurrency: pulumi.Input<number>;
  readonly timeoutSeconds: pulumi.Input<number>;
  readonly memoryMb: pulumi.Input<number>;
  /** CloudWatch Logs retention of the function's log group. */
  readonly logRetentionDays: pulumi.Input<number>;
  /** The log group's name, e.g. `/aws/lambda/webhooks-prod-acme-ingest`: one people and the runbook can guess. */
  readonly logGroupName: pulumi.Input<string>;
  /** Everything the function may do besides writing its own logs. */
  readonly statements: readonly PolicyStatement[];
  /** Resources whose create or update must finish before this function's (readers of what it writes). */
  readonly deployAfter?: readonly pulumi.Resource[];
}

/**
 * One code archive per handler, shared by every function that deploys it: `index.mjs` read from the bundle's
 * content-addressed file. The archive holds the same one file with the same bytes as an inline StringAsset would,
 * but a 200-tenant stack no longer serializes (and, offline, copies) ~1 MB of text for each of its 400 functions.
 */
const archives = new Map<HandlerName, pulumi.asset.AssetArchive>();

function codeArchive(handler: HandlerName): pulumi.asset.AssetArchive {
  let archive = archives.get(handler);
  if (!archive) {
    archive = codeArchiveOf(handler);
    archives.set(handler, archive);
  }
  return archive;
}

/** A new archive of the handler's bundle file as `index.mjs` (the name the `index.handler` entry point loads). */
export function codeArchiveOf(handler: HandlerName): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.FileAsset(bundleFile(handler)) });
}

export class NodeFunction extends pulumi.ComponentResource {
  public readonly function: aws.lambda.Function;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly policy: aws.iam.RolePolicy;
  public readonly arn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:lambda:NodeFunction", name, {}, opts);

    // Named explicitly (the function itself stays auto-named: see components/naming.ts for why).
    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: args.logGroupName, retentionInDays: args.logRetentionDays }, { parent: this });

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: args.description,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );

    const statements = [
      { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [pulumi.interpolate`${this.logGroup.arn}:*`] },
      ...args.statements,
    ];
    this.policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi.all(statements.map((s) => pulumi.all([...s.resources]))).apply((resolved) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: statements.map((s, i) => ({
              Effect: "Allow",
              Action: [...s.actions],
              Resource: resolved[i],
              ...("condition" in s && s.condition ? { Condition: s.condition } : {}),
            })),
          }),
        ),
      },
      { parent: this },
    );

    const bundle = bundleHandler(args.handler);
    this.function = new aws.lambda.Function(
      `${name}-fn`,
      {
        description: args.description,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: codeArchive(args.handler),
        sourceCodeHash: Buffer.from(bundle.sha256, "hex").toString("base64"),
        role: this.role.arn,
        timeout: args.timeoutSeconds,
        memorySize: args.memoryMb,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: { variables: args.environment },
        // Advanced logging controls: logs go to the log group above (with its retention), not an implicit one.
        loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      },
      // The role must hold its permissions before Lambda validates destinations and event sources.
      { parent: this, dependsOn: [this.policy, this.logGroup, ...(args.deployAfter ?? [])] },
    );
    this.arn = this.function.arn;
    this.functionName = this.function.name;
    this.logGroupName = this.logGroup.name;
    this.registerOutputs({ arn: this.arn, functionName: this.functionName, logGroupName: this.logGroupName });
  }
}
