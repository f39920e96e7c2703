import { defineCommand } from "citty";
import { changeArgs } from "../args.ts";
import { runChange } from "../run-change.ts";

export default defineCommand({
  meta: {
    name: "change",
    description: "Bring services up or down with s6-rc's semantics; exit 0 done, 1 some failed, 2 timed out",
  },
  args: {
    ...changeArgs,
    up: { type: "boolean", alias: "u", description: "bring up, dependencies first (the default)" },
    down: { type: "boolean", alias: "d", description: "bring down, dependents first; essential services stay" },
    "down-all": { type: "boolean", alias: "D", description: "bring down, essential services too" },
    prune: { type: "boolean", alias: "p", description: "also bring down everything the selection does not need" },
  },
  run({ args }) {
    const down = args.down || args["down-all"];
    return runChange(args, { direction: down ? "down" : "up", prune: args.prune, includeEssential: args["down-all"] });
  },
});
