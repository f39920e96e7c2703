// What a killed change left behind: services on record as starting or
// stopping that nobody is bringing up or down any more. The next change
// settles them first, under the lock, so that it plans from the truth: a
// oneshot's script (which outlives a killed goetia) is waited for and the
// exit code it wrote is taken, so it never runs twice; a longrun is marked
// failed, and s6, asked again, says where it really is.
import { pollUntil } from "../../lib/poll.ts";
import { processesNaming } from "../../lib/proc.ts";
import * as libc from "../../sys/libc.ts";
import type { Live } from "./live.ts";
import { exitResult, recordedExit } from "./oneshot.ts";
import { isTransitional } from "./state.ts";
import type { TransitionResult } from "./transition.ts";

/** Settles every interrupted transition; the caller holds the change lock. Returns the names settled. */
export async function settleInterrupted(live: Live): Promise<string[]> {
  const settled: string[] = [];
  for (const [name, service] of live.graph.atoms) {
    const record = live.states.get(name);
    if (!isTransitional(record.phase)) continue;
    const direction = record.phase === "starting" ? "up" : "down";
    let result: TransitionResult = { ok: false, message: `interrupted: goetia was stopped while it was ${record.phase} it` };
    if (service.type === "oneshot") {
      const exitFile = live.states.exitFile(name);
      await outlive(processesNaming(exitFile), direction === "up" ? service.timeoutUp : service.timeoutDown);
      const exit = recordedExit(exitFile);
      if (exit !== undefined) result = exitResult(direction, exit);
    }
    live.states.set(name, { phase: result.ok ? direction : "failed", since: Date.now(), reason: result.message || undefined });
    live.record.note(result.ok ? direction : "failed", [name], result.message);
    settled.push(name);
  }
  return settled;
}

/** Waits for an orphaned script (its shell, found by the exit file it names) to end, for at most its own timeout (0: as long as it takes); then ends its group. */
async function outlive(pids: number[], timeoutMs: number): Promise<void> {
  if (pids.length === 0) return;
  if (await pollUntil(() => pids.every((pid) => !libc.kill(pid, 0)), timeoutMs || Number.MAX_SAFE_INTEGER, 20)) return;
  for (const pid of pids) libc.kill(-pid, libc.SIG.KILL);
}
