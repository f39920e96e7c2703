import { defineCommand } from "citty";
import { changeServices } from "./change-services.ts";

export default defineCommand({
  meta: { name: "stop", description: "Bring services or bundles down, with what depends on them first" },
  args: { names: { type: "positional", description: "services or bundles", required: true } },
  async run({ args }) {
    process.exitCode = await changeServices("down", args._);
  },
});
