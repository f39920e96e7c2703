// The root command: one subcommand per file in commands/, loaded on demand.
// A command's failure is one line ("goetia: error: ..."), not a stack trace.
import { defineCommand, type ArgsDef, type CommandDef } from "citty";
import { errorText, log } from "./lib/log.ts";

async function load<T extends ArgsDef>(module: Promise<{ default: CommandDef<T> }>): Promise<CommandDef<T>> {
  return speakingPlainly((await module).default);
}

function speakingPlainly<T extends ArgsDef>(command: CommandDef<T>): CommandDef<T> {
  return {
    ...command,
    async run(context) {
      try {
        await command.run?.(context);
      } catch (error) {
        log.error(errorText(error));
        process.exitCode ||= 1;
      }
    },
  };
}

export const cli = defineCommand({
  meta: {
    name: "goetia",
    version: "0.1.0",
    description: "An init system: boots the machine, manages s6-supervised services, shuts down",
  },
  // Literal import paths, so that bun build --compile bundles each command.
  subCommands: {
    change: () => load(import("./commands/change.ts")),
    start: () => load(import("./commands/start.ts")),
    stop: () => load(import("./commands/stop.ts")),
    status: () => load(import("./commands/status.ts")),
    list: () => load(import("./commands/list.ts")),
    deps: () => load(import("./commands/deps.ts")),
    compile: () => load(import("./commands/compile.ts")),
    update: () => load(import("./commands/update.ts")),
    poweroff: () => load(import("./commands/poweroff.ts")),
    reboot: () => load(import("./commands/reboot.ts")),
    halt: () => load(import("./commands/halt.ts")),
    shutdown: () => load(import("./commands/shutdown.ts")),
  },
});
