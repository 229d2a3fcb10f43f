// Ignorers: code whose mutants no behavioural test should pin down, left out of every run.
// `log-calls`: the arguments of pino logger calls (log.info/warn/error/debug/child(...)): log wording and fields
// are for humans reading logs; what operators rely on (metrics, alarm fields, redaction) is tested through the
// metric lines and the redaction tests, not through message text.
import { PluginKind, declareValuePlugin } from "@stryker-mutator/api/plugin";

const LOG_METHODS = new Set(["info", "warn", "error", "debug", "trace", "fatal", "child"]);
const LOG_OBJECTS = /^(log|logger|eventLog|recordLog|shardLog|deps\.logger|this\.logger|this\.log)$/;

function calleeText(node) {
  if (node.type === "Identifier") return node.name;
  if (node.type === "ThisExpression") return "this";
  if (node.type === "MemberExpression" && !node.computed) return `${calleeText(node.object)}.${node.property.name}`;
  return "?";
}

const logCalls = {
  shouldIgnore(path) {
    if (!path.isCallExpression()) return undefined;
    const callee = path.node.callee;
    if (callee.type !== "MemberExpression" || callee.computed || !LOG_METHODS.has(callee.property.name)) return undefined;
    return LOG_OBJECTS.test(calleeText(callee.object)) ? "log call: wording and fields for humans (tools/mutate/ignored.md)" : undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, "log-calls", logCalls)];
