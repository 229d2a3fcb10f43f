// Bundles a handler with esbuild into one ESM file for the nodejs22.x runtime. Used by the Pulumi program (so
// `pulumi up` alone builds the code) and by `npm run build` (which writes the same bytes to dist/).
// The AWS SDK is bundled rather than taken from the runtime: the version we test is the version we ship.
import { createHash } from "node:crypto";
import * as path from "node:path";
import { buildSync } from "esbuild";

export const HANDLERS = ["ingest", "worker", "stream"] as const;
export type HandlerName = (typeof HANDLERS)[number];

export interface Bundle {
  readonly name: HandlerName;
  readonly code: string;
  readonly sha256: string;
}

const ROOT = path.resolve(__dirname, "..");
const cache = new Map<HandlerName, Bundle>();

export function bundleHandler(name: HandlerName): Bundle {
  const cached = cache.get(name);
  if (cached) return cached;
  const result = buildSync({
    entryPoints: [path.join(ROOT, "handlers", `${name}.ts`)],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    legalComments: "none",
    write: false,
    absWorkingDir: ROOT,
    // Some CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  const bundle = { name, code, sha256: createHash("sha256").update(code).digest("hex") };
  cache.set(name, bundle);
  return bundle;
}
