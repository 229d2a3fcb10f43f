// Bundles a handler with esbuild into one ESM file for the nodejs22.x runtime. Used by the Pulumi program (so
// `pulumi up` alone builds the code) and by `npm run build` (which writes the same bytes to dist/).
// The AWS SDK is bundled rather than taken from the runtime: the version we test is the version we ship.
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync, type BuildOptions } from "esbuild";

export const HANDLERS = ["ingest", "worker", "stream"] as const;
export type HandlerName = (typeof HANDLERS)[number];

export interface Bundle {
  readonly name: HandlerName;
  readonly code: string;
  readonly sha256: string;
}

const ROOT = path.resolve(__dirname, "..");

/** How every handler is bundled (npm run bench builds its SDK-only comparison bundle with the same options). */
export const BUNDLE_OPTIONS = {
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
} as const satisfies BuildOptions;
const cache = new Map<HandlerName, Bundle>();

/** The handler's bundle, built once per process (see buildBundle). */
export function bundleHandler(name: HandlerName): Bundle {
  const cached = cache.get(name);
  if (cached) return cached;
  const bundle = buildBundle(name);
  cache.set(name, bundle);
  return bundle;
}

/** Builds `handlers/<name>.ts` into one file with BUNDLE_OPTIONS, every time it is called. */
export function buildBundle(name: HandlerName): Bundle {
  const result = buildSync({ entryPoints: [path.join(ROOT, "handlers", `${name}.ts`)], ...BUNDLE_OPTIONS });
  const code = result.outputFiles[0]!.text;
  return { name, code, sha256: createHash("sha256").update(code).digest("hex") };
}

const files = new Map<HandlerName, string>();
let fileDir: string | undefined;

function sha256Of(file: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

/** The directory bundle files go to, chosen once per process (see bundleDirUnder). */
function bundleDir(): string {
  fileDir ??= bundleDirUnder(ROOT);
  return fileDir;
}

/**
 * `<root>/node_modules/.cache/webhooks-bundles`, created when missing (at most 0755, whatever the umask): the project's own
 * cache directory. Another local user who could write there could swap a bundle between its hash check and
 * Pulumi reading it, so it is used only when it is a real directory of ours that nobody else can write; else,
 * or when it cannot be created, a fresh private directory (0700) in the OS temp dir.
 */
export function bundleDirUnder(root: string): string {
  const cache = path.join(root, "node_modules", ".cache", "webhooks-bundles");
  try {
    // The umask can only narrow the mode: a directory created here is never group- or world-writable.
    mkdirSync(cache, { recursive: true, mode: 0o755 });
    const stat = lstatSync(cache);
    const ours = process.getuid === undefined || stat.uid === process.getuid();
    // Windows reports every writable directory as 0666 and has no uid: there only a real directory is asked for.
    const notShared = process.platform === "win32" || (stat.mode & 0o022) === 0;
    if (stat.isDirectory() && notShared && ours) return cache;
  } catch {
    // Not creatable: the private directory below.
  }
  return mkdtempSync(path.join(tmpdir(), "webhooks-bundles-"));
}

/**
 * The bundle written once to a content-addressed file (`<handler>-<sha256>.mjs`), for a FileAsset: the Pulumi
 * program then hands the engine a path instead of a megabyte of text per function (and the offline plan's mocks do
 * not copy it for every function). A file already there is used only when its bytes hash to the bundle's sha256.
 */
export function bundleFile(name: HandlerName): string {
  const cached = files.get(name);
  if (cached) return cached;
  const file = contentAddressedFile(bundleDir(), bundleHandler(name));
  files.set(name, file);
  return file;
}

/**
 * `<dir>/<name>-<sha256>.mjs` holding exactly the bundle's bytes: kept when already right, else written beside it
 * and renamed into place (a reader never sees half a file), then checked again.
 */
export function contentAddressedFile(dir: string, bundle: Bundle): string {
  const file = path.join(dir, `${bundle.name}-${bundle.sha256}.mjs`);
  if (sha256Of(file) !== bundle.sha256) {
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(partial, bundle.code, { mode: 0o644 });
    renameSync(partial, file);
    if (sha256Of(file) !== bundle.sha256) throw new Error(`bundle file ${file} does not hold the ${bundle.name} bundle after writing it`);
  }
  return file;
}
