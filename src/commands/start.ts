import { defineCommand } from "citty";
import { changeServices } from "./change-services.ts";

export default defineCommand({
  meta: { name: "start", description: "Bring services or bundles up, with their dependencies first" },
  args: { names: { type: "positional", description: "services or bundles", required: true } },
  async run({ args }) {
    process.exitCode = await changeServices("up", args._);
  },
});
