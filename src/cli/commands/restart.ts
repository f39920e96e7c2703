import { defineCommand } from "citty";
import { changeArgs } from "../args.ts";
import { runChange } from "../run-change.ts";

export default defineCommand({
  meta: {
    name: "restart",
    description: "Restart services: a daemon in place (what needs it keeps running), a oneshot down and up with what depends on it; one that is not up is started",
  },
  args: changeArgs,
  run({ args }) {
    return runChange(args, { direction: "up", restart: true });
  },
});
