// One line per service as a change goes, for the console and terminals.
import { log } from "../lib/log.ts";
import type { Direction, Outcome, Reporter } from "./engine.ts";
import type { Service } from "./source.ts";

export const consoleReporter: Reporter = {
  started(service: Service, direction: Direction) {
    log.info(`${direction === "up" ? "starting" : "stopping"} ${service.name} (${service.type})`);
  },
  finished(outcome: Outcome, direction: Direction) {
    if (outcome.ok) log.info(`${direction} ${outcome.name} (${outcome.durationMs} ms)`);
    else if (outcome.skipped) log.warn(`skipped ${outcome.name}: ${outcome.reason}`);
    else log.error(`failed ${outcome.name}: ${outcome.reason} (${outcome.durationMs} ms)`);
  },
};

/** The closing line: names every failure, or says the target was reached. */
export function summarize(what: string, direction: Direction, outcomes: Outcome[]): boolean {
  const failed = outcomes.filter((o) => !o.ok && !o.skipped).map((o) => o.name);
  const skipped = outcomes.filter((o) => o.skipped).map((o) => o.name);
  if (failed.length === 0 && skipped.length === 0) {
    log.info(`${what} ${direction}`);
    return true;
  }
  const parts = [`failed: ${failed.join(", ")}`];
  if (skipped.length > 0) parts.push(`skipped: ${skipped.join(", ")}`);
  log.error(`${what} not fully ${direction}: ${parts.join("; ")}`);
  return false;
}
