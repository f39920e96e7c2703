// What the machine does at the end, and how it is handed from the process
// that asked (goetia poweroff) to stage 4 (PID 1 after s6-svscan has left).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { treePaths, type Tree } from "../lib/tree.ts";
import { RB, SIG } from "../sys/libc.ts";

export const ACTIONS = ["poweroff", "reboot", "halt"] as const;
export type Action = (typeof ACTIONS)[number];

export const REBOOT_COMMAND: Record<Action, number> = {
  poweroff: RB.POWER_OFF,
  reboot: RB.AUTOBOOT,
  halt: RB.HALT_SYSTEM,
};

/** The signal to PID 1 for each action; run-image/.s6-svscan/SIG* map them back. */
export const SIGNAL_FOR: Record<Action, number> = {
  poweroff: SIG.USR2,
  reboot: SIG.TERM,
  halt: SIG.USR1,
};

export function actionFile(tree: Tree): string {
  return join(treePaths(tree).stateDir, "shutdown");
}

export function readAction(tree: Tree): Action | undefined {
  try {
    const text = readFileSync(actionFile(tree), "utf8").trim();
    return ACTIONS.find((action) => action === text);
  } catch {
    return undefined;
  }
}
