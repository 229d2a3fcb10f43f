// npm run build: writes dist/<ingest|worker|stream>/index.mjs, the same bytes the Pulumi program deploys.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { bundleHandler, HANDLERS } from "../components/bundle";

for (const name of HANDLERS) {
  const bundle = bundleHandler(name);
  const dir = path.resolve(__dirname, "..", "dist", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "index.mjs"), bundle.code);
  console.log(`dist/${name}/index.mjs  ${(bundle.code.length / 1024).toFixed(0)} KiB  sha256 ${bundle.sha256.slice(0, 16)}`);
}
