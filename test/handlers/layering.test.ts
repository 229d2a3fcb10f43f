// Handlers are bundled alone into each Lambda: they never import the Pulumi program's components.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("layering", () => {
  it("no handler module imports from components/", () => {
    const offenders = sources(path.join(__dirname, "../../handlers")).filter((file) => /from\s+["'](\.\.\/)+components\//.test(readFileSync(file, "utf8")));
    assert.deepEqual(offenders, []);
  });
});
