import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mochaArgs, SUITE } from "../../scripts/test";

const root = join(__dirname, "..", "..");

describe("npm test runner (scripts/test.ts)", () => {
  it("with no arguments, or only options, runs the whole suite", () => {
    assert.deepEqual(mochaArgs([]), [SUITE]);
    assert.deepEqual(mochaArgs(["--grep", "Kinesis", "-t", "5000", "--bail"]), [SUITE, "--grep", "Kinesis", "-t", "5000", "--bail"]);
    assert.deepEqual(mochaArgs(["--reporter=dot"]), [SUITE, "--reporter=dot"]);
  });

  it("with files or globs, runs just those", () => {
    assert.deepEqual(mochaArgs(["test/handlers/adapters/kinesis.test.ts"]), ["test/handlers/adapters/kinesis.test.ts"]);
    assert.deepEqual(mochaArgs(["test/local/*.test.ts", "--grep", "x"]), ["test/local/*.test.ts", "--grep", "x"]);
    assert.deepEqual(mochaArgs(["-g", "x", "test/a.test.ts"]), ["-g", "x", "test/a.test.ts"]);
    assert.deepEqual(mochaArgs(["--spec", "test/a.test.ts"]), ["--spec", "test/a.test.ts"]);
  });

  it("the mocha config names no spec (mocha would add it to the files given) and npm test goes through the runner", () => {
    const config = JSON.parse(readFileSync(join(root, ".mocharc.json"), "utf8")) as Record<string, unknown>;
    assert.equal(config.spec, undefined);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.test, "tsc --noEmit && tsx scripts/test.ts");
  });
});
