// A user tree's run image, made in its configuration the first time it
// starts without one: the scandir skeleton with the catch-all logger, which
// keeps what no other logger takes in the user's own log folder. (The
// system's comes with the image: /etc/goetia/system/run-image.)
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { treePaths, type Tree } from "../lib/tree.ts";
import { shellQuote } from "../s6/run-script.ts";

/** Writes the tree's run image unless it has one; true when it was made. */
export function ensureRunImage(tree: Tree): boolean {
  const { runImage, catchAllLog } = treePaths(tree);
  if (existsSync(runImage)) return false;
  const logger = join(runImage, "service", "s6-svscan-log");
  mkdirSync(logger, { recursive: true });
  const run = [
    "#!/bin/sh",
    "# The catch-all logger: what s6-svscan, the supervisors and unlogged services write,",
    "# from the fifo user-init opened for them.",
    "exec >/dev/null 0<fifo",
    `exec s6-log -bd3 -- t ${shellQuote(catchAllLog)}`,
  ];
  writeFileSync(join(logger, "run"), `${run.join("\n")}\n`, { mode: 0o755 });
  writeFileSync(join(logger, "notification-fd"), "3\n");
  // SIGTERM would have s6-log wait for one more newline, which may never come: SIGHUP ends it at once.
  writeFileSync(join(logger, "down-signal"), "SIGHUP\n");
  return true;
}
