// goetia's single entry point. What to do is decided by who we are:
//   PID 1                     -> stage 1 (boot); or stage 4 / the emergency
//                                shell when s6-svscan's finish / crash runs us
//   `goetia stage2 BUNDLE`    -> stage 2, started by stage 1
//   `goetia stage3 ACTION`    -> stage 3, started by PID 1's signal handlers
//   poweroff, reboot, halt,
//   shutdown                  -> those commands, when called by a link of that name
//   anything else             -> the command line (citty)
import { runMain } from "citty";
import { basename } from "node:path";
import { cli } from "./cli.ts";
import { ACTIONS, type Action } from "./shutdown/action.ts";

/** Names the binary answers to through links, each the command of that name. */
const LINK_NAMES = new Set<string>([...ACTIONS, "shutdown"]);

async function main(): Promise<void> {
  const [first, second] = process.argv.slice(2);
  if (process.pid === 1) {
    if (first === "stage4") (await import("./shutdown/stage4.ts")).stage4();
    if (first === "crash") (await import("./init/emergency.ts")).emergencyShell("s6-svscan crashed");
    (await import("./init/stage1.ts")).stage1();
  }
  if (first === "stage2") process.exit(await (await import("./init/stage2.ts")).stage2(second ?? "default"));
  if (first === "stage3" && ACTIONS.includes(second as Action)) {
    process.exit(await (await import("./shutdown/stage3.ts")).stage3(second as Action));
  }
  const calledAs = basename(process.argv0);
  const args = LINK_NAMES.has(calledAs) ? [calledAs, ...process.argv.slice(2)] : process.argv.slice(2);
  // sysvinit's `shutdown -h` means "power off"; citty would take it for --help.
  const rawArgs = args[0] === "shutdown" ? args.map((a, i) => (i > 0 && a === "-h" ? "-P" : a)) : args;
  await runMain(cli, { rawArgs });
}

await main();
