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

/** Whether pid is this process's parent, or its parent's, and so on, short of PID 1. */
export function isAncestor(pid: number): boolean {
  for (let at = process.ppid; at > 1; ) {
    if (at === pid) return true;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ...", comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${at}/stat`, "utf8");
      at = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return false; // it ended while we looked
    }
  }
  return false;
}
