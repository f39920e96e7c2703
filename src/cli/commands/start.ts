import { defineCommand } from "citty";
import { changeArgs } from "../args.ts";
import { runChange } from "../run-change.ts";

export default defineCommand({
  meta: { name: "start", description: "Bring services or bundles up, dependencies first (goetia change -u)" },
  args: changeArgs,
  run({ args }) {
    return runChange(args, { direction: "up" });
  },
});
