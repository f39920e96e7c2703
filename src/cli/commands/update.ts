import { defineCommand } from "citty";
import { assertMayChange } from "../run-change.ts";
import { consoleReporter } from "../../manager/run/report.ts";
import { update } from "../../manager/run/update.ts";
import { enterTree, treeArgs } from "../args.ts";

export default defineCommand({
  meta: {
    name: "update",
    description: "Apply edited sources to the running system: recompile, restart what changed, stop what was removed",
  },
  args: {
    ...treeArgs,
    "dry-run": { type: "boolean", alias: "n", description: "only say what would change" },
  },
  run({ args }) {
    const tree = enterTree(args);
    if (!args["dry-run"]) assertMayChange(tree);
    return update(tree, consoleReporter, { dryRun: args["dry-run"] });
  },
});
