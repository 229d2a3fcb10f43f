// StrykerJS over one folder at a time: `npm run mutate [-- handlers|components|local]` (tools/mutate/run.sh sets
// MUTATE_FOLDER). Each folder runs only the tests that exercise it, and per-test coverage narrows that further to
// the tests that reach each mutant. Reports and the incremental file go to reports/mutation/<folder>/.
const FOLDERS = {
  handlers: {
    mutate: ["handlers/**/*.ts"],
    // Left out: workerHandler.test.ts (needs Java for DynamoDB Local, started again for every mutant it covers;
    // workerHandler.fake.test.ts runs the same paths over a scripted DynamoDB), layering.test.ts (reads the source
    // text, which Stryker instruments).
    spec: [
      "test/handlers/core/*.test.ts",
      "test/handlers/adapters/*.test.ts",
      "test/handlers/env.test.ts",
      "test/handlers/envVariables.test.ts",
      "test/handlers/ingestHandler.test.ts",
      "test/handlers/metrics.test.ts",
      "test/handlers/logging.test.ts",
      "test/handlers/observability.test.ts",
      "test/handlers/streamHandler.test.ts",
      "test/handlers/streamHandler.records.test.ts",
      "test/handlers/workerHandler.fake.test.ts",
      "test/handlers/misconfigured.test.ts",
      "test/claimCheck/core.test.ts",
    ],
  },
  components: {
    mutate: ["components/**/*.ts"],
    spec: [
      "test/components/*.test.ts",
      "test/cost/*.test.ts",
      "test/policy/*.test.ts",
      "test/contract/*.test.ts",
      "test/claimCheck/cost.test.ts",
      "test/claimCheck/stack.test.ts",
    ],
  },
  local: {
    // The event-source emulators: what AWS does between the handlers, emulated.
    mutate: ["local/sqsMapping.ts", "local/streamMapping.ts", "local/asyncInvoke.ts", "local/invocation.ts", "local/functionUrlServer.ts"],
    // Left out: streamMapping.test.ts, faults.test.ts, start.test.ts, pipeline.test.ts (DynamoDB Local on Java,
    // and runs of tens of seconds each), and sqsMapping.test.ts (real local-aws-sqs with visibility timeouts: a
    // mutant that breaks delivery makes it poll up to 20 s before failing, an hour for this folder on one core).
    // streamMapping.property.test.ts, streamRecords.test.ts and sqsMapping.property.test.ts cover the mappings'
    // decisions without them; sqsMappingScripted.test.ts and streamMappingScripted.test.ts run the poll loops against
    // scripted SQS and DynamoDB Streams APIs.
    spec: [
      "test/local/sqsMapping.property.test.ts",
      "test/local/streamMapping.property.test.ts",
      "test/local/asyncInvoke.test.ts",
      "test/local/functionUrlServer.test.ts",
      "test/local/invocation.test.ts",
      "test/local/streamRecords.test.ts",
      "test/local/functionUrlLimits.test.ts",
      "test/local/asyncInvokeRules.test.ts",
      "test/local/sqsMappingScripted.test.ts",
      "test/local/streamMappingScripted.test.ts",
      "test/local/emulatorEdges.test.ts",
    ],
  },
};

const folder = process.env.MUTATE_FOLDER ?? "handlers";
const selected = FOLDERS[folder.replace(/^trial-/, "")];
if (!selected) throw new Error(`unknown folder '${folder}': one of ${Object.keys(FOLDERS).join(", ")}`);
const out = `reports/mutation/${folder}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: selected.mutate,
  testRunner: "mocha",
  // The tests are TypeScript run by tsx, as `npm test` runs them (.mocharc.json: node-option import=tsx).
  testRunnerNodeArgs: ["--import", "tsx"],
  mochaOptions: { spec: selected.spec, "no-config": true, "no-package": true },
  checkers: ["typescript"],
  tsconfigFile: `tools/mutate/tsconfig.${folder.replace(/^trial-/, "")}.json`,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  // Mutants in code that runs at module load would need a fresh process per mutant; left out (reported as ignored).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 20000,
  plugins: ["@stryker-mutator/*", new URL("./ignorers.mjs", import.meta.url).pathname, new URL("./survivorsReporter.mjs", import.meta.url).pathname],
  ignorers: ["log-calls"],
  reporters: ["clear-text", "progress", "html", "json", "survivors"],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: "reports/.stryker-tmp",
  ignorePatterns: ["/tools/mutate/node_modules", "/tools/mutate/package-lock.json", "/reports", "/.local", "/dist", "/bin", "*.log"],
  thresholds: { high: 85, low: 75, break: null },
};
