// What a killed change left behind: services on record as starting or
// stopping that nobody is bringing up or down any more. The next change
// settles them first, under the lock, so that it plans from the truth: a
// oneshot's script (which outlives a killed goetia) is waited for and the
// exit code it wrote is taken, so it never runs twice; a longrun is marked
// failed, and s6, asked again, says where it really is.
import { pollUntil } from "../../lib/poll.ts";
import { processesNaming } from "../../lib/proc.ts";
import * as libc from "../../sys/libc.ts";
import type { Service } from "../../service.ts";
import type { Live } from "./live.ts";
import { exitResult, recordedExit } from "./oneshot.ts";
import { isTransitional, type Phase } from "./state.ts";

/** Settles every interrupted transition; the caller holds the change lock. Returns the names settled. */
export async function settleInterrupted(live: Live): Promise<string[]> {
  const settled: string[] = [];
  for (const [name, service] of live.graph.atoms) {
    const record = live.states.get(name);
    if (!isTransitional(record.phase)) continue;
    const { phase, why } = service.type === "oneshot" ? await oneshotOutcome(live, service, record.phase) : interrupted(record.phase);
    live.states.set(name, { phase, since: Date.now(), reason: why });
    live.record.note(phase, [name], why);
    settled.push(name);
  }
  return settled;
}

const interrupted = (phase: Phase): { phase: Phase; why?: string } => ({ phase: "failed", why: `interrupted: goetia was stopped while it was ${phase} it` });

/**
 * Where a oneshot whose change was killed stands: its script's recorded
 * exit, once the script has ended. With no script and no exit, goetia was
 * killed between the record and the script's start: stopped so, it is
 * still up.
 */
async function oneshotOutcome(live: Live, service: Service, phase: Phase): Promise<{ phase: Phase; why?: string }> {
  const direction = phase === "starting" ? "up" : "down";
  const exitFile = live.states.exitFile(service.name);
  const script = processesNaming(exitFile);
  await outlive(script, direction === "up" ? service.timeoutUp : service.timeoutDown);
  const exit = recordedExit(exitFile);
  if (exit === undefined) return script.length === 0 && direction === "down" ? { phase: "up" } : interrupted(phase);
  const result = exitResult(direction, exit);
  return result.ok ? { phase: direction } : { phase: "failed", why: result.message };
}

/** Waits for an orphaned script (its shell, found by the exit file it names) to end, for at most its own timeout (0: as long as it takes); then ends its group. */
async function outlive(pids: number[], timeoutMs: number): Promise<void> {
  if (pids.length === 0) return;
  if (await pollUntil(() => pids.every((pid) => !libc.kill(pid, 0)), timeoutMs || Number.MAX_SAFE_INTEGER, 20)) return;
  for (const pid of pids) libc.kill(-pid, libc.SIG.KILL);
}
