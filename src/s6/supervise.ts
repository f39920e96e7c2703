// Talking to s6-supervise. Commands go straight into the service's control
// fifo, as s6-svc writes them; waiting goes through s6-svc's own -w options,
// which subscribe to the event fifodir before acting, so no event is missed.
import { closeSync, constants, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

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

export type Goal = "up" | "down";

/** The reason given for a transition cut short because its whole change ran out of time. */
export const INTERRUPTED = "interrupted: the change ran out of time";

export interface TransitionResult {
  ok: boolean;
  timedOut: boolean;
  message: string;
}

/**
 * Asks s6-supervise for goal and waits until it is reached: up (and ready,
 * when the service has a notification-fd), or down with its finish script done.
 * timeoutMs 0 waits forever.
 */
export async function transition(
  dir: string,
  goal: Goal,
  ready: boolean,
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<TransitionResult> {
  const wait = goal === "up" ? (ready ? "-wU" : "-wu") : "-wD";
  const args = ["s6-svc", goal === "up" ? "-u" : "-d", wait];
  if (timeoutMs > 0) args.push("-T", String(timeoutMs));
  const child = Bun.spawn([...args, dir], { stdout: "ignore", stderr: "pipe" });
  const onAbort = () => child.kill();
  abort?.addEventListener("abort", onAbort);
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  abort?.removeEventListener("abort", onAbort);
  if (abort?.aborted) return { ok: false, timedOut: true, message: INTERRUPTED };
  if (code === 0) return { ok: true, timedOut: false, message: "" };
  // The docs say 1 on timeout; s6-svlisten1, which s6-svc runs for -w, exits 99.
  const timedOut = timeoutMs > 0 && (code === 1 || code === 99);
  return { ok: false, timedOut, message: timedOut ? `timed out after ${timeoutMs} ms` : stderr.trim() || `s6-svc exited ${code}` };
}

/** Sends raw s6-svc command letters (e.g. "d", "x") without waiting. */
export function command(dir: string, letters: string): void {
  const fd = openSync(join(dir, "supervise", "control"), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, letters);
  } finally {
    closeSync(fd);
  }
}

export interface SuperviseStatus {
  /** The daemon's pid, or 0 when it is not running. */
  pid: number;
  /** When it last went up or down (ms since the epoch). */
  since: number;
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
    wantUp: (bytes[34] & 4) !== 0,
    ready: (bytes[34] & 8) !== 0,
  };
  const wstat = bytes.readUInt16BE(32);
  if (status.pid === 0 && (wstat & 0x7f) === 0) status.exitCode = (wstat >> 8) & 0xff;
  else if (status.pid === 0) status.signal = wstat & 0x7f;
  return status;
}
