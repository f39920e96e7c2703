import { defineCommand } from "citty";
import { changeArgs, runChange } from "./shared.ts";

export default defineCommand({
  meta: { name: "start", description: "Bring services or bundles up, dependencies first (goetia change -u)" },
  args: changeArgs,
  async run({ args }) {
    await runChange(args, { direction: "up" });
  },
});
