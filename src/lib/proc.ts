// Questions to /proc about processes that are not our children.
import { readdirSync, readFileSync } from "node:fs";

/** The pids of the processes that have argument among their arguments. */
export function processesNaming(argument: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // it ended while we looked
    }
    if (argv.includes(argument)) pids.push(Number(entry));
  }
  return pids;
}
