// A longrun's up or down (or its restart), carried out by its s6-supervise.
// A longrun that will not stop within its timeout-down is killed: then it
// is down, and the reason says how.
import { errorText } from "../../lib/errors.ts";
import { awaitGoal, bring, command, restartDaemon, stayingUp } from "../../s6/supervise.ts";
import { reason } from "../messages.ts";
import type { Direction } from "../../service.ts";
import type { TransitionResult } from "./transition.ts";

/** After a down timeout and SIGKILL, how long the supervisor gets to report the death. */
const KILL_WAIT_MS = 2000;

export interface LongrunOptions {
  /** Up means ready (the service has a notification-fd). */
  ready: boolean;
  timeoutMs: number;
  abort?: AbortSignal;
  /** Told when its process runs, waiting for readiness. */
  onStarted?: () => void;
  /** Up, anew: a daemon that is up is restarted (s6-svc -r) and up means its new process. */
  anew?: boolean;
  /** Up, without readiness: up means it stayed up this long. */
  stayUpMs?: number;
}

/** dir: the live service directory. */
export async function runLongrun(dir: string, direction: Direction, { ready, timeoutMs, abort, onStarted, anew, stayUpMs = 0 }: LongrunOptions): Promise<TransitionResult> {
  try {
    const options = { ready, timeoutMs, abort, onStarted: ready ? onStarted : undefined };
    const end = anew ? await restartDaemon(dir, options) : await bring(dir, direction, options);
    if (end === "reached") return direction === "up" && !ready && stayUpMs > 0 ? await stayedUp(dir, stayUpMs, abort) : { ok: true, message: "" };
    if (end === "abort") return { ok: false, message: reason.interrupted };
    if (end === "gave up") return { ok: false, message: reason.diedBeforeUp };
    if (end === "unspawnable") {
      command(dir, "d"); // s6-supervise would retry every 10 s for ever
      return { ok: false, message: reason.unspawnable };
    }
    if (direction === "up") return { ok: false, message: reason.timedOut(String(timeoutMs)) };
    command(dir, "k");
    const killed = await awaitGoal(dir, "down", { timeoutMs: KILL_WAIT_MS });
    return { ok: killed === "reached", message: reason.killedAfter(String(timeoutMs)) };
  } catch (error) {
    return { ok: false, message: errorText(error) };
  }
}

/**
 * Up, for a daemon without readiness: it stayed up stayUpMs. One that died
 * before is failed, and no longer restarted (s6-supervise would try it
 * again and again, each time counted up); goetia start tries it again.
 */
async function stayedUp(dir: string, stayUpMs: number, abort?: AbortSignal): Promise<TransitionResult> {
  const died = await stayingUp(dir, stayUpMs, abort);
  if (abort?.aborted) return { ok: false, message: reason.interrupted };
  if (died === undefined) return { ok: true, message: "" };
  command(dir, "d");
  const how =
    died.signal !== undefined ? reason.killedWith(String(died.signal)) : died.exitCode !== undefined ? reason.exitedWith(String(died.exitCode)) : reason.startedAgain;
  return { ok: false, message: reason.diedEarly(String(stayUpMs), how) };
}
