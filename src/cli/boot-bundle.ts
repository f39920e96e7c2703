// Which bundle the boot brought up: the kernel command line's GOETIABUNDLE
// for the system tree (default when it names nothing the tree has, as the
// bring-up does), default for a user tree.
import { bundleFromCmdline, DEFAULT_BUNDLE, parseCmdline } from "../boot/cmdline.ts";
import { readIfExists } from "../lib/files.ts";
import type { Tree } from "../lib/tree.ts";
import type { Graph } from "../manager/graph.ts";

export function bootBundle(tree: Tree, graph: Graph): string {
  const asked = tree.owner ? DEFAULT_BUNDLE : bundleFromCmdline(parseCmdline(readIfExists("/proc/cmdline") ?? ""));
  return graph.bundles.has(asked) || graph.atoms.has(asked) ? asked : DEFAULT_BUNDLE;
}
