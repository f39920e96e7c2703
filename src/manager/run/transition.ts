// What the manager says of a change while it runs: each service's
// transition, its outcome, and whoever listens (the console, a test).
import type { Direction, Service } from "../../service.ts";

/** How one service's up or down ended. */
export interface TransitionResult {
  ok: boolean;
  /** Why it failed; when it succeeded, anything worth saying (a kill). */
  message: string;
}

export interface Outcome {
  name: string;
  ok: boolean;
  /** Not attempted because a dependency (or dependent) failed. */
  skipped: boolean;
  reason?: string;
  durationMs: number;
}

export interface Reporter {
  started(service: Service, direction: Direction): void;
  finished(outcome: Outcome, direction: Direction): void;
}
