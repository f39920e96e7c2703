// poweroff, reboot and halt are one command with three names.
import { defineCommand } from "citty";
import type { Action } from "../shutdown/action.ts";
import { requestShutdown } from "../shutdown/request.ts";
import { graceArg, parseGrace } from "./shared.ts";

const descriptions: Record<Action, string> = {
  poweroff: "Stop all services, end every process and power the machine off",
  reboot: "Stop all services, end every process and reboot the machine",
  halt: "Stop all services, end every process and halt the machine",
};

export function powerCommand(action: Action) {
  return defineCommand({
    meta: { name: action, description: descriptions[action] },
    args: {
      force: { type: "boolean", alias: "f", description: `${action} at once: no service is stopped, only sync` },
      grace: graceArg,
    },
    run({ args }) {
      process.exitCode = requestShutdown(action, { force: args.force, graceMs: parseGrace(args.grace) });
    },
  });
}
