// The tests (and `npm start`) run on the Node major the functions are deployed on. The runtime is read from the
// enum member components/nodeFunction.ts names, its value from @pulumi/aws, so neither side is hard-coded here.
// The Node binary itself comes from the `node` dev dependency: npm puts node_modules/.bin first on PATH in
// scripts, so `#!/usr/bin/env node` in mocha and tsx resolves to it whatever Node runs npm.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";

const ROOT = path.resolve(__dirname, "..");

function deployedRuntime(): string {
  const source = readFileSync(path.join(ROOT, "components", "nodeFunction.ts"), "utf8");
  const members = new Set([...source.matchAll(/aws\.lambda\.Runtime\.(\w+)/g)].map((m) => m[1]!));
  assert.equal(members.size, 1, `components/nodeFunction.ts names exactly one Lambda runtime, found ${[...members].join(", ") || "none"}`);
  const member = [...members][0]!;
  const value = (aws.lambda.Runtime as Record<string, string>)[member];
  assert.ok(value, `aws.lambda.Runtime.${member} exists in @pulumi/aws`);
  return value;
}

describe("runtime", () => {
  const runtime = deployedRuntime();

  it(`runs on the Lambda runtime's Node major (${runtime}): this is ${process.version} at ${process.execPath}`, () => {
    const match = /^nodejs(\d+)\.x$/.exec(runtime);
    assert.ok(match, `${runtime} is a Node.js runtime`);
    assert.equal(
      Number(process.versions.node.split(".")[0]),
      Number(match[1]),
      `tests run on Node ${process.version}, functions deploy on ${runtime}: run them through npm (npm test), which puts node_modules/.bin/node first on PATH`,
    );
  });

  it("pins the node dev dependency to the same major", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
    const installed = JSON.parse(readFileSync(path.join(ROOT, "node_modules", "node", "package.json"), "utf8")) as { version: string };
    const major = /^nodejs(\d+)\.x$/.exec(runtime)![1];
    assert.match(pkg.devDependencies?.node ?? "", new RegExp(`^[~^]?${major}\\.`), `package.json devDependencies.node is Node ${major}`);
    assert.equal(installed.version.split(".")[0], major);
  });
});
