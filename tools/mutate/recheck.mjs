// node tools/mutate/recheck.mjs <folder> [--all-specs] [--only <text in the file path>]
//
// Runs every unlisted survivor of reports/mutation/<folder>/mutation.json again, one at a time, against whole
// test files rather than Stryker's per-test coverage: each mutant is applied to a copy of the project (the git
// tracked files, node_modules linked) and the folder's spec files that name the mutated module run with --bail.
// Stryker's coverage can miss a test that does reach a mutant (the module already loaded and cached by another
// test, a helper called from a hook), so a "survivor" may in fact be killed; this prints which, with the first
// failing test, and which really survive. The working tree is never touched.
//
// A mutant is skipped when the current file no longer holds the mutated code at that place (the report is older
// than the code): run `npm run mutate -- <folder>` again for those.
//
// What counts as killed: mocha ran and named a failing test. The spec files of each module are first run on the
// unmutated copy, and a module whose specs already fail there is reported and skipped; a run that crashes, times
// out (300 s) or fails without naming a test is reported as "no verdict", not as a kill. tsx does not type-check,
// so a mutant Stryker's checker would reject still runs here (it then usually survives: the safe direction).
// The copy is the tracked and untracked (not ignored) files, with node_modules linked: bundles built by the tests
// still land in node_modules/.cache, as they do for `npm test`.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { isListed, loadIgnored } from "./ignoredList.mjs";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const folder = process.argv[2];
const allSpecs = process.argv.includes("--all-specs");
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
if (!folder) {
  console.error("usage: node tools/mutate/recheck.mjs <handlers|components|local> [--all-specs] [--only <text in the file path>]");
  process.exit(2);
}

/** The folder's spec globs, read from the Stryker config (MUTATE_FOLDER selects them). */
async function specFiles() {
  process.env.MUTATE_FOLDER = folder;
  const config = (await import(new URL("./stryker.config.mjs", import.meta.url))).default;
  const globs = config.mochaOptions.spec;
  const tracked = spawnSync("git", ["ls-files", "test"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  const toRegex = (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
  return tracked.filter((file) => globs.some((glob) => toRegex(glob).test(file)));
}

/** 1-based line and column of the report to an offset in `source`. */
function offsetOf(source, { line, column }) {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = source.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

const report = JSON.parse(readFileSync(path.join(ROOT, "reports", "mutation", folder, "mutation.json"), "utf8"));
const ignored = loadIgnored();
const specs = await specFiles();

const sandbox = mkdtempSync(path.join(tmpdir(), `recheck-${folder}-`));
const results = { killed: [], survived: [], "no verdict": [], skipped: [] };
/** mocha over `run` in the copy: "passed", "failed: <first failing test>", or "no verdict: <why>". */
function mochaIn(run) {
  const mocha = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js"), "--bail", "--reporter", "dot", ...run], { cwd: sandbox, encoding: "utf8", timeout: 300_000 });
  if (mocha.status === 0) return "passed";
  const failed = /\n\s+1\) ([^\n]+)\n\s+([^\n]+)/.exec(mocha.stdout ?? "");
  if (mocha.status === null || !failed) return `no verdict: ${mocha.error?.message ?? (mocha.signal ? `killed by ${mocha.signal}` : `exit ${mocha.status} without a failing test`)}`;
  return `failed: ${failed.slice(1).join(" > ").trim().slice(0, 200)}`;
}
try {
  const files = spawnSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(sandbox, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(sandbox, file));
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(sandbox, "node_modules"));
  const baseline = new Map();
  for (const [file, entry] of Object.entries(report.files)) {
    const survivors = entry.mutants.filter((m) => (m.status === "Survived" || m.status === "NoCoverage") && !isListed(ignored, file, entry.source, m));
    if (survivors.length === 0 || (only !== undefined && !file.includes(only))) continue;
    const current = readFileSync(path.join(ROOT, file), "utf8");
    const module = file.replace(/\.ts$/, "");
    // Spec files importing the module (`.../components/config"`); a module no spec imports runs them all.
    const naming = specs.filter((spec) => readFileSync(path.join(ROOT, spec), "utf8").includes(`${module}"`));
    const run = allSpecs || naming.length === 0 ? specs : naming;
    for (const mutant of survivors) {
      const label = `${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.status} ${mutant.mutatorName}: ${String(mutant.replacement).replace(/\s+/g, " ").slice(0, 80)}`;
      const original = entry.source.slice(offsetOf(entry.source, mutant.location.start), offsetOf(entry.source, mutant.location.end));
      // Where the same code is now: the same line's text around it must still hold it.
      const lineText = entry.source.split("\n")[mutant.location.start.line - 1];
      const lineAt = current.indexOf(lineText);
      if (lineAt < 0 || current.indexOf(lineText, lineAt + 1) >= 0) {
        results.skipped.push(`${label} (the line changed or repeats)`);
        continue;
      }
      const start = lineAt + mutant.location.start.column - 1;
      if (current.slice(start, start + original.length) !== original) {
        results.skipped.push(`${label} (code moved)`);
        continue;
      }
      // The specs must pass on the unmutated copy first, or a failure says nothing about the mutant.
      const key = run.join(" ");
      if (!baseline.has(key)) baseline.set(key, mochaIn(run));
      if (baseline.get(key) !== "passed") {
        results.skipped.push(`${label} (its specs do not pass unmutated: ${baseline.get(key)})`);
        continue;
      }
      writeFileSync(path.join(sandbox, file), current.slice(0, start) + mutant.replacement + current.slice(start + original.length));
      const verdict = mochaIn(run);
      writeFileSync(path.join(sandbox, file), current);
      if (verdict === "passed") results.survived.push(`${label} (${run.length} spec files)`);
      else if (verdict.startsWith("failed: ")) results.killed.push(`${label}\n      by ${verdict.slice(8)}`);
      else results["no verdict"].push(`${label} (${verdict})`);
      process.stderr.write(verdict === "passed" ? "S" : verdict.startsWith("failed") ? "k" : "?");
    }
  }
} finally {
  rmSync(sandbox, { recursive: true, force: true });
}
process.stderr.write("\n");
for (const [kind, list] of Object.entries(results)) {
  console.log(`${kind}: ${list.length}`);
  for (const line of list) console.log(`  ${line}`);
}
