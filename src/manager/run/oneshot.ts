// A oneshot's up or down: its execline command line, run in the tree's clean
// environment from /, never in the environment of whoever asked.
import { spawnOneshot } from "../../helpers/oneshot.ts";
import { onCutoff, type Cutoff } from "../../lib/cutoff.ts";
import { readIfExists } from "../../lib/files.ts";
import { reason } from "../messages.ts";
import type { Direction, Service } from "../../service.ts";
import type { Live } from "./live.ts";
import type { TransitionResult } from "./transition.ts";

/**
 * Runs the script in the tree's environment; it writes its own exit code
 * into its exit file (made empty by the caller), for a change that outlives
 * this one's goetia. Its lines go to the console, and after its name to the
 * tree's copy of them, if it has one (the catch-all log, at boot).
 */
export async function runOneshot(service: Service, direction: Direction, live: Live, timeoutMs: number, abort?: AbortSignal): Promise<TransitionResult> {
  const script = direction === "up" ? service.up : service.down;
  if (script === undefined || script === "") return { ok: true, message: "" };
  const copy = live.outputCopy === undefined ? undefined : { fd: live.outputCopy, name: service.name };
  const child = spawnOneshot(script, service.nice, live.env, live.states.exitFile(service.name), copy);
  let cut: Cutoff | undefined;
  const cancel = onCutoff(timeoutMs, abort, (why) => {
    cut = why;
    try {
      process.kill(-child.pid, "SIGKILL"); // its whole process group
    } catch {
      // ESRCH: the group ended on its own meanwhile.
    }
  });
  const code = await child.exited;
  cancel();
  if (cut === "timeout") return { ok: false, message: reason.timedOut(String(timeoutMs)) };
  if (cut === "abort") return { ok: false, message: reason.interrupted };
  return exitResult(direction, child.signalCode ?? code);
}

/** What an exit code (or the name of the signal that killed its runner) says of a script that ran in direction. */
export function exitResult(direction: Direction, exit: number | string): TransitionResult {
  if (exit === 0) return { ok: true, message: "" };
  if (typeof exit === "string") return { ok: false, message: reason.killedBySignal(direction, exit) };
  return { ok: false, message: exit > 128 ? reason.killedBySignal(direction, String(exit - 128)) : reason.exited(direction, String(exit)) };
}

/** The exit code a script wrote for itself, if it got that far. */
export function recordedExit(exitFile: string): number | undefined {
  const text = readIfExists(exitFile)?.trim();
  return text === undefined || text === "" ? undefined : Number(text);
}
