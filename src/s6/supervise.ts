// Talking to s6-supervise, without a process per question. Commands go
// straight into the service's control fifo, as s6-svc writes them. Answers
// come from supervise/status: a watch on the supervise directory (inotify)
// says when to read it again, so waiting costs nothing while nothing happens.
import { closeSync, openSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { onCutoff, type Cutoff } from "../lib/cutoff.ts";
import { SystemError } from "../lib/errors.ts";
import { hasReader, writeControl } from "./control.ts";
import { readStatus, type SuperviseStatus } from "./status.ts";

export type Goal = "up" | "down";

/** How a wait ended: the goal reached, cut short, or (up) s6-supervise could not spawn the run script. */
export type WaitEnd = "reached" | "unspawnable" | "gave up" | Cutoff;

export interface WaitOptions {
  /** Up means ready too (the service has a notification-fd). */
  ready?: boolean;
  /** 0 waits for ever. */
  timeoutMs?: number;
  abort?: AbortSignal;
  /** Waiting for readiness: told once, when the daemon's process was started (it is up, not yet ready; it may have died since). */
  onStarted?: () => void;
}

/**
 * True once an s6-supervise process listens on dir's control fifo and has
 * written its first status (it opens the fifo a moment before: a command
 * sent in between would find no status to wait on).
 */
export function isSupervised(dir: string): boolean {
  return hasReader(join(dir, "supervise", "control")) && readStatus(dir) !== undefined;
}

/** Sends s6-svc command letters ("u" up, "d" down, "k" kill...) without waiting. */
export function command(dir: string, letters: string): void {
  writeControl(join(dir, "supervise", "control"), letters);
}

/**
 * Whether the service has reached goal since `before` was read: s6-svc's
 * -wu (a process was started), -wU (and it said it is ready) and -wD (it
 * died and its finish script is done). A daemon that dies right after
 * starting still went up: its stamp moved.
 */
function reached(goal: Goal, ready: boolean, before: SuperviseStatus, now: SuperviseStatus, anew: boolean): boolean {
  if (goal === "down") return now.pid === 0 && !now.finishing;
  if (anew) return now.pid !== 0 && now.stamp !== before.stamp && (!ready || (now.ready && now.readyStamp !== before.readyStamp));
  if (ready) return now.ready && now.pid !== 0 && (now.readyStamp !== before.readyStamp || before.pid !== 0);
  return now.pid !== 0 || now.stamp !== before.stamp;
}

/**
 * How long after s6-svc -u a service may show no process before goetia
 * concludes that s6-supervise could not spawn ./run (not executable, a
 * missing interpreter). s6-supervise spawns at once; when that fails it says
 * so only on its stderr and its status keeps the "want up" it announced
 * before trying, with no pid and the old stamp; it retries every 10 s, for
 * ever, and s6-svc -wu would wait for ever.
 */
export const SPAWN_WAIT_MS = 3000;

function spawnFailed(before: SuperviseStatus, now: SuperviseStatus): boolean {
  return now.wantUp && now.pid === 0 && now.stamp === before.stamp;
}

/**
 * Where goetia's plumbing runs first (a pipeline member, a logged daemon, a
 * definition), the script it finally execs may be what cannot run: the
 * plumbing then exits as execline does, 126 (not executable) or 127 (not
 * found), and s6-supervise starts it again a second later, for ever.
 */
function execFailed(before: SuperviseStatus, now: SuperviseStatus): boolean {
  return now.pid === 0 && now.stamp !== before.stamp && (now.exitCode === 126 || now.exitCode === 127);
}

/**
 * A daemon that died on its way up, whose finish told s6-supervise not to
 * start it again (exit 125: a restart policy, a unit's Restart=): it no
 * longer wants up, and nothing will come.
 */
function gaveUp(before: SuperviseStatus, now: SuperviseStatus): boolean {
  return now.pid === 0 && !now.finishing && !now.wantUp && now.stamp !== before.stamp;
}

function isThere(goal: Goal, ready: boolean, status: SuperviseStatus): boolean {
  return goal === "down" ? status.pid === 0 && !status.finishing : status.pid !== 0 && (!ready || status.ready);
}

/**
 * Watches a folder by the name of a descriptor open on it (/proc/self/fd/N):
 * Bun's watch takes a backslash in a path for a separator, and a service's
 * name may hold one. The watch outlives the descriptor.
 */
function watchFolder(path: string, listener: () => void): FSWatcher {
  const fd = openSync(path, "r");
  try {
    return watch(`/proc/self/fd/${fd}`, listener);
  } finally {
    closeSync(fd);
  }
}

/** Asks s6-supervise for goal (s6-svc -u or -d) and waits for it, as s6-svc -wU / -wD would. */
export function bring(dir: string, goal: Goal, options: WaitOptions = {}): Promise<WaitEnd> {
  return waitFor(dir, goal, options, goal === "up" ? "u" : "d");
}

/**
 * Whether the daemon that is up in dir stays up for ms: resolves with the
 * status that shows it dead (no process, or another one: it died and was
 * started again) if it dies first, undefined if it does not (or when
 * abort ends the wait).
 */
export function stayingUp(dir: string, ms: number, abort?: AbortSignal): Promise<SuperviseStatus | undefined> {
  const first = readStatus(dir);
  if (!first || first.pid === 0) return Promise.resolve(first);
  return new Promise((resolve) => {
    const finish = (died: SuperviseStatus | undefined) => {
      watcher.close();
      cancel();
      resolve(died);
    };
    const check = () => {
      const now = readStatus(dir);
      if (now && (now.pid !== first.pid || now.stamp !== first.stamp)) finish(now);
    };
    const watcher = watchFolder(join(dir, "supervise"), check);
    const cancel = onCutoff(ms, abort, () => finish(undefined));
    check();
  });
}

/** Waits for goal without asking for it (after a kill, say). */
export function awaitGoal(dir: string, goal: Goal, options: WaitOptions = {}): Promise<WaitEnd> {
  return waitFor(dir, goal, options, "");
}

/**
 * Restarts a daemon that is up (s6-svc -r: its down-signal, SIGTERM unless
 * it says otherwise, and s6-supervise starts it again) and waits, as
 * s6-svc -wr / -wR would, for a new process (ready, with readiness).
 */
export function restartDaemon(dir: string, options: WaitOptions = {}): Promise<WaitEnd> {
  return waitFor(dir, "up", options, "r");
}

function waitFor(dir: string, goal: Goal, { ready = false, timeoutMs = 0, abort, onStarted }: WaitOptions, letters: string): Promise<WaitEnd> {
  const before = readStatus(dir);
  if (!before) return Promise.reject(new SystemError(`not supervised: ${dir}`));
  const anew = letters === "r";
  if (!anew && isThere(goal, ready, before)) return Promise.resolve("reached");
  return new Promise((resolve, reject) => {
    const finish = (end: WaitEnd) => {
      watcher.close();
      cancel();
      clearTimeout(spawnCheck);
      resolve(end);
    };
    let started = false; // a process was started (anew: a new one)
    let askedAgain: SuperviseStatus | undefined; // the status when the daemon was asked up again
    const check = () => {
      const now = readStatus(dir);
      if (now && !started && now.stamp !== before.stamp && (!anew || now.pid !== 0)) {
        started = true;
        onStarted?.();
      }
      if (now && reached(goal, ready, before, now, anew)) finish("reached");
      else if (now && goal === "up" && execFailed(before, now)) finish("unspawnable");
      else if (now && goal === "up" && gaveUp(askedAgain ?? before, now)) {
        // A restart's own kill, which a finish that ends the daemon for good (exit 125: a unit's Restart=no) took for its end: asked up again, once.
        if (!anew || started || askedAgain) return finish("gave up");
        askedAgain = now;
        command(dir, "u");
      }
    };
    const checkSpawned = () => {
      const now = readStatus(dir);
      if (now && spawnFailed(before, now)) finish("unspawnable");
    };
    // Watch first, then command: no change can slip between the two.
    const watcher = watchFolder(join(dir, "supervise"), check);
    const cancel = onCutoff(timeoutMs, abort, finish);
    const spawnCheck = letters === "u" ? setTimeout(checkSpawned, SPAWN_WAIT_MS) : undefined;
    try {
      if (letters) command(dir, letters);
    } catch (error) {
      watcher.close();
      cancel();
      clearTimeout(spawnCheck);
      return reject(error);
    }
    check();
  });
}
