// The shared body of start and stop: resolve names, plan, apply, report.
import { log } from "../lib/log.ts";
import { systemTree, treeEnvironment } from "../lib/tree.ts";
import { applyChange, openContext, planChange, type Direction } from "../service/engine.ts";
import { resolveNames, UnknownServiceError } from "../service/graph.ts";
import { loadGraph } from "../service/load.ts";
import { consoleReporter, summarize } from "../service/report.ts";

/** Exit status as s6-rc gives it: 0 all done, 1 something failed. */
export async function changeServices(direction: Direction, names: string[]): Promise<number> {
  const tree = systemTree();
  const graph = loadGraph(tree);
  let targets: Set<string>;
  try {
    targets = resolveNames(graph, names);
  } catch (error) {
    if (!(error instanceof UnknownServiceError)) throw error;
    log.error(error.message);
    return 1;
  }
  const ctx = openContext(tree, graph, treeEnvironment(tree));
  const outcomes = await applyChange(ctx, direction, planChange(ctx, direction, targets), consoleReporter);
  return summarize(names.join(" "), direction, outcomes) ? 0 : 1;
}
