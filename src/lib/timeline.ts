// A timeline: marks on CLOCK_MONOTONIC appended to a file, so that several
// processes (the stages of a boot or of the way down) add to one record and
// the last one can tell where the time went.
// Written through libc alone: stage 1 marks it, and loads no more than it must.
import { dirname } from "node:path";
import * as libc from "../sys/libc.ts";

export interface Mark {
  what: string;
  ns: bigint;
}

/** The kernel counts process start times in these (USER_HZ). */
const CLOCK_TICKS_PER_SECOND = 100n;

export class Timeline {
  constructor(readonly file: string) {}

  /** Notes that `what` happened (now, by default). Never fails: it is only a record. */
  mark(what: string, ns = libc.monotonicNs()): void {
    try {
      libc.mkdirs(dirname(this.file));
      const fd = libc.open(this.file, libc.O.WRONLY | libc.O.APPEND | libc.O.CREAT | libc.O.CLOEXEC, 0o644);
      try {
        libc.writeText(fd, `${what} ${ns}\n`);
      } finally {
        libc.close(fd);
      }
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
    const now = libc.monotonicNs();
    try {
      // Fields after "pid (comm) " start at field 3; starttime is field 22.
      const ticks = BigInt(libc.readText("/proc/self/stat").split(") ")[1].split(" ")[19]);
      this.mark(`${stage}-forked`, (ticks * 1_000_000_000n) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // Without /proc there is only the second mark.
    }
    this.mark(stage, now);
  }

  read(): Mark[] {
    let text = "";
    try {
      text = libc.readText(this.file);
    } catch {
      // A missing or unreadable record is an empty one: it only ever informs.
    }
    return text
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
