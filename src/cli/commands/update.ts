import { defineCommand } from "citty";
import { assertMayChange } from "../run-change.ts";
import { consoleReporter } from "../../manager/run/report.ts";
import { update } from "../../manager/run/update.ts";
import { enterTree, treeArgs } from "../args.ts";
import { bootBundle, bootedServices } from "../boot-bundle.ts";
import type { Graph } from "../../manager/graph.ts";

export default defineCommand({
  meta: {
    name: "update",
    description: "Apply edited sources to the running system: recompile, restart what changed, stop what was removed",
  },
  args: {
    ...treeArgs,
    "dry-run": { type: "boolean", alias: "n", description: "only say what would change" },
    "start-added": { type: "boolean", description: "also start what it adds that the boot would bring up (what a package has just enabled)" },
  },
  run({ args }) {
    const tree = enterTree(args);
    if (!args["dry-run"]) assertMayChange(tree);
    const startAdded = args["start-added"] ? (graph: Graph) => bootedServices(graph, bootBundle(tree, graph)) : undefined;
    return update(tree, consoleReporter, { dryRun: args["dry-run"], startAdded });
  },
});
