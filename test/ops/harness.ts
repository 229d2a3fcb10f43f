// Runs `npm run ops` in-process (the same runOps the CLI entry calls) with its stdout and stderr captured.
import { runOps } from "../../ops/cli";

export interface OpsRun {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** stdout as JSON (the --json result). */
  json<T = unknown>(): T;
}

export async function ops(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<OpsRun> {
  const out: Buffer[] = [];
  let err = "";
  const code = await runOps(args, {
    stdout: { write: (chunk: string | Uint8Array) => out.push(Buffer.from(chunk)) },
    stderr: { write: (chunk: string | Uint8Array) => (err += Buffer.from(chunk).toString("utf8")) },
    env,
    now: Date.now,
  });
  const stdout = Buffer.concat(out);
  return {
    code,
    stdout,
    stderr: err,
    json<T>() {
      try {
        return JSON.parse(stdout.toString("utf8")) as T;
      } catch {
        throw new Error(`ops ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout.toString("utf8")}\n${err}`);
      }
    },
  };
}

/** The lines a command printed on stderr. */
export const lines = (text: string): string[] => text.split("\n").filter((line) => line.trim() !== "");
