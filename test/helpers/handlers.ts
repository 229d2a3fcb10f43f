import { createLogger } from "../../handlers/observability";

export const silentLogger = createLogger({ level: "silent" });

/** Collects EMF lines and sums a metric over them. */
export class MetricsSpy {
  readonly lines: Record<string, unknown>[] = [];
  readonly sink = (line: string) => {
    this.lines.push(JSON.parse(line));
  };
  total(name: string): number {
    return this.lines.reduce((sum, line) => sum + (typeof line[name] === "number" ? (line[name] as number) : 0), 0);
  }
}
