import { defineCommand } from "citty";
import { UsageError } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import { openLive } from "../../manager/run/live.ts";
import { isOfPlace, logLines, logOf } from "../../manager/run/logs.ts";
import { followLog, readableLine, stampedLine } from "../../s6/logdir.ts";
import { enterTree, jsonArgs, treeArgs } from "../args.ts";

export default defineCommand({
  meta: { name: "logs", description: "A service's log, with local times (the catch-all log when no service is named)" },
  args: {
    ...treeArgs,
    name: { type: "positional", description: "a service (default: the catch-all log)", required: false },
    lines: { type: "string", alias: "n", description: "only the last N lines" },
    follow: { type: "boolean", alias: "f", description: "then print new lines as they come, until interrupted" },
    ...jsonArgs,
  },
  async run({ args }) {
    const live = openLive(enterTree(args), { checkSources: false });
    const place = logOf(live, args.name);
    if (!place) throw new UsageError(`${args.name} writes into a logger of its own (producer-for): goetia logs THAT-LOGGER`);
    if (place.sharedBecause) log.warn(place.sharedBecause);
    const count = args.lines === undefined ? undefined : lineCount(args.lines);
    const lines = logLines(place);
    // --json: a JSON object a line ({"time":...,"text":...}), so that -f can go on as a stream.
    const print = (line: string) => console.log(args.json ? JSON.stringify(jsonLine(line)) : readableLine(line));
    for (const line of count === undefined ? lines : lines.slice(Math.max(0, lines.length - count))) print(line);
    if (!args.follow) return;
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    await followLog(place.dir, (line) => isOfPlace(place, line) && print(line), stop.signal);
  },
});

function jsonLine(line: string): { time: string | null; text: string } {
  const { date, text } = stampedLine(line);
  return { time: date?.toISOString() ?? null, text };
}

function lineCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`-n: "${text}" is not a number of lines`);
  return Number(text);
}
