// What the machine does at the end, and what the stages of the way down hand
// each other in <runDir>/goetia: the action (written once, by stage 3: a
// second request finds it and stands down), the grace time, and the
// timeline that stage 4 prints before the end.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errnoCode } from "../lib/errors.ts";
import { readIfExists } from "../lib/files.ts";
import { Timeline } from "../lib/timeline.ts";
import { treePaths, type Tree } from "../lib/tree.ts";
import { ACTIONS, type Action } from "../roles.ts";
import { RB, SIG } from "../sys/libc.ts";

export const REBOOT_COMMAND: Record<Action, number> = {
  poweroff: RB.POWER_OFF,
  reboot: RB.AUTOBOOT,
  halt: RB.HALT_SYSTEM,
};

/** The signal to PID 1 for each action, as busybox's poweroff, reboot and halt send them. */
export const SIGNAL_FOR: Record<Action, number> = {
  poweroff: SIG.USR2,
  reboot: SIG.TERM,
  halt: SIG.USR1,
};

/** How long stage 4 lets processes end after SIGTERM, at most, before SIGKILL. */
export const DEFAULT_GRACE_MS = 3000;
/** The longest grace anyone may ask for, as s6-linux-init allows: the way down stays bounded. */
export const MAX_GRACE_MS = 300_000;

const files = (tree: Tree) => {
  const dir = treePaths(tree).stateDir;
  return { dir, action: join(dir, "shutdown"), grace: join(dir, "shutdown-grace"), timeline: join(dir, "shutdown-timeline") };
};

/** The marks of the way down, from the request to the end. */
export const shutdownTimeline = (tree: Tree) => new Timeline(files(tree).timeline);

/** Records the action; false when another shutdown has already recorded one. */
export function claimAction(tree: Tree, action: Action): boolean {
  const { dir, action: file } = files(tree);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `${action}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if (errnoCode(error) === "EEXIST") return false;
    throw error;
  }
}

export function readAction(tree: Tree): Action | undefined {
  const text = readIfExists(files(tree).action)?.trim();
  return ACTIONS.find((action) => action === text);
}

export function writeGrace(tree: Tree, ms: number): void {
  const { dir, grace } = files(tree);
  mkdirSync(dir, { recursive: true });
  writeFileSync(grace, `${ms}\n`);
}

export function readGrace(tree: Tree): number {
  const ms = Number(readIfExists(files(tree).grace)?.trim());
  return Number.isInteger(ms) && ms >= 0 ? Math.min(ms, MAX_GRACE_MS) : DEFAULT_GRACE_MS;
}
