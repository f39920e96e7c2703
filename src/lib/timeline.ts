// A timeline: marks on CLOCK_MONOTONIC appended to a file, so that several
// processes (the stages of a boot or of the way down) add to one record and
// the last one can tell where the time went.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { monotonicNs } from "../sys/libc.ts";
import { readIfExists } from "./files.ts";

export interface Mark {
  what: string;
  ns: bigint;
}

/** The kernel counts process start times in these (USER_HZ). */
const CLOCK_TICKS_PER_SECOND = 100n;

export class Timeline {
  constructor(readonly file: string) {}

  /** Notes that `what` happened (now, by default). Never fails: it is only a record. */
  mark(what: string, ns = monotonicNs()): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${what} ${ns}\n`);
    } catch {
      // A read-only or missing /run must not stop a boot or a shutdown for the sake of a record.
    }
  }

  /**
   * Marks when this process was forked (its start time in /proc/self/stat,
   * on the boot clock, which is CLOCK_MONOTONIC on a machine that never
   * suspended; 10 ms steps) and when it got to run goetia's code: between
   * the two lie the exec and the start of the binary.
   */
  markStart(stage: string): void {
    const now = monotonicNs();
    try {
      // Fields after "pid (comm) " start at field 3; starttime is field 22.
      const ticks = BigInt(readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ")[19]);
      this.mark(`${stage}-forked`, (ticks * 1_000_000_000n) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // Without /proc there is only the second mark.
    }
    this.mark(stage, now);
  }

  read(): Mark[] {
    let text: string | undefined;
    try {
      text = readIfExists(this.file);
    } catch {
      // An unreadable record is an empty one: it only ever informs.
    }
    return (text ?? "")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [what, ns] = line.split(" ");
        return { what, ns: BigInt(ns) };
      });
  }
}

/** "requested +0 ms, stage3 +84 ms, ..." from the first mark on (a fork time is rounded down to 10 ms). */
export function describeTimeline(marks: Mark[]): string {
  const start = marks[0]?.ns ?? 0n;
  return marks
    .map(({ what, ns }) => {
      const ms = Number((ns - start) / 1_000_000n);
      return `${what} ${ms < 0 ? "" : "+"}${ms} ms`;
    })
    .join(", ");
}
