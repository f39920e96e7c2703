// Which bundle the boot brought up: the kernel command line's GOETIABUNDLE
// for the system tree (default when it names nothing the tree has, as the
// bring-up does), default for a user tree.
import { bundleFromCmdline, DEFAULT_BUNDLE, parseCmdline } from "../boot/cmdline.ts";
import { readIfExists } from "../lib/files.ts";
import type { Tree } from "../lib/tree.ts";
import { closure, resolveNames, type Graph } from "../manager/graph.ts";

const defines = (graph: Graph, name: string) => graph.bundles.has(name) || graph.atoms.has(name);

export function bootBundle(tree: Tree, graph: Graph): string {
  const asked = tree.owner ? DEFAULT_BUNDLE : bundleFromCmdline(parseCmdline(readIfExists("/proc/cmdline") ?? ""));
  return defines(graph, asked) ? asked : DEFAULT_BUNDLE;
}

/** What the boot brought up: bundle with all it needs (nothing, where the tree has no such bundle). */
export function bootedServices(graph: Graph, bundle: string): Set<string> {
  return defines(graph, bundle) ? closure(resolveNames(graph, [bundle]), graph.dependencies) : new Set();
}
