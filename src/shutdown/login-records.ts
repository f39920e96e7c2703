// The boot and the way down in the login records (sys/utmp.ts), as sysvinit
// and systemd-update-utmp keep them: at boot, the kernel's start ("reboot")
// and runlevel 2, Debian's multi-user one, so that `who -b`, `last reboot`,
// `runlevel` and invoke-rc.d know; on the way down, runlevel 0 (power off,
// halt) or 6 (reboot), and "shutdown" in the history. Run by the Debian
// set's oneshot `utmp`, after tmpfiles (which makes /run/utmp anew, empty).
import { readFileSync } from "node:fs";
import { systemTree } from "../lib/tree.ts";
import * as libc from "../sys/libc.ts";
import { appendToWtmp, bootRecord, replaceInUtmp, runlevelRecord, UTMP, WTMP } from "../sys/utmp.ts";
import { readAction } from "./action.ts";

/** Debian's runlevel for a machine that is up, and sysvinit's for each way down. */
const UP = "2";
const RUNLEVEL_DOWN = { poweroff: "0", halt: "0", reboot: "6" } as const;

export function recordBoot({ utmp = UTMP, wtmp = WTMP } = {}): void {
  const kernelStartMs = Number((libc.realtimeNs() - libc.monotonicNs()) / 1_000_000n);
  const records = [bootRecord(kernelStartMs, readFileSync("/proc/sys/kernel/osrelease", "utf8").trim()), runlevelRecord(UP, "N", Date.now())];
  replaceInUtmp(utmp, records);
  appendToWtmp(wtmp, records);
}

/** The way down under way (stage 3 wrote which); false when there is none: a stop by hand records nothing. */
export function recordWayDown({ utmp = UTMP, wtmp = WTMP } = {}): boolean {
  const action = readAction(systemTree());
  if (action === undefined) return false;
  const runlevel = runlevelRecord(RUNLEVEL_DOWN[action], UP, Date.now());
  replaceInUtmp(utmp, [runlevel]);
  appendToWtmp(wtmp, [runlevel, runlevelRecord(RUNLEVEL_DOWN[action], UP, Date.now(), "shutdown")]);
  return true;
}
