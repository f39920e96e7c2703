// The boot's marks on CLOCK_MONOTONIC (the kernel's clock since boot, as
// /proc/uptime and dmesg count it), left by stage 1 and stage 2 in the run
// directory: when each stage got to run, and when the bundle was up.
import { Timeline } from "../lib/timeline.ts";
import { treePaths, type Tree } from "../lib/tree.ts";

export const bootTimeline = (tree: Tree) => new Timeline(treePaths(tree).bootTimeline);
