// A Stryker reporter that appends each surviving or uncovered mutant to reports/mutation/<folder>/survivors.txt
// as soon as it is tested, so survivors can be read (and killed) while a long run goes on.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PluginKind, declareClassPlugin } from "@stryker-mutator/api/plugin";

class SurvivorsReporter {
  constructor() {
    this.file = `reports/mutation/${process.env.MUTATE_FOLDER ?? "handlers"}/survivors.txt`;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, "");
  }
  onMutantTested(result) {
    if (result.status !== "Survived" && result.status !== "NoCoverage") return;
    const where = `${result.fileName}:${result.location.start.line}:${result.location.start.column + 1}`;
    appendFileSync(this.file, `${where} ${result.status} ${result.mutatorName}: ${String(result.replacement ?? "").replace(/\s+/g, " ").slice(0, 160)}\n`);
  }
}
SurvivorsReporter.inject = [];

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "survivors", SurvivorsReporter)];
