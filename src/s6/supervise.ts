// Talking to s6-supervise, without a process per question. Commands go
// straight into the service's control fifo, as s6-svc writes them. Answers
// come from supervise/status, which s6-supervise replaces (write, rename) at
// every change: a watch on the supervise directory (inotify) says when to
// read it again, so waiting costs nothing while nothing happens.
import { closeSync, constants, openSync, readFileSync, watch, writeSync } from "node:fs";
import { join } from "node:path";
import { errorText } from "../lib/log.ts";

/** True when some process holds fifo open for reading: a non-blocking open for writing fails (ENXIO) otherwise. */
export function hasReader(fifo: string): boolean {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

/** True once an s6-supervise process listens on dir's control fifo. */
export function isSupervised(dir: string): boolean {
  return hasReader(join(dir, "supervise", "control"));
}

/**
 * Writes command letters into a control fifo, which is all s6-svc and
 * s6-svscanctl do: it fails (ENXIO) when nobody listens.
 */
export function writeControl(fifo: string, letters: string): void {
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new Error(`nobody listens on ${fifo}: ${errorText(error)}`);
  }
  try {
    writeSync(fd, letters);
  } finally {
    closeSync(fd);
  }
}

/** Sends s6-svc command letters (e.g. "u", "d", "k") without waiting. */
export function command(dir: string, letters: string): void {
  writeControl(join(dir, "supervise", "control"), letters);
}

export interface SuperviseStatus {
  /** The daemon's pid, or 0 when it is not running. */
  pid: number;
  /** When it last went up or down (ms since the epoch). */
  since: number;
  /** Raw TAI64N stamps, to tell one transition from the next. */
  stamp: string;
  readyStamp: string;
  finishing: boolean;
  wantUp: boolean;
  ready: boolean;
  /** When down: how the last run ended. */
  exitCode?: number;
  signal?: number;
}

/** Seconds between the TAI64 label origin and the Unix epoch, as skalibs counts them. */
const TAI64_UNIX_OFFSET = 2n ** 62n + 10n;

/**
 * Decodes supervise/status as s6 2.11 writes it (s6_svstatus_pack): stamp
 * and ready stamp (TAI64N, 12 bytes each), pid (u64), wait status (u16),
 * flags (paused, finishing, want up, ready). Undefined if not supervised.
 */
export function readStatus(dir: string): SuperviseStatus | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, "supervise", "status"));
  } catch {
    return undefined;
  }
  if (bytes.length < 35) return undefined;
  const seconds = bytes.readBigUInt64BE(0) - TAI64_UNIX_OFFSET;
  const status: SuperviseStatus = {
    pid: Number(bytes.readBigUInt64BE(24)),
    since: Number(seconds) * 1000 + Math.floor(bytes.readUInt32BE(8) / 1e6),
    stamp: bytes.toString("hex", 0, 12),
    readyStamp: bytes.toString("hex", 12, 24),
    finishing: (bytes[34] & 2) !== 0,
    wantUp: (bytes[34] & 4) !== 0,
    ready: (bytes[34] & 8) !== 0,
  };
  const wstat = bytes.readUInt16BE(32);
  if (status.pid === 0 && (wstat & 0x7f) === 0) status.exitCode = (wstat >> 8) & 0xff;
  else if (status.pid === 0) status.signal = wstat & 0x7f;
  return status;
}

export type Goal = "up" | "down";

/** The reason given for a transition cut short with its whole change (timeout, SIGTERM). */
export const INTERRUPTED = "interrupted with the change";

export interface TransitionResult {
  ok: boolean;
  timedOut: boolean;
  message: string;
}

/**
 * Whether the service has reached goal since `before` was read: s6-svc's
 * -wu (a process was started), -wU (and it said it is ready) and -wD (it
 * died and its finish script is done). A daemon that dies right after
 * starting still went up: its stamp moved.
 */
function reached(goal: Goal, ready: boolean, before: SuperviseStatus, now: SuperviseStatus): boolean {
  if (goal === "down") return now.pid === 0 && !now.finishing;
  if (ready) return now.ready && now.pid !== 0 && (now.readyStamp !== before.readyStamp || before.pid !== 0);
  return now.pid !== 0 || now.stamp !== before.stamp;
}

/** After a down timeout and SIGKILL, how long the supervisor gets to report the death. */
const KILL_WAIT_MS = 2000;

/**
 * Asks s6-supervise for goal and waits until it is reached: up (and ready,
 * when the service has a notification-fd), or down with its finish script
 * done. timeoutMs 0 waits for ever; abort ends the wait as a failure. A
 * service that will not go down in time is killed (SIGKILL): then it is
 * down, and the message says how.
 */
export function transition(
  dir: string,
  goal: Goal,
  ready: boolean,
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<TransitionResult> {
  const before = readStatus(dir);
  if (!before) return Promise.resolve({ ok: false, timedOut: false, message: `not supervised: ${dir}` });
  const already = goal === "down" ? before.pid === 0 && !before.finishing : before.pid !== 0 && (!ready || before.ready);
  if (already) return Promise.resolve({ ok: true, timedOut: false, message: "" });

  return new Promise((resolve) => {
    // What reaching the goal means for the caller: after a kill, down still, but said so.
    let success: TransitionResult = { ok: true, timedOut: false, message: "" };
    const finish = (result: TransitionResult) => {
      watcher.close();
      clearTimeout(timer);
      abort?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const check = () => {
      const now = readStatus(dir);
      if (now && reached(goal, ready, before, now)) finish(success);
    };
    const onAbort = () => finish({ ok: false, timedOut: true, message: INTERRUPTED });
    const onTimeout = () => {
      if (goal === "up") return finish({ ok: false, timedOut: true, message: `timed out after ${timeoutMs} ms` });
      success = { ok: true, timedOut: true, message: `did not stop within ${timeoutMs} ms: killed` };
      command(dir, "k");
      timer = setTimeout(() => finish({ ...success, ok: false }), KILL_WAIT_MS);
    };
    // Watch first, then command: no change can slip between the two.
    const watcher = watch(join(dir, "supervise"), check);
    let timer = timeoutMs > 0 ? setTimeout(onTimeout, timeoutMs) : undefined;
    abort?.addEventListener("abort", onAbort);
    try {
      command(dir, goal === "up" ? "u" : "d");
    } catch (error) {
      return finish({ ok: false, timedOut: false, message: `cannot control ${dir}: ${errorText(error)}` });
    }
    check();
  });
}
