import { defineCommand } from "citty";
import { changeArgs, runChange } from "./shared.ts";

export default defineCommand({
  meta: { name: "stop", description: "Bring services or bundles down, dependents first (goetia change -d)" },
  args: {
    ...changeArgs,
    force: { type: "boolean", alias: "f", description: "stop essential services too (goetia change -D)" },
  },
  async run({ args }) {
    await runChange(args, { direction: "down", includeEssential: args.force });
  },
});
