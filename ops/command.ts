// The shape of one operator command: its help, its own options, and what it does against a resolved stack.
import type { ParseArgsConfig } from "node:util";
import type { Parsed } from "./args";
import type { Io, Reporter } from "./output";
import type { Target } from "./resolve";

export interface CommandContext {
  readonly target: Target;
  readonly args: Parsed;
  readonly io: Io;
  readonly report: Reporter;
  readonly json: boolean;
  readonly dryRun: boolean;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** `--help`: usage and options, without the common ones (the CLI appends those). */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** How many positional arguments it takes. */
  readonly positionals: number;
  /** Moves data, so it takes --dry-run. */
  readonly movesData: boolean;
  /** Checks its arguments before the stack is resolved (usage errors first, without touching anything). */
  readonly check?: (args: Parsed, now: number) => void;
  /** Exit code. */
  run(context: CommandContext): Promise<number>;
}
