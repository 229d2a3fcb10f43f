// Where the commands write: results on stdout (a table, or exactly one JSON document with --json), everything
// for the operator's eyes on stderr (what the command acts on, progress, the summary line), so
// `npm run ops -- events --json ... | jq` and `ops event ... > body.bin` get clean output.

export interface Stream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

export class Reporter {
  private lastProgressAt: number;
  private progressShown = false;

  constructor(private readonly io: Io) {
    // Work that ends within 2 s prints no progress line off a terminal, only its summary.
    this.lastProgressAt = io.now();
  }

  /** Informational line on stderr. */
  note(line: string): void {
    this.clearProgress();
    this.io.stderr.write(`${line}\n`);
  }

  /**
   * A progress line on long work: rewritten in place on a terminal, else at most one line every 2 s (a log or
   * CI captures the trend without a line per message).
   */
  progress(line: string): void {
    const now = this.io.now();
    if (this.io.stderr.isTTY) {
      this.io.stderr.write(`\r\x1b[K${line}`);
      this.progressShown = true;
    } else if (now - this.lastProgressAt >= 2_000) {
      this.io.stderr.write(`${line}\n`);
      this.lastProgressAt = now;
    }
  }

  /** The one-line summary at the end (stderr). */
  summary(line: string): void {
    this.note(line);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  out(text: string | Uint8Array): void {
    this.io.stdout.write(text);
  }

  private clearProgress(): void {
    if (this.progressShown) {
      this.io.stderr.write("\r\x1b[K");
      this.progressShown = false;
    }
  }
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
