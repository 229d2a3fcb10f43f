// Structural check over the source: every comparison of a signature, MAC or digest in handlers/ goes through
// constantTimeEqual, or digestTextEqual for a digest held as text (handlers/core/crypto.ts). No behavioural test can see a `===` on hex strings: it verifies the
// same requests, only in time that depends on how many leading bytes match.
//
// The rule, over the TypeScript AST of every handlers/**/*.ts:
// - an equality (===, !==, ==, !=), `Object.is`, `.equals(...)`, `Buffer.compare`/`.compare(...)`, or a lookup
//   (`.includes`, `.indexOf`, `.lastIndexOf`, `.has`) is flagged when one side (receiver or argument) names a
//   secret-bearing value: an identifier whose camelCase words include digest, signature, sig, mac, hmac, hash,
//   sha1/sha256, expected or provided;
// - a side that is a literal, `undefined`, `typeof ...`, or a `.length`/`.byteLength`/`.size` is public, so an
//   equality with one is never flagged (`signature === undefined`, `provided.length !== expected.length`);
// - `timingSafeEqual` is called only inside crypto.ts (constantTimeEqual also handles unequal lengths).
// Exemptions are listed below by file and exact source text, each with its reason.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ts from "typescript";

const root = join(__dirname, "..", "..");
const HELPER_FILE = "handlers/core/crypto.ts";

const SECRET_WORDS = new Set(["digest", "digests", "signature", "signatures", "sig", "sigs", "mac", "macs", "hmac", "hmacs", "hash", "hashes", "sha1", "sha256", "expected", "provided"]);

/** Comparisons that are not of secret-dependent values, each with why it may stay a plain comparison. */
const EXEMPT: readonly { readonly file: string; readonly text: string; readonly reason: string }[] = [
  {
    file: "handlers/core/verify/twilio.ts",
    text: "bodyHash.toLowerCase() !== sha256Hex(request.body)",
    reason: "runs after the signature over the URL holding bodySHA256 verified; both sides are public (the URL's hash and the hash of the sender's own body), so its timing reveals nothing",
  },
  {
    file: "handlers/core/claimCheck.ts",
    text: "p.key !== bodyKeyOf(tenant, eventId, p.sha256)",
    reason: "an S3 object key built from the tenant, the event id and the body's own sha256, all of them in the message being checked: no secret is compared, so its timing reveals nothing",
  },
];

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_$]/g, " ").toLowerCase().split(/\s+/);

function namesSecret(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && words(n.text).some((w) => SECRET_WORDS.has(w))) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function isPublic(node: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) node = node.expression;
  if (ts.isLiteralExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(node.kind)) return true;
  if (ts.isIdentifier(node) && node.text === "undefined") return true;
  if (ts.isTypeOfExpression(node) || ts.isVoidExpression(node)) return true;
  if (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand)) return true;
  if (ts.isPropertyAccessExpression(node) && ["length", "byteLength", "size"].includes(node.name.text)) return true;
  return false;
}

const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
const COMPARING_METHODS = new Set(["equals", "compare", "includes", "indexOf", "lastIndexOf", "has"]);

/** Every comparison in `source` that the rule flags. */
export function variableTimeComparisons(source: string, file: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const flag = (node: ts.Node) => findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf) });
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
      if (!isPublic(node.left) && !isPublic(node.right) && (namesSecret(node.left) || namesSecret(node.right))) flag(node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
      const sides: ts.Node[] = [...node.arguments, ...(ts.isPropertyAccessExpression(callee) ? [callee.expression] : [])];
      if (method === "timingSafeEqual" && file !== HELPER_FILE) flag(node);
      else if (method === "is" && ts.isPropertyAccessExpression(callee) && callee.expression.getText(sf) === "Object" && sides.some(namesSecret)) flag(node);
      else if (method !== undefined && COMPARING_METHODS.has(method) && ts.isPropertyAccessExpression(callee) && sides.some(namesSecret)) flag(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

/** Whether the source calls constantTimeEqual or digestTextEqual (a call in the syntax tree, not a mention). */
export function callsConstantTimeHelper(source: string, file: string): boolean {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ["constantTimeEqual", "digestTextEqual"].includes(node.expression.text)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function handlerFiles(): string[] {
  return (readdirSync(join(root, "handlers"), { recursive: true }) as string[])
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => `handlers/${name.split(sep).join("/")}`)
    .sort();
}

const scan = (file: string) => variableTimeComparisons(readFileSync(join(root, file), "utf8"), file);
const isExempt = (finding: Finding) => EXEMPT.some((e) => e.file === finding.file && e.text === finding.text);

describe("structure: signatures and digests are compared in constant time only", () => {
  it("every comparison of a signature, MAC or digest in handlers/ goes through constantTimeEqual or digestTextEqual", () => {
    const findings = handlerFiles().flatMap(scan).filter((finding) => !isExempt(finding));
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}: ${f.text}`),
      [],
      "compare signatures and digests with constantTimeEqual or digestTextEqual (handlers/core/crypto.ts), or exempt the comparison here with its reason",
    );
  });

  it("the scan reads every verifier and sees their constant-time comparisons (it cannot pass by reading nothing)", () => {
    const files = handlerFiles();
    for (const verifier of ["bodyHmac", "slack", "standardWebhooks", "stripe", "twilio"]) assert.ok(files.includes(`handlers/core/verify/${verifier}.ts`), verifier);
    assert.ok(files.includes(HELPER_FILE));
    // Bytes go through constantTimeEqual; a digest held as text (hmacText) through digestTextEqual.
    const helperCalls = files.filter((file) => file !== HELPER_FILE && callsConstantTimeHelper(readFileSync(join(root, file), "utf8"), file));
    for (const verifier of ["bodyHmac", "slack", "standardWebhooks", "stripe", "twilio"]) {
      assert.ok(helperCalls.includes(`handlers/core/verify/${verifier}.ts`), `${verifier} compares with a constant-time helper (found in ${helperCalls.join(", ")})`);
    }
  });

  it("each exemption still matches a comparison in the source (a stale one is removed, not kept)", () => {
    for (const exemption of EXEMPT) {
      assert.ok(scan(exemption.file).some(isExempt), `${exemption.file}: ${exemption.text}`);
      assert.ok(exemption.reason.length > 0);
    }
  });

  it("a helper counts as used only when it is called, not when a comment or a string names it", () => {
    assert.equal(callsConstantTimeHelper("// compared with digestTextEqual(a, b) elsewhere\nexport const x = a === b;", "x.ts"), false);
    assert.equal(callsConstantTimeHelper('export const x = "constantTimeEqual(a, b)";', "x.ts"), false);
    assert.equal(callsConstantTimeHelper("export const x = digestTextEqual(a, b, 'hex');", "x.ts"), true);
    assert.equal(callsConstantTimeHelper("export const x = [a].some((c) => constantTimeEqual(c, b));", "x.ts"), true);
  });

  describe("the rule itself", () => {
    const flagged = (expression: string, file = "handlers/core/verify/example.ts") =>
      variableTimeComparisons(`declare const provided: Buffer, expected: Buffer, digest: string, signature: string, computedSig: string, mac: Buffer, other: Buffer, header: string;\nexport const x = ${expression};\n`, file).map((f) => f.text);

    for (const bad of [
      'provided.toString("hex") === expected.toString("hex")',
      "digest === signature",
      "digest !== header",
      "header == computedSig",
      "expected.equals(provided)",
      "other.equals(mac)",
      "Buffer.compare(mac, other) === 0",
      "Object.is(digest, header)",
      "[digest].includes(header)",
      "require('node:crypto').timingSafeEqual(provided, expected)",
    ]) {
      it(`flags ${bad}`, () => assert.equal(flagged(bad).length >= 1, true, bad));
    }

    for (const fine of [
      "signature === undefined",
      'header === "bad_signature"',
      "provided.length !== expected.length",
      "typeof digest === \"string\"",
      "digest.length > 0 && mac.byteLength === 32",
      "constantTimeEqual(provided, expected)",
      "header === other.toString()",
    ]) {
      it(`does not flag ${fine}`, () => assert.deepEqual(flagged(fine), [], fine));
    }

    it("timingSafeEqual is allowed in crypto.ts only, where constantTimeEqual wraps it", () => {
      assert.deepEqual(flagged("timingSafeEqual(provided, expected)", HELPER_FILE), []);
    });
  });
});
