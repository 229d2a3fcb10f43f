// The ignore list (tools/mutate/ignored.md) as rows, and whether a mutant of Stryker's JSON report is listed: same
// file, mutator and replacement, on a line containing the row's code snippet (line numbers move as code changes).
import { existsSync, readFileSync } from "node:fs";

/** `| file:line | Mutator | replacement | code on that line | reason |` rows; `\|` is a literal '|'. */
export function loadIgnored() {
  const rows = [];
  const file = new URL("./ignored.md", import.meta.url);
  if (!existsSync(file)) return rows;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| file") || line.startsWith("|--")) continue;
    const cells = line.slice(2, -2).split(/ (?<!\\)\| /).map((c) => c.replace(/\\\|/g, "|").replace(/^`|`$/g, ""));
    if (cells.length < 5) continue;
    const [where, mutator, replacement, snippet] = cells;
    rows.push({ file: where.replace(/:\d+$/, ""), mutator, replacement, snippet });
  }
  return rows;
}

export function isListed(ignored, path, source, mutant) {
  const line = source.split("\n")[mutant.location.start.line - 1] ?? "";
  return ignored.some((row) => row.file === path && row.mutator === mutant.mutatorName && row.replacement === (mutant.replacement ?? "") && line.includes(row.snippet));
}
