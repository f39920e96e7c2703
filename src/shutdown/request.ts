// Asking for the end: goetia poweroff|reboot|halt|shutdown. The request is
// the signal busybox init and s6-linux-init understand, sent to PID 1; the
// way down itself (stage 3) runs under PID 1, so that it outlives the caller,
// whose shell is one of the services it stops.
import { readFileSync } from "node:fs";
import { FailedError } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import type { Tree } from "../lib/tree.ts";
import type { Action } from "../roles.ts";
import * as libc from "../sys/libc.ts";
import { readAction, REBOOT_COMMAND, shutdownTimeline, SIGNAL_FOR, writeGrace } from "./action.ts";

export interface ShutdownRequest {
  /** Skip the services and the grace time: sync and reboot(2) at once. */
  force?: boolean;
  /** How long stage 4 waits for processes to end after SIGTERM. */
  graceMs?: number;
}

/** Asks PID 1 for action; a refusal throws (exit 1). */
export function requestShutdown(tree: Tree, action: Action, { force = false, graceMs }: ShutdownRequest = {}): void {
  if (libc.geteuid() !== 0) throw new FailedError(`${action}: only root can do that`);
  if (force) {
    log.info(`${action} now, without stopping services`);
    libc.sync();
    libc.reboot(REBOOT_COMMAND[action]);
  }
  const init = readFileSync("/proc/1/comm", "utf8").trim();
  if (init !== "s6-svscan") {
    throw new FailedError(`${action}: PID 1 is ${init}, not s6-svscan: this machine was not booted by goetia (-f to ${action} at once)`);
  }
  const underWay = readAction(tree);
  if (underWay) throw new FailedError(`${action}: a ${underWay} is already under way`);
  if (graceMs !== undefined) writeGrace(tree, graceMs);
  shutdownTimeline(tree).mark("requested");
  libc.kill(1, SIGNAL_FOR[action]);
  log.info(`${action} requested`);
}
