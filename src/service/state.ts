// Live state of each service, one small JSON file per service under
// <runDir>/goetia/state, replaced atomically (write then rename), so a reader
// never sees half a record.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type Phase = "up" | "down" | "starting" | "stopping" | "failed";

export interface ServiceState {
  phase: Phase;
  /** When this phase began (ms since the epoch). */
  since: number;
  /** How long the last transition took, when it has ended. */
  durationMs?: number;
  /** Why it failed: an exit code, a timeout, a skipped dependency. */
  reason?: string;
}

export class StateStore {
  constructor(private readonly dir: string) {}

  get(name: string): ServiceState {
    try {
      return JSON.parse(readFileSync(join(this.dir, `${name}.json`), "utf8"));
    } catch {
      return { phase: "down", since: 0 };
    }
  }

  set(name: string, state: ServiceState): void {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${name}.json`);
    writeFileSync(`${path}.new`, JSON.stringify(state));
    renameSync(`${path}.new`, path);
  }

  remove(name: string): void {
    rmSync(join(this.dir, `${name}.json`), { force: true });
  }

  names(): string[] {
    try {
      return readdirSync(this.dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
    } catch {
      return [];
    }
  }
}
