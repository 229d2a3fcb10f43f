// Prints the mutation score per folder from reports/mutation/<folder>/mutation.json (Stryker's JSON report):
// killed + timeout over killed + timeout + survived + no coverage; ignored and compile errors are not counted.
import { existsSync, readFileSync } from "node:fs";

const GOALS = { handlers: 85, components: 75, local: 75 };
const folders = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(GOALS);
console.log("folder       score   killed  timeout  survived  no-cov  ignored  goal");
for (const folder of folders) {
  const file = `reports/mutation/${folder}/mutation.json`;
  if (!existsSync(file)) {
    console.log(`${folder.padEnd(12)} (no report: npm run mutate -- ${folder})`);
    continue;
  }
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0 };
  for (const entry of Object.values(JSON.parse(readFileSync(file, "utf8")).files)) {
    for (const mutant of entry.mutants) if (mutant.status in counts) counts[mutant.status] += 1;
  }
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const goal = GOALS[folder] ?? 0;
  console.log(
    `${folder.padEnd(12)} ${score.toFixed(1).padStart(5)} %  ${String(counts.Killed).padStart(6)}  ${String(counts.Timeout).padStart(7)}  ${String(counts.Survived).padStart(8)}  ${String(counts.NoCoverage).padStart(6)}  ${String(counts.Ignored).padStart(7)}  >= ${goal} % ${score >= goal ? "met" : "NOT met"}`,
  );
}
