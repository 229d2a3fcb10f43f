// `npm run test:oracles [-- mocha options]`: the providers' official npm SDKs as test oracles for our verifiers
// and our local signer (test/oracles/*.oracle.ts). The SDKs live in their own package, test/oracles (own lock), so
// the root `npm ci` stays lean and CI's `npm test` never installs them; this installs it on first use (`npm ci`
// there, registry only, install scripts off), then runs mocha on the oracle files only.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const ORACLES_DIR = path.resolve(__dirname, "..", "test", "oracles");
export const ORACLE_SPEC = "test/oracles/*.oracle.ts";

/** Every dependency of test/oracles/package.json present in its node_modules. */
export function oraclesInstalled(dir = ORACLES_DIR): boolean {
  const { dependencies = {} } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(dependencies).every((name) => existsSync(path.join(dir, "node_modules", name, "package.json")));
}

if (require.main === module) {
  if (!oraclesInstalled()) {
    console.log(`installing the providers' SDKs into ${path.relative(process.cwd(), ORACLES_DIR)} (npm ci, first run only)...`);
    execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: ORACLES_DIR, stdio: "inherit" });
  }
  const result = spawnSync(process.execPath, [require.resolve("mocha/bin/mocha.js"), ORACLE_SPEC, ...process.argv.slice(2)], { stdio: "inherit" });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}
