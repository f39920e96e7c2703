// What several commands share: the tree they act on and the options of a change.
import type { ArgsDef } from "citty";
import { systemTree } from "../lib/tree.ts";
import { MAX_GRACE_MS } from "../shutdown/action.ts";
import { change, EXIT, type ChangeRequest } from "../service/change.ts";
import { openLive } from "../service/live.ts";
import { consoleReporter } from "../service/report.ts";

export const changeArgs = {
  names: { type: "positional", description: "services or bundles", required: true },
  "dry-run": { type: "boolean", alias: "n", description: "print what would be done, in order, and do nothing" },
  timeout: { type: "string", alias: "t", description: "give up after this many milliseconds (exit 2)" },
} as const satisfies ArgsDef;

export const graceArg = {
  type: "string",
  alias: "g",
  description: "after SIGTERM, wait at most this many ms for processes to end (default 3000)",
} as const;

export function parseGrace(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`--grace: "${text}" is not a number of milliseconds`);
  if (ms > MAX_GRACE_MS) throw new Error(`--grace: ${ms} ms is more than the ${MAX_GRACE_MS} ms a shutdown may wait`);
  return ms;
}

/** Runs a change on the system tree and sets the exit status. */
export async function runChange(
  args: { _: string[]; "dry-run"?: boolean; timeout?: string },
  request: Omit<ChangeRequest, "names" | "dryRun" | "timeoutMs">,
): Promise<void> {
  const timeoutMs = args.timeout === undefined ? 0 : Number(args.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    process.exitCode = EXIT.USAGE;
    throw new Error(`--timeout: "${args.timeout}" is not a number of milliseconds`);
  }
  const live = openLive(systemTree(), { showProblems: true });
  process.exitCode = await change(live, { ...request, names: args._, dryRun: args["dry-run"], timeoutMs }, consoleReporter);
}
