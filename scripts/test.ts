// `npm test [-- <file or glob>... ] [mocha options]`: after `tsc --noEmit` (in package.json), runs mocha on the
// files or globs given, or on the whole suite when none is given. The suite's spec lives here, not in
// .mocharc.json, because mocha adds a config file's spec to the command line's: with it there, naming one file
// still ran everything.
import { spawnSync } from "node:child_process";

export const SUITE = "test/**/*.test.ts";

/** Mocha options that take the next argument as their value (`--grep x`), so `x` is not a file. */
const TAKES_VALUE = new Set([
  "--config", "--package", "--extension", "--file", "--ignore", "--exclude", "--require", "-r", "--spec", "--grep", "-g",
  "--fgrep", "-f", "--jobs", "-j", "--reporter", "-R", "--reporter-option", "--reporter-options", "-O", "--retries",
  "--slow", "-s", "--timeout", "-t", "--ui", "-u", "--node-option", "-n", "--watch-files", "--watch-ignore",
]);

/** Whether the arguments name any test file or glob (positionally or with --spec). */
export function namesFiles(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return i + 1 < args.length;
    if (arg === "--spec" || arg.startsWith("--spec=")) return true;
    if (!arg.startsWith("-")) return true;
    if (TAKES_VALUE.has(arg)) i += 1;
  }
  return false;
}

/** The mocha command line: the arguments as given, plus the whole suite when they name no file. */
export function mochaArgs(args: readonly string[]): string[] {
  return namesFiles(args) ? [...args] : [SUITE, ...args];
}

if (require.main === module) {
  const result = spawnSync(process.execPath, [require.resolve("mocha/bin/mocha.js"), ...mochaArgs(process.argv.slice(2))], { stdio: "inherit" });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}
