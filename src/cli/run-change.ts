// change, start, stop and restart: one change on the tree, told on the
// terminal; and the tree opened to act on, for them and for signal and reload.
import { accessSync, constants, statSync } from "node:fs";
import { MAX_TIMEOUT_MS } from "../lib/cutoff.ts";
import { FailedError } from "../lib/errors.ts";
import type { Tree } from "../lib/tree.ts";
import { change, type ChangeRequest } from "../manager/run/change.ts";
import { openLive, type Live } from "../manager/run/live.ts";
import { consoleReporter, reportOpening } from "../manager/run/report.ts";
import { enterTree, parseMs } from "./args.ts";

/** Runs a change on the tree the arguments name; returns its exit code. */
export async function runChange(
  args: { _: string[]; tree?: string; "dry-run"?: boolean; timeout?: string },
  request: Omit<ChangeRequest, "names" | "dryRun" | "timeoutMs">,
): Promise<number> {
  const timeoutMs = parseMs("timeout", args.timeout, MAX_TIMEOUT_MS, "a timer can wait") ?? 0;
  const live = openToAct(args, { dryRun: args["dry-run"] });
  return change(live, { ...request, names: args._, dryRun: args["dry-run"], timeoutMs }, consoleReporter);
}

/** The tree the arguments name, opened to act on its services: refused at once to whoever may not (unless only a plan is asked for). */
export function openToAct(args: { tree?: string }, { dryRun = false } = {}): Live {
  const tree = enterTree(args);
  if (!dryRun) assertMayChange(tree);
  const live = openLive(tree, { checkSources: false });
  reportOpening(live, { problems: true });
  return live;
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
