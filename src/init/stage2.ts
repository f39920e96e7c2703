// Stage 2: brings up the bundle named on the kernel command line, in
// dependency order, beside the freshly started s6-svscan, then exits.
import { log } from "../lib/log.ts";
import { systemTree, treeEnvironment, treePaths } from "../lib/tree.ts";
import { pollUntil } from "../lib/poll.ts";
import { isScanned } from "../s6/scandir.ts";
import { applyChange, openContext, planChange } from "../service/engine.ts";
import { resolveNames } from "../service/graph.ts";
import { loadGraph } from "../service/load.ts";
import { consoleReporter, summarize } from "../service/report.ts";
import { DEFAULT_BUNDLE } from "./cmdline.ts";

export async function stage2(requested: string): Promise<number> {
  const tree = systemTree();
  const scandir = treePaths(tree).scandir;
  if (!(await pollUntil(() => isScanned(scandir), 30_000))) {
    log.fatal(`s6-svscan is not running on ${scandir} after 30 s; nothing started`);
    return 111;
  }
  const graph = loadGraph(tree);
  let bundle = requested;
  if (!graph.bundles.has(bundle) && !graph.atoms.has(bundle)) {
    log.error(`GOETIABUNDLE=${bundle}: no such bundle or service; bringing up ${DEFAULT_BUNDLE} instead`);
    bundle = DEFAULT_BUNDLE;
  }
  const ctx = openContext(tree, graph, treeEnvironment(tree));
  const services = planChange(ctx, "up", resolveNames(graph, [bundle]));
  const outcomes = await applyChange(ctx, "up", services, consoleReporter);
  return summarize(`bundle ${bundle}`, "up", outcomes) ? 0 : 1;
}
