// Each service's state in a running tree: one small JSON record per service
// under <runDir>/goetia/state, replaced atomically, so a reader never sees
// half a record (or appended a line at a time by the boot's bring-up: the
// last whole line is the state).
//
// The states, described here once. A change moves each service it acts on
// from one to the next; nothing else writes them.
//
//   phase     entered when
//   down      never brought up, or a down transition succeeded
//   starting  an up transition began
//   up        it succeeded: a oneshot's up exited 0, a longrun was started
//             (and said it was ready, when it has a notification-fd)
//   stopping  a down transition began (a longrun killed after its
//             timeout-down still ends up down, with the kill as its reason)
//   failed    a transition failed, timed out or was interrupted; or, going
//             up, a dependency failed and it was skipped
//
// Transitions happen only under the tree's change lock. A starting or
// stopping record found while nobody holds the lock is a change that was
// killed: status shows it "interrupted", and the next change settles it
// first (a oneshot's script, which outlives a killed goetia, is waited for
// and its recorded exit taken; a longrun is asked again). The next change
// knows to from the lock itself: a holder that ends cleanly empties it
// (lock.ts), so only a change after a dead one reads every record.
//
// A change has nothing to do for a service already in its direction's phase;
// nor, going down, for a failed oneshot, which never came up (a failed
// longrun may still be kept up by s6, so it is stopped). `goetia status` adds
// states that no record holds: "restarting", a longrun up by goetia's
// record whose daemon s6-supervise finds dead (and restarts); "ended", one
// whose daemon s6-supervise will not restart (its finish exited 125): a
// change going up takes it for down.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorText } from "../../lib/errors.ts";
import { readIfExists, writeAtomically } from "../../lib/files.ts";
import { log } from "../../lib/log.ts";
import { oneshotExitFile } from "../../lib/tree.ts";
import type { Direction, ServiceType } from "../../service.ts";

export type Phase = "up" | "down" | "starting" | "stopping" | "failed";

/** What `goetia status` shows: a phase, restarting, ended, or interrupted (a transition whose change was killed). */
export type ShownState = Phase | "restarting" | "ended" | "interrupted";

export interface ServiceState {
  phase: Phase;
  /** When this phase began (ms since the epoch). */
  since: number;
  /** How long the last transition took, when it has ended. */
  durationMs?: number;
  /** Why it failed: an exit code, a timeout, a skipped dependency. */
  reason?: string;
}

export const isTransitional = (phase: Phase) => phase === "starting" || phase === "stopping";

/** True when a change in direction has nothing to do for a service in phase. */
export function isSettled(phase: Phase, direction: Direction, type: ServiceType): boolean {
  return phase === direction || (direction === "down" && phase === "failed" && type === "oneshot");
}

/** A service with no record has never been brought up. */
const NEVER_STARTED: ServiceState = { phase: "down", since: 0 };

export class StateStore {
  constructor(private readonly dir: string) {}

  /**
   * The service's record: its last whole line (goetia replaces the file
   * whole; the boot's bring-up, a shell, appends a line). An empty one is
   * none yet. A record that cannot be read says so, as a failure: goetia
   * does not know what the service did.
   */
  get(name: string): ServiceState {
    const path = join(this.dir, `${name}.json`);
    try {
      const lines = (readIfExists(path) ?? "").split("\n").filter(Boolean);
      if (lines.length === 0) return NEVER_STARTED;
      for (const line of lines.slice(1).reverse()) {
        try {
          return JSON.parse(line) as ServiceState;
        } catch {
          // Torn while it was appended: the line before it is the state.
        }
      }
      return JSON.parse(lines[0]) as ServiceState;
    } catch (error) {
      const reason = `its state record ${path} cannot be read: ${errorText(error)}`;
      log.warn(`${name}: ${reason}`);
      return { phase: "failed", since: 0, reason };
    }
  }

  /** The record's phase alone (bound: it is handed to planning as is). */
  readonly phase = (name: string): Phase => this.get(name).phase;

  set(name: string, state: ServiceState): void {
    mkdirSync(this.dir, { recursive: true });
    writeAtomically(join(this.dir, `${name}.json`), JSON.stringify(state));
  }

  remove(name: string): void {
    rmSync(join(this.dir, `${name}.json`), { force: true });
  }

  /** Where a oneshot's runner writes its exit code (lib/tree.ts). */
  exitFile(name: string): string {
    return oneshotExitFile(this.dir, name);
  }

  /**
   * Empties the exit file before a oneshot's transition is put on record:
   * an exit code found there later is this transition's, never an older
   * one's. If it cannot be made, the script does not run at all.
   */
  clearExit(name: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.exitFile(name), "");
  }
}
