// How the manager's news reaches a person: one line per service as a change
// goes, the problems of the sources, and what opening the live tree noticed.
import { log } from "../../lib/log.ts";
import { line } from "../messages.ts";
import { describeProblem, type Direction, type Problem, type Service } from "../../service.ts";
import type { Live } from "./live.ts";
import type { Outcome, Reporter } from "./transition.ts";

export const consoleReporter: Reporter = {
  started(service: Service, direction: Direction) {
    log.info((direction === "up" ? line.starting : line.stopping)(service.name, service.type));
  },
  finished(outcome: Outcome, direction: Direction) {
    const ms = String(outcome.durationMs);
    if (outcome.ok && outcome.reason) log.warn(line.doneBut(direction, outcome.name, ms, outcome.reason));
    else if (outcome.ok) log.info(line.done(direction, outcome.name, ms));
    else if (outcome.skipped) log.warn(line.skipped(outcome.name, outcome.reason ?? ""));
    else log.error(line.failed(outcome.name, outcome.reason ?? "", ms));
  },
};

/** The console under the kernel's `quiet`: failures only. */
export const quietReporter: Reporter = {
  started() {},
  finished(outcome: Outcome, direction: Direction) {
    if (!outcome.ok) consoleReporter.finished(outcome, direction);
  },
};

/** Each problem in the sources, named by service and file, then one line for what was left out. */
export function reportProblems({ problems, leftOut }: { problems: Problem[]; leftOut: string[] }): void {
  for (const problem of problems) log.error(describeProblem(problem));
  if (leftOut.length > 0) log.error(`${leftOut.length} left out of the sources: ${leftOut.join(", ")}`);
}

/** What opening the live tree noticed; with problems, the sources' problems too (commands that act show them). */
export function reportOpening(live: Live, { problems = false } = {}): void {
  if (problems) reportProblems(live.db);
  for (const note of live.notes) log[note.level](note.text);
}
