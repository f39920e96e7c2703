// Which bundle the boot brought up: the kernel command line's GOETIABUNDLE
// for the system tree (default when it names nothing the tree has, as the
// bring-up does), default for a user tree.
import { bundleFromCmdline, parseCmdline } from "../boot/cmdline.ts";
import { readIfExists } from "../lib/files.ts";
import type { Tree } from "../lib/tree.ts";
import { chooseBundle, closure, DEFAULT_BUNDLE, defines, resolveNames, type Graph } from "../manager/graph.ts";

export function bootBundle(tree: Tree, graph: Graph): string {
  const asked = tree.owner ? DEFAULT_BUNDLE : bundleFromCmdline(parseCmdline(readIfExists("/proc/cmdline") ?? ""));
  return chooseBundle(graph, asked) ?? DEFAULT_BUNDLE;
}

/** The services bundle names (nothing, where the tree has no such bundle: a boot's record may be older than the tree). */
export const bundleMembers = (graph: Graph, bundle: string): Set<string> => (defines(graph, bundle) ? resolveNames(graph, [bundle]) : new Set());

/** What the boot brought up: bundle with all it needs. */
export function bootedServices(graph: Graph, bundle: string): Set<string> {
  return closure(bundleMembers(graph, bundle), graph.dependencies);
}
