// goetia's voice. Every message a person reads goes through here, written
// the way skarnet's tools write theirs ("goetia: warning: ..."), one plain
// line each, because the readers are a serial console and log files.
// Lines go straight to descriptors 1 and 2 with write(2): nothing is held in
// a buffer that an exec or a reboot would lose, and they follow a dup2 (Bun's
// process.stdout keeps writing where descriptor 1 pointed when it started).
// consola/core: the same API without the fancy reporters, which cost ~40 ms at every start.
import { createConsola, type LogObject } from "consola/core";
import { writeSync } from "node:fs";
import { formatWithOptions } from "node:util";

/** Descriptors that get a copy of every line, besides 1 or 2 (stage 2: the catch-all log). */
const copies: number[] = [];

/** From now on, every line also goes to fd. */
export function copyLogTo(fd: number): void {
  copies.push(fd);
}

const prefixes: Record<string, string> = {
  fatal: "fatal: ",
  error: "error: ",
  warn: "warning: ",
};

export const log = createConsola({
  // consola hushes info under NODE_ENV=test; goetia's messages are its interface.
  level: 3,
  reporters: [
    {
      log(entry: LogObject) {
        const text = escapeControls(formatWithOptions({ colors: false }, ...entry.args));
        const line = `goetia: ${prefixes[entry.type] ?? ""}${text}\n`;
        for (const fd of [entry.level <= 1 ? 2 : 1, ...copies]) {
          try {
            writeSync(fd, line);
          } catch {
            // Nowhere to say it: saying it must never be what fails.
          }
        }
      },
    },
  ],
});

/**
 * Control characters as visible escapes (\n, \x1b...): a message is one
 * line, and user data in it (a file's bytes, a name) must never drive the
 * reader's terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}
