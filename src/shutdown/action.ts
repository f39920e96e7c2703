// What the machine does at the end, and what the stages of the way down hand
// each other in <runDir>/goetia: the action (written once, by stage 3: a
// second request finds it and stands down), the grace time, and a timeline
// of marks on the monotonic clock that stage 4 prints before the end.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { treePaths, type Tree } from "../lib/tree.ts";
import { monotonicNs, RB, SIG } from "../sys/libc.ts";

export const ACTIONS = ["poweroff", "reboot", "halt"] as const;
export type Action = (typeof ACTIONS)[number];

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

/**
 * What each of s6-svscan's signal handlers (.s6-svscan/SIGxxx, links to
 * goetia) asks for: SIGINT is Ctrl-Alt-Del, the rest mirror SIGNAL_FOR.
 */
export const HANDLER_ACTIONS: Record<string, Action> = {
  SIGINT: "reboot",
  SIGTERM: "reboot",
  SIGUSR1: "halt",
  SIGUSR2: "poweroff",
};

/** How long stage 4 lets processes end after SIGTERM, at most, before SIGKILL. */
export const DEFAULT_GRACE_MS = 3000;
/** The longest grace anyone may ask for, as s6-linux-init allows: the way down stays bounded. */
export const MAX_GRACE_MS = 300_000;

const files = (tree: Tree) => {
  const dir = treePaths(tree).stateDir;
  return { dir, action: join(dir, "shutdown"), grace: join(dir, "shutdown-grace"), timeline: join(dir, "shutdown-timeline") };
};

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Records the action; false when another shutdown has already recorded one. */
export function claimAction(tree: Tree, action: Action): boolean {
  const { dir, action: file } = files(tree);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `${action}\n`, { flag: "wx" });
    return true;
  } catch {
    return false;
  }
}

export function readAction(tree: Tree): Action | undefined {
  const text = read(files(tree).action);
  return ACTIONS.find((action) => action === text);
}

export function writeGrace(tree: Tree, ms: number): void {
  const { dir, grace } = files(tree);
  mkdirSync(dir, { recursive: true });
  writeFileSync(grace, `${ms}\n`);
}

export function readGrace(tree: Tree): number {
  const ms = Number(read(files(tree).grace));
  return Number.isInteger(ms) && ms >= 0 ? Math.min(ms, MAX_GRACE_MS) : DEFAULT_GRACE_MS;
}

/** Notes that the way down reached `what` (now, by default). Never fails: it is only a record. */
export function mark(tree: Tree, what: string, ns = monotonicNs()): void {
  try {
    const { dir, timeline } = files(tree);
    mkdirSync(dir, { recursive: true });
    appendFileSync(timeline, `${what} ${ns}\n`);
  } catch {
    // A read-only or missing /run must not stop a shutdown.
  }
}

/** The kernel counts process start times in these (USER_HZ). */
const CLOCK_TICKS_PER_SECOND = 100n;

/**
 * Marks when this process was forked (its start time in /proc/self/stat, on
 * the boot clock, which is CLOCK_MONOTONIC on a machine that never
 * suspended; 10 ms steps) and when it got to run goetia's code: between the
 * two lie the exec and the start of the binary.
 */
export function markStart(tree: Tree, stage: string): void {
  const now = monotonicNs();
  try {
    // Fields after "pid (comm) " start at field 3; starttime is field 22.
    const ticks = BigInt(readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ")[19]);
    mark(tree, `${stage}-forked`, (ticks * 1_000_000_000n) / CLOCK_TICKS_PER_SECOND);
  } catch {
    // Without /proc there is only the second mark.
  }
  mark(tree, stage, now);
}

export function readTimeline(tree: Tree): { what: string; ns: bigint }[] {
  return (read(files(tree).timeline) ?? "")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [what, ns] = line.split(" ");
      return { what, ns: BigInt(ns) };
    });
}
