import { defineCommand } from "citty";
import { changeArgs } from "../args.ts";
import { runChange } from "../run-change.ts";

export default defineCommand({
  meta: { name: "stop", description: "Bring services or bundles down, dependents first (goetia change -d)" },
  args: {
    ...changeArgs,
    force: { type: "boolean", alias: "f", description: "stop essential services too (goetia change -D)" },
  },
  run({ args }) {
    return runChange(args, { direction: "down", includeEssential: args.force });
  },
});
