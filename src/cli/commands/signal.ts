import { defineCommand } from "citty";
import { signalServices } from "../../manager/run/signal.ts";
import { treeArgs } from "../args.ts";
import { openToAct } from "../run-change.ts";

export default defineCommand({
  meta: { name: "signal", description: "Send a signal to running daemons through their supervisors (HUP, USR1, TERM...: those s6-svc sends)" },
  args: {
    ...treeArgs,
    signal: { type: "positional", description: "the signal: its name (HUP, SIGHUP, hup) or its number", required: true },
    names: { type: "positional", description: "longruns or bundles", required: true },
  },
  run({ args }) {
    const [, ...names] = args._;
    return signalServices(openToAct(args), args.signal, names);
  },
});
