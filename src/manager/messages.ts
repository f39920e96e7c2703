// What a person reads of a change: each service's transition and outcome,
// the reasons a transition fails, and the boot's closing line. Worded here
// once for both sides that bring services up: the engine (run/report.ts and
// the transitions) and the boot's bring-up, whose shell functions are made
// from these when it is compiled (manager/bringup.ts calls them with shell
// parameters for arguments, so each must only place its arguments, never
// look into them).
import type { Direction } from "../service.ts";

export const line = {
  starting: (name: string, type: string) => `starting ${name} (${type})`,
  stopping: (name: string, type: string) => `stopping ${name} (${type})`,
  done: (direction: Direction, name: string, ms: string) => `${direction} ${name} (${ms} ms)`,
  /** Done, with something worth saying (a daemon killed after its timeout-down). */
  doneBut: (direction: Direction, name: string, ms: string, note: string) => `${direction} ${name} (${ms} ms): ${note}`,
  failed: (name: string, reason: string, ms: string) => `failed ${name}: ${reason} (${ms} ms)`,
  skipped: (name: string, reason: string) => `skipped ${name}: ${reason}`,
  /** A change cut short (a -t timeout, a shutdown taking over the boot), with what it interrupted. */
  cut: (what: string, why: string, names: string) => `${what}: ${why}; interrupted: ${names}`,
};

export const reason = {
  timedOut: (ms: string) => `timed out after ${ms} ms`,
  /** A longrun that would not stop within its timeout-down: killed, and so down. */
  killedAfter: (ms: string) => `did not stop within ${ms} ms: killed`,
  exited: (direction: Direction, code: string) => `${direction} script exited ${code}`,
  killedBySignal: (direction: Direction, signal: string) => `${direction} script killed by signal ${signal}`,
  dependencyFailed: (name: string) => `dependency ${name} failed`,
  dependentFailed: (name: string) => `dependent ${name} failed`,
  noSupervisor: "s6-svscan did not pick it up: no supervisor",
  unspawnable: "s6-supervise cannot run its run script: it is not executable, or its interpreter is missing (the catch-all log says which)",
  diedBeforeUp: "s6-supervise reports it failed for good",
  /** A daemon without readiness that died before it had stayed up its stay-up time. */
  diedEarly: (ms: string, how: string) => `died within ${ms} ms of its start (${how}): it did not stay up`,
  exitedWith: (code: string) => `exited ${code}`,
  killedWith: (signal: string) => `killed by signal ${signal}`,
  startedAgain: "it died and was started again",
  /** A transition cut short with its whole change (a -t timeout, a shutdown). */
  interrupted: "interrupted with the change",
  noRecord: (dir: string) => `cannot write its state record in ${dir}`,
  sigterm: "interrupted by SIGTERM",
};

/** The boot's bundle, looked up by the name on the kernel command line. */
export const bundle = {
  unknown: (requested: string) => `GOETIABUNDLE=${requested}: no such bundle or service`,
  instead: (name: string) => `; bringing up ${name} instead`,
  none: (names: string) => `no bundle named ${names}: nothing to bring up`,
  nor: (requested: string, fallback: string) => `${requested} nor ${fallback}`,
};

/** The emergency shell a boot offers when its bundle did not come up. */
export const emergency = {
  starting: (why: string, after: string) => `${why}: starting an emergency shell (s6-svscan runs: goetia status, goetia change); ${after}`,
  noTerminal: (why: string) => `${why} (no terminal for an emergency shell)`,
  goOn: "leave the shell to go on with whatever is up",
  notUp: (name: string) => `bundle ${name} did not fully come up (goetia status says why)`,
};

/** The boot's closing line, in parts: the bundle, up or not fully (SUMMARY_STATE), how many services are up, when on the kernel's clock; what failed and what was skipped. */
export const summary = {
  head: (bundle: string, state: string, up: string, services: string) => `bundle ${bundle} ${state}: ${up} ${services} up`,
  when: (ms: string) => ` in ${ms} ms since the kernel started`,
  failed: (count: string, names: string) => `; ${count} failed: ${names}`,
  skipped: (count: string, names: string) => `; ${count} skipped: ${names}`,
};

export const SUMMARY_STATE = { up: "up", notUp: "not fully up" } as const;

/** "service" or "services", as many as count. */
/** What the boot's bring-up says when it cannot make ready what s6-svscan must find, before any service (bringup.sh). */
export const preparing = {
  runImage: (runDir: string, runImage: string) => `cannot make ${runDir} ready from ${runImage}`,
  servicedirs: (dir: string) => `cannot install the service directories in ${dir}`,
};

export const servicesWord = (count: number) => (count === 1 ? "service" : "services");
