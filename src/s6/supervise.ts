// Talking to s6-supervise. Commands go straight into the service's control
// fifo, as s6-svc writes them; waiting goes through s6-svc's own -w options,
// which subscribe to the event fifodir before acting, so no event is missed.
import { closeSync, openSync, writeSync, constants } from "node:fs";
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

export interface WaitResult {
  ok: boolean;
  timedOut: boolean;
  message: string;
}

/**
 * Asks s6-supervise for goal and waits until it is reached: up (and ready,
 * when the service has a notification-fd), or down with its finish script done.
 * timeoutMs 0 waits forever.
 */
export async function transition(dir: string, goal: Goal, ready: boolean, timeoutMs: number): Promise<WaitResult> {
  const wait = goal === "up" ? (ready ? "-wU" : "-wu") : "-wD";
  const args = ["s6-svc", goal === "up" ? "-u" : "-d", wait];
  if (timeoutMs > 0) args.push("-T", String(timeoutMs));
  const child = Bun.spawn([...args, dir], { stdout: "ignore", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code === 0) return { ok: true, timedOut: false, message: "" };
  const timedOut = code === 1 && timeoutMs > 0;
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
