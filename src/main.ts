// goetia's single entry point, one binary under several names. What to do
// is decided by the name it runs under and by whether it is PID 1:
//   PID 1 (as /sbin/goetia, init...)  -> stage 1: boot
//   PID 1 as .s6-svscan/finish        -> stage 4: the end (crash: the emergency shell)
//   .s6-svscan/SIGINT, SIGTERM...     -> stage 3: the way down, for that signal's action
//   `goetia stage2 BUNDLE`            -> stage 2, started by stage 1
//   poweroff, reboot, halt, shutdown  -> those commands
//   anything else                     -> the command line (citty)
// The .s6-svscan/* handlers in run-image are links to /sbin/goetia.
import { runMain } from "citty";
import { basename } from "node:path";
import { cli } from "./cli.ts";
import { ACTIONS, HANDLER_ACTIONS } from "./shutdown/action.ts";

/** Names the binary answers to through links, each the command of that name. */
const LINK_NAMES = new Set<string>([...ACTIONS, "shutdown"]);

async function main(): Promise<void> {
  const name = basename(process.argv0);
  const args = process.argv.slice(2);
  if (process.pid === 1) {
    if (name === "finish") (await import("./shutdown/stage4.ts")).stage4();
    if (name === "crash") (await import("./init/emergency.ts")).emergencyShell("s6-svscan crashed");
    (await import("./init/stage1.ts")).stage1();
  }
  if (name in HANDLER_ACTIONS) process.exit(await (await import("./shutdown/stage3.ts")).stage3(HANDLER_ACTIONS[name]));
  if (args[0] === "stage2") process.exit(await (await import("./init/stage2.ts")).stage2(args[1] ?? "default"));

  const command = LINK_NAMES.has(name) ? [name, ...args] : args;
  // sysvinit's `shutdown -h` means "power off"; citty would take it for --help.
  const rawArgs = command[0] === "shutdown" ? command.map((a, i) => (i > 0 && a === "-h" ? "-P" : a)) : command;
  await runMain(cli, { rawArgs });
}

await main();
