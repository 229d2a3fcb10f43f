// Every Lambda function's own resources (components/nodeFunction.ts), as the program declares them under mocks:
// a role only Lambda can assume, a policy whose first statement writes only to the function's own log group, the
// log group with the stack's retention, and the function wired to both.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { bundleFile } from "../../components/bundle";
import { loadStackFile } from "../../components/config";
import { codeArchiveOf } from "../../components/nodeFunction";
import { runOffline } from "../../scripts/lib/offline";

describe("function resources", () => {
  it("a function's code is one file, index.mjs (what the index.handler entry point loads), the handler's bundle file", async () => {
    for (const handler of ["ingest", "worker", "stream"] as const) {
      const assets = await codeArchiveOf(handler).assets;
      assert.deepEqual(Object.keys(assets), ["index.mjs"]);
      const file = assets["index.mjs"];
      assert.ok(file instanceof pulumi.asset.FileAsset, `${handler}: a file asset`);
      assert.equal(await file.path, bundleFile(handler));
    }
  });

  it("each function: its own role (Lambda only), its own log group with a retention CloudWatch Logs accepts, logs writable there only", async () => {
    const config = loadStackFile("prod");
    const run = await runOffline(config);
    const functions = run.resources.filter((r) => r.type === "aws:lambda/function:Function");
    assert.ok(functions.length >= 3);
    for (const fn of functions) {
      const base = fn.name.replace(/-fn$/, "");
      const role = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === `${base}-role`)!;
      const group = run.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.name === `${base}-logs`)!;
      const policy = run.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${base}-policy`)!;
      assert.ok(role && group && policy, `${fn.name}: role, log group and policy`);
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
      assert.equal(fn.inputs.role, role.state.arn, `${fn.name}: runs as its own role`);
      assert.equal(policy.inputs.role, `${role.name}-id`, "the policy is attached to that role");
      const statements = JSON.parse(policy.inputs.policy as string);
      assert.equal(statements.Version, "2012-10-17");
      assert.deepEqual(statements.Statement[0], { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${group.state.arn}:*`] });
      assert.ok(statements.Statement.every((s: { Effect: string }) => s.Effect === "Allow"));
      assert.equal(typeof group.inputs.retentionInDays, "number");
      assert.ok([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(group.inputs.retentionInDays as number), `${fn.name}: a retention CloudWatch Logs accepts`);
      assert.deepEqual(fn.inputs.loggingConfig, { logFormat: "Text", logGroup: group.inputs.name });
      assert.equal(fn.inputs.handler, "index.handler");
      assert.ok(typeof fn.inputs.timeout === "number" && (fn.inputs.timeout as number) >= 1 && (fn.inputs.timeout as number) <= 900, "Lambda's 1..900 s");
      assert.ok(typeof fn.inputs.memorySize === "number" && (fn.inputs.memorySize as number) >= 128 && (fn.inputs.memorySize as number) <= 10_240, "Lambda's 128..10240 MB");
      assert.match(String(fn.inputs.sourceCodeHash), /^[A-Za-z0-9+/]{43}=$/, "base64 of a SHA-256");
    }
  });
});
