// npm run ops -- <command> (--stack <s> | --local [--stack <s>]) [options]: the operator commands RUNBOOK.md
// uses, against a deployed stack or the local pipeline of `npm start`. Each command lives in its own file; this
// entry parses the common options, resolves the stack (ops/resolve.ts), says where it acts, and runs it.
// Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 bad arguments (one line, then a pointer to --help).
import { COMMON_OPTIONS, OpsError, parseCommandArgs, UsageError, DRY_RUN_OPTION } from "./args";
import type { Command } from "./command";
import { dlqCommand } from "./dlq";
import { eventCommand } from "./event";
import { eventsCommand } from "./events";
import { Reporter, type Io } from "./output";
import { redriveCommand } from "./redrive";
import { replayCommand } from "./replay";
import { republishCommand } from "./republish";
import { resolveTarget } from "./resolve";

export const COMMANDS: readonly Command[] = [eventsCommand, eventCommand, dlqCommand, redriveCommand, republishCommand, replayCommand];

const COMMON_HELP = `
Every command:
  --stack <name>     the deployed stack (pulumi stack output, the default AWS credential chain, its region)
  --local            npm start's pipeline instead (reads .local/<stack>.endpoints.json; --stack defaults to dev)
  --endpoints <file> with --local: another endpoints file
  --json             machine-readable result on stdout
  -h, --help         this help`;

export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `usage: npm run ops -- <command> (--stack <name> | --local) [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join("\n")}

npm run ops -- <command> --help for a command's options.
${COMMON_HELP}
`;
}

const processIo: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now };

export async function runOps(argv: readonly string[], io: Io = processIo): Promise<number> {
  const report = new Reporter(io);
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`ops: unknown command '${name}' (one of ${COMMANDS.map((c) => c.name).join(", ")}); npm run ops -- --help\n`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command.name, rest, { ...command.options, ...(command.movesData ? DRY_RUN_OPTION : {}) }, command.positionals);
    if (args.values.help) {
      io.stdout.write(`${command.help}\n${command.movesData ? "\n  --dry-run          says what it would do and changes nothing" : ""}${COMMON_HELP}\n`);
      return 0;
    }
    if (args.values.endpoints !== undefined && !args.values.local) throw new UsageError("--endpoints goes with --local");
    command.check?.(args, io.now());
    const target = await resolveTarget({ stack: args.values.stack as string | undefined, local: args.values.local === true, endpointsFile: args.values.endpoints as string | undefined, env: io.env });
    try {
      report.note(`ops ${command.name}: ${target.where}`);
      return await command.run({ target, args, io, report, json: args.values.json === true, dryRun: args.values["dry-run"] === true });
    } finally {
      target.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      report.note(`ops ${command.name}: ${error.message} (npm run ops -- ${command.name} --help)`);
      return 2;
    }
    if (error instanceof OpsError) {
      report.note(`ops ${command.name}: ${error.message}`);
      return 1;
    }
    // An AWS error: its name and message on one line (the stack trace helps nobody on call).
    const failure = error as Error;
    report.note(`ops ${command.name}: failed: ${failure.name}: ${failure.message.split("\n")[0]}`);
    return 1;
  }
}

export { COMMON_OPTIONS };

if (require.main === module) {
  // The SDK's notice about future Node versions would precede every command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  runOps(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`ops: ${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    },
  );
}
