// One line per service as a change goes, for the console and terminals.
import { log } from "../lib/log.ts";
import type { Direction, Outcome, Reporter } from "./engine.ts";
import type { Problem, Service } from "./source.ts";

export const consoleReporter: Reporter = {
  started(service: Service, direction: Direction) {
    log.info(`${direction === "up" ? "starting" : "stopping"} ${service.name} (${service.type})`);
  },
  finished(outcome: Outcome, direction: Direction) {
    if (outcome.ok && outcome.reason) log.warn(`${direction} ${outcome.name} (${outcome.durationMs} ms): ${outcome.reason}`);
    else if (outcome.ok) log.info(`${direction} ${outcome.name} (${outcome.durationMs} ms)`);
    else if (outcome.skipped) log.warn(`skipped ${outcome.name}: ${outcome.reason}`);
    else log.error(`failed ${outcome.name}: ${outcome.reason} (${outcome.durationMs} ms)`);
  },
};

/** Each problem in the sources, named by service and file. */
export function reportProblems(problems: Problem[]): void {
  for (const p of problems) log.error(`service ${p.service}: ${p.file}: ${p.message}`);
}
