// goetia's single entry point, one binary under several names. Who it is
// this time is decided by the name it runs under and by whether it is PID 1;
// each role loads only its own modules.
//   PID 1 as .s6-svscan/finish        -> stage 4: the end
//   PID 1 as .s6-svscan/crash         -> the emergency shell
//   PID 1 as goetia-stage1-failed     -> the init shim's stage 1 failed: the emergency shell
//   PID 1 under any other name        -> stage 1: boot
//   .s6-svscan/SIGINT, SIGTERM...     -> stage 3: the way down, for that signal's action
//   goetia-stage2 (started by stage 1) -> stage 2: the boot bundle up
//   poweroff, reboot, halt, shutdown  -> those commands (the distribution's
//                                        own when its init, kept as the fallback, is PID 1)
//   anything else                     -> the command line
import { basename } from "node:path";
import { BUNDLE_VARIABLE, EMERGENCY_VARIABLE, HANDLER_ACTIONS, LINK_COMMANDS, POWER_COMMANDS, QUIET_VARIABLE, STAGE1_FAILED_NAME, STAGE1_FAILURE_VARIABLE, STAGE2_NAME } from "./roles.ts";

type Role = () => Promise<number>;

/** The command line, its colours decided first: citty decides once, as it loads, and the bundler may load it before a static import of ours. */
const commandLine = async (argv: string[]) => {
  await import("./cli/plain.ts");
  return (await import("./cli/index.ts")).runCli(argv);
};

function roleFor(name: string, args: string[]): Role {
  if (process.pid === 1) {
    if (name === "finish") return async () => (await import("./shutdown/stage4.ts")).stage4();
    if (name === "crash") return async () => (await import("./boot/emergency.ts")).emergencyShell("s6-svscan crashed");
    if (name === STAGE1_FAILED_NAME) return async () => (await import("./boot/stage1.ts")).stage1Failed(process.env[STAGE1_FAILURE_VARIABLE] ?? "");
    return async () => (await import("./boot/stage1.ts")).stage1();
  }
  const action = HANDLER_ACTIONS.get(name);
  if (action) return async () => (await import("./shutdown/stage3.ts")).stage3(action);
  if (name === STAGE2_NAME) {
    const { [BUNDLE_VARIABLE]: bundle, [EMERGENCY_VARIABLE]: emergency, [QUIET_VARIABLE]: quiet } = process.env;
    return async () => (await import("./boot/stage2.ts")).stage2(bundle, { emergency, quiet: quiet === "1" });
  }
  if (POWER_COMMANDS.has(name)) {
    return async () => {
      const own = (await import("./shutdown/distribution.ts")).distributionsOwn(name);
      if (own) (await import("./sys/libc.ts")).execve(own, [name, ...args], process.env as Record<string, string>);
      return commandLine([name, ...args]);
    };
  }
  const words = LINK_COMMANDS.has(name) ? [name, ...args] : args;
  return () => commandLine(words);
}

// What goetia writes is made with the modes it names, whatever umask its caller had (root's `su USER` keeps a 000):
// root's files as the system's always are; a user's no more open than 022, and as private as their own umask keeps them.
process.umask(process.getuid!() === 0 ? 0o022 : process.umask() | 0o022);
void roleFor(basename(process.argv0), process.argv.slice(2))().then((code) => process.exit(code));
