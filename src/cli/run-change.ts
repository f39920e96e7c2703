// change, start and stop: one change on the tree, told on the terminal.
import { change, type ChangeRequest } from "../manager/run/change.ts";
import { openLive } from "../manager/run/live.ts";
import { consoleReporter, reportOpening } from "../manager/run/report.ts";
import { parseMs, treeOf } from "./args.ts";

/** Runs a change on the tree the arguments name; returns its exit code. */
export async function runChange(
  args: { _: string[]; tree?: string; "dry-run"?: boolean; timeout?: string },
  request: Omit<ChangeRequest, "names" | "dryRun" | "timeoutMs">,
): Promise<number> {
  const timeoutMs = parseMs("timeout", args.timeout) ?? 0;
  const live = openLive(treeOf(args));
  reportOpening(live, { problems: true });
  return change(live, { ...request, names: args._, dryRun: args["dry-run"], timeoutMs }, consoleReporter);
}
