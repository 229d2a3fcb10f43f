// Prints the mutation score per folder from reports/mutation/<folder>/mutation.json (Stryker's JSON report):
// detected (killed + timeout) over valid (detected + survived + no coverage); compile errors and ignored mutants
// are not counted, as Stryker counts them. A survivor listed in tools/mutate/ignored.md (same file, mutator and
// replacement, on a line containing the row's code snippet) is an accepted equivalent mutant: the second score leaves those out. Unlisted survivors are
// printed, so a new one cannot hide.
import { existsSync, readFileSync } from "node:fs";
import { isListed as listedIn, loadIgnored } from "./ignoredList.mjs";

const GOALS = { handlers: 85, components: 75, local: 75 };
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const verbose = process.argv.includes("--survivors");
const folders = args.length ? args : Object.keys(GOALS);

const ignored = loadIgnored();
const isListed = (path, source, mutant) => listedIn(ignored, path, source, mutant);
const pct = (n, d) => (d === 0 ? 100 : (100 * n) / d);
console.log("folder       score  w/o listed  killed  timeout  survived  listed  no-cov  goal");
for (const folder of folders) {
  const report = `reports/mutation/${folder}/mutation.json`;
  if (!existsSync(report)) {
    console.log(`${folder.padEnd(12)} (no report: npm run mutate -- ${folder})`);
    continue;
  }
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, listed: 0 };
  const unlisted = [];
  for (const [path, entry] of Object.entries(JSON.parse(readFileSync(report, "utf8")).files)) {
    for (const mutant of entry.mutants) {
      if (!(mutant.status in counts)) continue;
      counts[mutant.status] += 1;
      if (mutant.status === "Survived" || mutant.status === "NoCoverage") {
        if (isListed(path, entry.source, mutant)) counts.listed += 1;
        else unlisted.push(`${path}:${mutant.location.start.line} ${mutant.status} ${mutant.mutatorName}: ${String(mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 100)}`);
      }
    }
  }
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  const raw = pct(detected, valid);
  const adjusted = pct(detected, valid - counts.listed);
  const goal = GOALS[folder] ?? 0;
  const col = (v, w) => String(v).padStart(w);
  console.log(
    `${folder.padEnd(12)} ${raw.toFixed(1).padStart(5)} %  ${adjusted.toFixed(1).padStart(7)} %  ${col(counts.Killed, 6)}  ${col(counts.Timeout, 7)}  ${col(counts.Survived, 8)}  ${col(counts.listed, 6)}  ${col(counts.NoCoverage, 6)}  >= ${goal} %: ${raw >= goal ? "met" : adjusted >= goal ? "met without listed equivalents" : "NOT met"}`,
  );
  if (verbose) for (const line of unlisted) console.log(`  ${line}`);
}
