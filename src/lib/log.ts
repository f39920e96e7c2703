// goetia's voice. Every message a person reads goes through here, written
// the way skarnet's tools write theirs ("goetia: warning: ..."), one plain
// line each, because the readers are a serial console and log files.
import { createConsola, type LogObject } from "consola";
import { formatWithOptions } from "node:util";

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
        const text = formatWithOptions({ colors: false }, ...entry.args);
        const stream = entry.level <= 1 ? process.stderr : process.stdout;
        stream.write(`goetia: ${prefixes[entry.type] ?? ""}${text}\n`);
      },
    },
  ],
});
