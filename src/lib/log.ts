// goetia's voice. Every message a person reads goes through here, written
// the way skarnet's tools write theirs ("goetia: warning: ..."), one plain
// line each, because the readers are a serial console and log files.
// Bun's console writes each line at once to descriptors 1 and 2 as they are
// now (it follows a dup2, and nothing waits in a buffer for an exec or a
// reboot to lose). It costs nothing to load: consola, node:util and node:fs
// each cost tens of milliseconds at a cold start under emulation, where a
// boot pays for every one.
import * as libc from "../sys/libc.ts";

type Level = "fatal" | "error" | "warn" | "info";

const prefixes: Record<Level, string> = {
  fatal: "fatal: ",
  error: "error: ",
  warn: "warning: ",
  info: "",
};

/** Descriptors that get a copy of every line, besides 1 or 2 (stage 2: the catch-all log). */
const copies: number[] = [];

/** From now on, every line also goes to fd. */
export function copyLogTo(fd: number): void {
  copies.push(fd);
}

function say(level: Level, text: string): void {
  const line = `goetia: ${prefixes[level]}${escapeControls(text)}`;
  try {
    // Where libc is open already (stage 1, the way down), a write(2) costs less than Bun's console at its first use.
    if (libc.ffiOpened()) libc.writeText(level === "info" ? 1 : 2, `${line}\n`);
    else if (level === "info") console.log("%s", line);
    else console.error("%s", line);
    for (const fd of copies) libc.writeText(fd, `${line}\n`);
  } catch {
    // Nowhere to say it: saying it must never be what fails.
  }
}

/** Errors and warnings on standard error, the rest on standard output. */
export const log = {
  fatal: (text: string) => say("fatal", text),
  error: (text: string) => say("error", text),
  warn: (text: string) => say("warn", text),
  info: (text: string) => say("info", text),
};

/**
 * Control characters as visible escapes (\n, \x1b...): a message is one
 * line, and user data in it (a file's bytes, a name) must never drive the
 * reader's terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}
