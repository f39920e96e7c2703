// A oneshot's up or down: its execline command line, run in the tree's clean
// environment from /, never in the environment of whoever asked.
import { onCutoff, type Cutoff } from "../../lib/cutoff.ts";
import { spawnExecline } from "../../s6/execline.ts";
import type { Service } from "../service.ts";
import { INTERRUPTED, type Direction, type TransitionResult } from "./transition.ts";

export async function runOneshot(
  service: Service,
  direction: Direction,
  env: Record<string, string>,
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<TransitionResult> {
  const script = direction === "up" ? service.up : service.down;
  if (script === undefined || script === "") return { ok: true, message: "" };
  const child = spawnExecline(script, env);
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
  if (cut === "timeout") return { ok: false, message: `timed out after ${timeoutMs} ms` };
  if (cut === "abort") return { ok: false, message: INTERRUPTED };
  if (code === 0) return { ok: true, message: "" };
  const how = child.signalCode ? `killed by ${child.signalCode}` : `exited ${code}`;
  return { ok: false, message: `${direction} script ${how}` };
}
