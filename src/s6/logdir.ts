// An s6-log folder (s6-log.html): `current`, and the archives s6-log
// rotated out of it, @TAI64N.s (complete) or .u (cut short), oldest first
// by name. Each line starts with a TAI64N stamp where the logger was asked
// for one (`t`), which is turned into local time here.
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMissing, readIfExists } from "../lib/files.ts";
import { shellQuote } from "../lib/sh.ts";

/**
 * The catch-all logger's s6-log, into dir: stamped lines (t), readiness on
 * fd 3, and -p: it outlives SIGTERM (the way down sends every process one
 * while lines may still come) and ends on SIGHUP or end of file. The same
 * for the system's (its run image's run, held to this by a test) and a
 * user tree's (user/run-image.ts).
 */
export const catchAllLogger = (dir: string): string => `s6-log -bpd3 -- t ${shellQuote(dir)}`;

/**
 * TAI64N: 2^62 + TAI seconds, then nanoseconds, in hex. TAI runs 37 s
 * ahead of UTC since the leap second of 2017-01-01; every log this system
 * writes is later than that.
 */
const TAI64_EPOCH = 2n ** 62n;
const TAI_MINUS_UTC = 37n;
const STAMP = /^@([0-9a-f]{16})([0-9a-f]{8}) /;

/** The folder's lines, oldest first: archives, then current; none when there is no such folder. */
export function readLog(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const archives = entries.filter((entry) => /^@[0-9a-f]{24}\.[su]$/.test(entry)).sort();
  const text = [...archives, "current"].map((file) => readIfExists(join(dir, file)) ?? "").join("");
  return text.split("\n").filter((line) => line !== "");
}

/** A line without its TAI64N stamp. */
export function unstamped(line: string): string {
  return line.replace(STAMP, "");
}

/** A line's TAI64N stamp as a date (none without one), and its text. */
export function stampedLine(line: string): { date?: Date; text: string } {
  const stamp = STAMP.exec(line);
  if (!stamp) return { text: line };
  const ms = Number((BigInt(`0x${stamp[1]}`) - TAI64_EPOCH - TAI_MINUS_UTC) * 1000n) + Math.floor(parseInt(stamp[2], 16) / 1e6);
  return { date: new Date(ms), text: line.slice(stamp[0].length) };
}

/** A line with its TAI64N stamp, if any, as local time: "2026-11-25 04:48:55.146". */
export function readableLine(line: string): string {
  const { date, text } = stampedLine(line);
  return date ? `${localTime(date)} ${text}` : text;
}

function localTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  return `${day} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * Calls onLine for each line written to the folder's current from now on,
 * following it across rotations (a new current, shorter than what was
 * read), until signal aborts.
 */
export async function followLog(dir: string, onLine: (line: string) => void, signal: AbortSignal, pollMs = 200): Promise<void> {
  const current = join(dir, "current");
  let identity = fileIdentity(current);
  let offset = identity?.size ?? 0;
  let partial = "";
  while (!signal.aborted) {
    await Bun.sleep(pollMs);
    const now = fileIdentity(current);
    if (!now) continue;
    if (now.ino !== identity?.ino || now.size < offset) offset = 0; // rotated: the new current from its start
    identity = now;
    if (now.size === offset) continue;
    const chunk = readFrom(current, offset, now.size - offset);
    offset += chunk.length;
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
  }
}

function fileIdentity(path: string): { ino: number; size: number } | undefined {
  try {
    const { ino, size } = statSync(path);
    return { ino, size };
  } catch (error) {
    if (isMissing(error)) return undefined; // between a rotation's two renames
    throw error;
  }
}

function readFrom(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
  } finally {
    closeSync(fd);
  }
}
