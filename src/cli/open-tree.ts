// The live tree a command looks at: entered (as its owner, for a user's
// tree), opened, and what opening noticed told on standard error.
import { openLive, type Live } from "../manager/run/live.ts";
import { reportOpening } from "../manager/run/report.ts";
import { enterTree } from "./args.ts";

/** checkSources: whether opening looks for edited sources (status, list, deps: what shows the whole tree). */
export function openTree(args: { tree?: string }, { checkSources = true } = {}): Live {
  const live = openLive(enterTree(args), { checkSources });
  reportOpening(live);
  return live;
}
