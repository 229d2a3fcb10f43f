// How handler code reaches Lambda (components/bundle.ts): esbuild options the nodejs22.x runtime needs, and the
// content-addressed files the functions' FileArchives point at.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BUNDLE_OPTIONS, buildBundle, bundleDirUnder, bundleFile, bundleHandler, contentAddressedFile, HANDLERS, type Bundle } from "../../components/bundle";

const ROOT = path.resolve(__dirname, "..", "..");
const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** A fresh directory in the OS temp dir, removed when the file's tests end. */
const scratchDirs: string[] = [];
function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bundle-files-"));
  scratchDirs.push(dir);
  return dir;
}
after(() => scratchDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function fakeBundle(code: string): Bundle {
  return { name: "ingest", code, sha256: sha256(code) };
}

describe("handler bundles: build options and files", () => {
  it("are built as one minified ESM file for Node 22 (the nodejs22.x runtime), nothing written by esbuild itself", () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (nodejs22.x); ESM handlers: .mjs
    const { banner, logLevel, absWorkingDir, ...rest } = BUNDLE_OPTIONS;
    assert.deepEqual(rest, { bundle: true, platform: "node", target: "node22", format: "esm", minify: true, legalComments: "none", write: false });
    assert.equal(absWorkingDir, ROOT);
    assert.equal(logLevel, "silent");
    // CommonJS dependencies that call require() for Node built-ins need one in ESM.
    assert.equal(banner.js, "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);");
  });

  it("the three handlers are ingest, worker and stream, each built from handlers/<name>.ts once per process", () => {
    assert.deepEqual([...HANDLERS], ["ingest", "worker", "stream"]);
    for (const name of HANDLERS) {
      const bundle = bundleHandler(name);
      assert.equal(bundle.name, name);
      assert.equal(bundle.sha256, sha256(bundle.code), `${name}: sha256 is of the code`);
      assert.ok(bundle.code.startsWith("import { createRequire as __cr }"), `${name}: the banner comes first`);
      assert.ok(!/\n\s+\n/.test(bundle.code.slice(0, 10_000)), `${name}: minified`);
      assert.equal(bundleHandler(name), bundle, `${name}: built once`);
    }
    assert.notEqual(bundleHandler("ingest").sha256, bundleHandler("worker").sha256);
  });

  it("buildBundle builds handlers/<name>.ts afresh on every call, the same bytes as the process's cached bundle", () => {
    const first = buildBundle("stream");
    const second = buildBundle("stream");
    assert.notEqual(first, second, "a new build each call");
    assert.notEqual(first, bundleHandler("stream"), "not the cached object");
    assert.deepEqual(first, bundleHandler("stream"));
  });

  describe("the bundle directory", () => {
    const roots: string[] = [];
    const freshRoot = () => {
      const root = mkdtempSync(path.join(tmpdir(), "bundle-root-"));
      roots.push(root);
      return root;
    };
    /** The directory it chose; a fallback in the OS temp dir is removed after the test. */
    const chosen = (root: string) => {
      const dir = bundleDirUnder(root);
      if (path.dirname(dir) === tmpdir()) roots.push(dir);
      return dir;
    };
    after(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    it("is <root>/node_modules/.cache/webhooks-bundles, created with its parents when missing, 0755 whatever the umask", () => {
      const root = freshRoot();
      const previous = process.umask(0);
      let dir: string;
      try {
        dir = chosen(root);
      } finally {
        process.umask(previous);
      }
      assert.equal(dir, path.join(root, "node_modules", ".cache", "webhooks-bundles"));
      assert.ok(statSync(dir).isDirectory());
      assert.equal(statSync(dir).mode & 0o777, 0o755);
      assert.equal(chosen(root), dir, "an existing directory of ours is used as it is");
    });

    it("when it cannot be created, a fresh private directory in the OS temp dir instead, a new one each time", () => {
      const root = freshRoot();
      writeFileSync(path.join(root, "node_modules"), "a file where the directory should be");
      const dir = chosen(root);
      assert.equal(path.dirname(dir), tmpdir());
      assert.match(path.basename(dir), /^webhooks-bundles-.+/);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.notEqual(chosen(root), dir);
    });

    it("an existing one owned by another user is not used: a private temp dir instead (checked where the tests run as root)", function () {
      if (process.getuid?.() !== 0) this.skip();
      const root = freshRoot();
      const dir = path.join(root, "node_modules", ".cache", "webhooks-bundles");
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      assert.equal(chosen(root), dir, "ours: used");
      chownSync(dir, 65534, 65534);
      assert.equal(path.dirname(chosen(root)), tmpdir(), "another user's");
    });

    it("an existing one that others can write, or a symlink, is not used: a private temp dir instead", () => {
      const writable = freshRoot();
      const dir = path.join(writable, "node_modules", ".cache", "webhooks-bundles");
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777);
      assert.equal(path.dirname(chosen(writable)), tmpdir(), "world-writable");
      chmodSync(dir, 0o775);
      assert.equal(path.dirname(chosen(writable)), tmpdir(), "group-writable");
      chmodSync(dir, 0o755);
      assert.equal(chosen(writable), dir, "0755: used");

      const linked = freshRoot();
      mkdirSync(path.join(linked, "node_modules", ".cache"), { recursive: true });
      symlinkSync(freshRoot(), path.join(linked, "node_modules", ".cache", "webhooks-bundles"));
      assert.equal(path.dirname(chosen(linked)), tmpdir(), "a symlink");
    });
  });

  it("a bundle file is 0644 whatever a looser umask would give (the archive's mode is the file's)", () => {
    const previous = process.umask(0);
    try {
      const dir = scratchDir();
      const file = contentAddressedFile(dir, fakeBundle("export const handler = () => 3;\n"));
      assert.equal(statSync(file).mode & 0o777, 0o644);
    } finally {
      process.umask(previous);
    }
  });

  it("bundleFile is <project>/node_modules/.cache/webhooks-bundles/<name>-<sha256>.mjs holding exactly the bundle", () => {
    for (const name of HANDLERS) {
      const bundle = bundleHandler(name);
      const file = bundleFile(name);
      assert.equal(file, path.join(ROOT, "node_modules", ".cache", "webhooks-bundles", `${name}-${bundle.sha256}.mjs`));
      assert.equal(readFileSync(file, "utf8"), bundle.code);
      assert.equal(bundleFile(name), file);
    }
  });

  it("a content-addressed file is written with its bytes, readable by everyone, and no temporary file is left", () => {
    const dir = scratchDir();
    const bundle = fakeBundle("export const handler = () => 1;\n");
    const file = contentAddressedFile(dir, bundle);
    assert.equal(file, path.join(dir, `ingest-${bundle.sha256}.mjs`));
    assert.equal(readFileSync(file, "utf8"), bundle.code);
    assert.equal(statSync(file).mode & 0o777, 0o644 & ~process.umask());
    assert.deepEqual(readdirSync(dir), [path.basename(file)]);
  });

  it("a file already holding the bundle is kept as it is; one with other bytes is replaced", () => {
    const dir = scratchDir();
    const bundle = fakeBundle("export const handler = () => 2;\n");
    const file = contentAddressedFile(dir, bundle);
    const before = statSync(file, { bigint: true });
    assert.equal(contentAddressedFile(dir, bundle), file);
    assert.equal(statSync(file, { bigint: true }).ino, before.ino, "an intact file is not rewritten");
    writeFileSync(file, "tampered");
    assert.equal(contentAddressedFile(dir, bundle), file);
    assert.equal(readFileSync(file, "utf8"), bundle.code);
    assert.deepEqual(readdirSync(dir), [path.basename(file)]);
  });

  it("a bundle whose sha256 is not its code's is refused after writing, naming the file and the handler", () => {
    const dir = scratchDir();
    const lying: Bundle = { name: "worker", code: "export {};", sha256: "0".repeat(64) };
    const file = path.join(dir, `worker-${"0".repeat(64)}.mjs`);
    assert.throws(() => contentAddressedFile(dir, lying), { message: `bundle file ${file} does not hold the worker bundle after writing it` });
  });
});
