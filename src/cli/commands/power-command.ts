// poweroff, reboot and halt are one command with three names; shutdown
// shares their options.
import { defineCommand, type ArgsDef } from "citty";
import { systemTree } from "../../lib/tree.ts";
import type { Action } from "../../roles.ts";
import { MAX_GRACE_MS } from "../../shutdown/action.ts";
import { requestShutdown } from "../../shutdown/request.ts";
import { parseMs } from "../args.ts";

export const wayDownArgs = {
  force: { type: "boolean", alias: "f", description: "at once: no service is stopped, only sync" },
  grace: {
    type: "string",
    alias: "g",
    description: `after SIGTERM, wait at most this many ms for processes to end (default 3000, at most ${MAX_GRACE_MS})`,
  },
} as const satisfies ArgsDef;

/** Asks for action with the options of the way down: the machine's own tree, always. */
export function requestWayDown(action: Action, args: { force?: boolean; grace?: string }): void {
  const graceMs = parseMs("grace", args.grace, MAX_GRACE_MS, "a shutdown may wait");
  requestShutdown(systemTree(), action, { force: args.force, graceMs });
}

const descriptions: Record<Action, string> = {
  poweroff: "Stop all services, end every process and power the machine off",
  reboot: "Stop all services, end every process and reboot the machine",
  halt: "Stop all services, end every process and halt the machine",
};

export function powerCommand(action: Action) {
  return defineCommand({
    meta: { name: action, description: descriptions[action] },
    args: wayDownArgs,
    run({ args }) {
      requestWayDown(action, args);
    },
  });
}
