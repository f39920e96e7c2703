// Where a service's output is kept: the folder of the logger goetia made
// for it, or of its definition's log/ (the logging template's convention:
// <logDir>/NAME), or, for everything else, the catch-all log.
import { join } from "node:path";
import { UsageError } from "../../lib/errors.ts";
import { treePaths } from "../../lib/tree.ts";
import { loggerName } from "../../service.ts";
import { readLog, unstamped } from "../../s6/logdir.ts";
import type { Live } from "./live.ts";

export interface LogPlace {
  dir: string;
  /** Set when the service has no log of its own and its lines are in the catch-all log: why. */
  sharedBecause?: string;
  /** Only the lines that start with this, after their stamp (a oneshot's, at boot). */
  prefix?: string;
}

/** The log of service name (none when it writes into a logger of its own); the catch-all log when name is undefined. */
export function logOf(live: Live, name?: string): LogPlace | undefined {
  const catchAll = treePaths(live.tree).catchAllLog;
  if (name === undefined) return { dir: catchAll };
  const service = live.db.services[name];
  if (!service) throw new UsageError(`no service named ${name}`);
  const own = service.made?.from === "logger" ? service : live.db.services[loggerName(name)];
  if (own?.made?.from === "logger") return { dir: own.made.logDir };
  if (own?.made?.from === "definition") return { dir: join(live.tree.logDir, name) };
  if (service.type === "oneshot") return { dir: catchAll, prefix: `${name}: `, sharedBecause: `${name} is a oneshot: what it said at boot is in the catch-all log` };
  if (service.producerFor !== undefined) return undefined;
  return { dir: catchAll, sharedBecause: `${name} has no logger (${service.noLog ? "no-log" : "a logger itself"}): its output is in the catch-all log` };
}

/** The place's lines, oldest first, as stored (stamped). */
export function logLines(place: LogPlace): string[] {
  return readLog(place.dir).filter((line) => isOfPlace(place, line));
}

export function isOfPlace(place: LogPlace, line: string): boolean {
  return place.prefix === undefined || unstamped(line).startsWith(place.prefix);
}
