// A timeline: lines appended to a file, each a mark on CLOCK_MONOTONIC, so
// that several processes (the stages of a boot or of the way down, the
// bring-up, every change) add to one record and the last one can tell where
// the time went. A line is `WHAT NS [SUBJECT [DETAIL]]`: a stage's mark
// ("stage1 1380000000") or what happened to a service ("failed 2310000000
// syslogd up script exited 1"); the subject is one word (its spaces written
// \s, its backslashes doubled), the detail the rest of the line.
// Written through libc alone: stage 1 marks it, and loads no more than it must.
import { dirname } from "node:path";
import * as libc from "../sys/libc.ts";
import { treePaths, type Tree } from "./tree.ts";

export interface Mark {
  what: string;
  ns: bigint;
  /** The service it happened to. */
  subject?: string;
  detail?: string;
}

/** The kernel counts process start times in these (USER_HZ). */
const CLOCK_TICKS_PER_SECOND = 100n;

/** A subject as one word of a line (the bring-up, bringup.sh, writes it so too). */
const encodeSubject = (name: string) => name.replace(/\\/g, "\\\\").replace(/ /g, "\\s");
const decodeSubject = (word: string) => word.replace(/\\([\\s])/g, (_, c: string) => (c === "s" ? " " : "\\"));

const line = ({ what, ns, subject, detail }: Mark) =>
  `${what} ${ns}${subject === undefined ? "" : ` ${encodeSubject(subject)}`}${detail ? ` ${detail.replace(/[\r\n]+/g, " ")}` : ""}\n`;

/** Marks as a timeline's lines. */
export const formatMarks = (marks: Mark[]) => marks.map(line).join("");

export class Timeline {
  constructor(readonly file: string) {}

  /** Notes that `what` happened (now, by default). Never fails: it is only a record. */
  mark(what: string, ns = libc.monotonicNs()): void {
    this.append([{ what, ns }]);
  }

  /** Notes that `what` happened to each of subjects (now, by default), in one write. */
  note(what: string, subjects: Iterable<string>, detail?: string, ns = libc.monotonicNs()): void {
    this.append([...subjects].map((subject) => ({ what, ns, subject, detail })));
  }

  private append(marks: Mark[]): void {
    if (marks.length === 0) return;
    const open = () => libc.open(this.file, libc.O.WRONLY | libc.O.APPEND | libc.O.CREAT | libc.O.CLOEXEC, 0o644);
    try {
      let fd: number;
      try {
        fd = open();
      } catch (error) {
        // Its folder, made only the first time: a boot notes hundreds of lines.
        if (!libc.failedWith(error, libc.errno.ENOENT)) throw error;
        libc.mkdirs(dirname(this.file));
        fd = open();
      }
      try {
        libc.writeText(fd, formatMarks(marks));
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
    return parseTimeline(text);
  }
}

/** The lines of a timeline; a torn or foreign line is left out. */
export function parseTimeline(text: string): Mark[] {
  const marks: Mark[] = [];
  for (const row of text.split("\n")) {
    const [, what, ns, subject, detail] = /^([^ ]+) (\d+)(?: ([^ ]+)(?: (.*))?)?$/.exec(row) ?? [];
    if (what !== undefined) marks.push({ what, ns: BigInt(ns), subject: subject === undefined ? undefined : decodeSubject(subject), detail });
  }
  return marks;
}

/** The mark stage 1 opens the system's boot record with; its subject names the boot (boot/saved-records.ts). */
export const BOOT_MARK = "boot";

/** How many boots' records are kept on disk. */
export const KEPT_BOOTS = 10;

/** A tree's boot record: its stages' marks, and every service's transitions from the boot on (the way down's too). */
export const bootRecord = (tree: Tree) => new Timeline(treePaths(tree).bootRecord);

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
