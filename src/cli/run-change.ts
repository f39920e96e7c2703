// change, start and stop: one change on the tree, told on the terminal.
import { accessSync, constants, statSync } from "node:fs";
import { MAX_TIMEOUT_MS } from "../lib/cutoff.ts";
import { FailedError } from "../lib/errors.ts";
import type { Tree } from "../lib/tree.ts";
import { change, type ChangeRequest } from "../manager/run/change.ts";
import { openLive } from "../manager/run/live.ts";
import { consoleReporter, reportOpening } from "../manager/run/report.ts";
import { enterTree, parseMs } from "./args.ts";

/** Runs a change on the tree the arguments name; returns its exit code. */
export async function runChange(
  args: { _: string[]; tree?: string; "dry-run"?: boolean; timeout?: string },
  request: Omit<ChangeRequest, "names" | "dryRun" | "timeoutMs">,
): Promise<number> {
  const timeoutMs = parseMs("timeout", args.timeout, MAX_TIMEOUT_MS, "a timer can wait") ?? 0;
  const tree = enterTree(args);
  if (!args["dry-run"]) assertMayChange(tree);
  const live = openLive(tree, { checkSources: false });
  reportOpening(live, { problems: true });
  return change(live, { ...request, names: args._, dryRun: args["dry-run"], timeoutMs }, consoleReporter);
}

/** Refuses, before anything is touched, a change of the tree by someone who may not write its run directory. */
export function assertMayChange(tree: Tree): void {
  try {
    accessSync(tree.runDir, constants.W_OK);
  } catch {
    const owner = statSync(tree.runDir, { throwIfNoEntry: false })?.uid;
    const who = owner === 0 ? "root" : owner === undefined ? "its owner" : `uid ${owner}`;
    throw new FailedError(`only ${who} may change the ${tree.name} tree (${tree.runDir} is not writable here)`);
  }
}
