// A longrun's up or down, carried out by its s6-supervise. A longrun that
// will not stop within its timeout-down is killed: then it is down, and the
// reason says how.
import { errorText } from "../../lib/errors.ts";
import { awaitGoal, bring, command } from "../../s6/supervise.ts";
import { INTERRUPTED, type Direction, type TransitionResult } from "./transition.ts";

/** After a down timeout and SIGKILL, how long the supervisor gets to report the death. */
const KILL_WAIT_MS = 2000;

/** dir: the live service directory; ready: up means ready (the service has a notification-fd). */
export async function runLongrun(
  dir: string,
  direction: Direction,
  ready: boolean,
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<TransitionResult> {
  try {
    const end = await bring(dir, direction, { ready, timeoutMs, abort });
    if (end === "reached") return { ok: true, message: "" };
    if (end === "abort") return { ok: false, message: INTERRUPTED };
    if (end === "unspawnable") {
      command(dir, "d"); // s6-supervise would retry every 10 s for ever
      return { ok: false, message: "s6-supervise cannot run its run script: it is not executable, or its interpreter is missing (the catch-all log says which)" };
    }
    if (direction === "up") return { ok: false, message: `timed out after ${timeoutMs} ms` };
    command(dir, "k");
    const killed = await awaitGoal(dir, "down", { timeoutMs: KILL_WAIT_MS });
    return { ok: killed === "reached", message: `did not stop within ${timeoutMs} ms: killed` };
  } catch (error) {
    return { ok: false, message: errorText(error) };
  }
}
