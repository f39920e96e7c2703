import { defineCommand } from "citty";
import { systemTree } from "../lib/tree.ts";
import { consoleReporter } from "../service/report.ts";
import { update } from "../service/update.ts";

export default defineCommand({
  meta: {
    name: "update",
    description: "Apply edited sources to the running system: recompile, restart what changed, stop what was removed",
  },
  args: { "dry-run": { type: "boolean", alias: "n", description: "only say what would change" } },
  async run({ args }) {
    process.exitCode = await update(systemTree(), consoleReporter, { dryRun: args["dry-run"] });
  },
});
