import { defineCommand } from "citty";
import { reloadServices } from "../../manager/run/signal.ts";
import { treeArgs } from "../args.ts";
import { openToAct } from "../run-change.ts";

export default defineCommand({
  meta: { name: "reload", description: "Have running daemons read their configuration again: each one's reload file (a signal or a command), SIGHUP without one" },
  args: {
    ...treeArgs,
    names: { type: "positional", description: "longruns or bundles", required: true },
  },
  run({ args }) {
    return reloadServices(openToAct(args), args._);
  },
});
