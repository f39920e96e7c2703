// The command line: a lazy map of commands (citty), one file each in
// commands/, and the one place where a command's result or error becomes
// an exit code (lib/errors.ts) and a line on the terminal.
import "./plain.ts"; // before citty (main.ts loads it first, for the compiled binary's sake)
import { runCommand, showUsage, type ArgsDef, type CommandDef } from "citty";
import { EXIT, errorText, exitCodeOf } from "../lib/errors.ts";
import { log } from "../lib/log.ts";

type Command = CommandDef<ArgsDef>;
const load = async (module: Promise<{ default: unknown }>) => (await module).default as Command;

// Literal import paths, so that bun build --compile bundles each command.
const commands: Record<string, () => Promise<Command>> = {
  change: () => load(import("./commands/change.ts")),
  start: () => load(import("./commands/start.ts")),
  stop: () => load(import("./commands/stop.ts")),
  restart: () => load(import("./commands/restart.ts")),
  reload: () => load(import("./commands/reload.ts")),
  signal: () => load(import("./commands/signal.ts")),
  status: () => load(import("./commands/status.ts")),
  list: () => load(import("./commands/list.ts")),
  logs: () => load(import("./commands/logs.ts")),
  deps: () => load(import("./commands/deps.ts")),
  why: () => load(import("./commands/why.ts")),
  analyze: () => load(import("./commands/analyze.ts")),
  plot: () => load(import("./commands/plot.ts")),
  graph: () => load(import("./commands/graph.ts")),
  compile: () => load(import("./commands/compile.ts")),
  update: () => load(import("./commands/update.ts")),
  svcdef: () => load(import("./commands/svcdef.ts")),
  units: () => load(import("./commands/units.ts")),
  utmp: () => load(import("./commands/utmp.ts")),
  poweroff: () => load(import("./commands/poweroff.ts")),
  reboot: () => load(import("./commands/reboot.ts")),
  halt: () => load(import("./commands/halt.ts")),
  shutdown: () => load(import("./commands/shutdown.ts")),
  "user-init": () => load(import("./commands/user-init.ts")),
  "user-shutdown": () => load(import("./commands/user-shutdown.ts")),
};

const VERSION = "0.1.0";

const root: Command = {
  meta: {
    name: "goetia",
    version: VERSION,
    description: "An init system: boots the machine, manages s6-supervised services, shuts down",
  },
  subCommands: commands,
};

/** Runs `goetia ARGS...`; returns the exit code. The root takes no options: the first word names the command. */
export async function runCli(rawArgs: string[]): Promise<number> {
  const [name, ...rest] = rawArgs;
  if (name === "--version" || name === "-v") {
    console.log(VERSION);
    return EXIT.OK;
  }
  const command = name !== undefined && Object.hasOwn(commands, name) ? await commands[name]() : undefined;
  if (!command) {
    await showUsage(root);
    if (name === "--help" || name === "-h") return EXIT.OK;
    if (name !== undefined) log.error(`no command named ${name}`);
    return EXIT.USAGE;
  }
  if (asksForHelp(command, rest)) {
    const sub = await subCommandOf(command, rest[0]);
    await (sub ? showUsage(sub, command) : showUsage(command, root));
    return EXIT.OK;
  }
  try {
    const { result } = await runCommand(command, { rawArgs: rest });
    return typeof result === "number" ? result : EXIT.OK;
  } catch (error) {
    // citty's own complaints (a missing argument...) are usage errors.
    const usage = error instanceof Error && error.name === "CLIError";
    if (usage) await showUsage(command, root);
    log.error(errorText(error));
    return usage ? EXIT.USAGE : exitCodeOf(error);
  }
}

/** The subcommand name names (goetia svcdef new --help), if command has one of that name. */
async function subCommandOf(command: Command, name: string | undefined): Promise<Command | undefined> {
  const subs = (await command.subCommands) as Record<string, Command | (() => Promise<Command>)> | undefined;
  const sub = name !== undefined && subs && Object.hasOwn(subs, name) ? subs[name] : undefined;
  return typeof sub === "function" ? sub() : sub;
}

/** --help always; -h unless the command has a -h of its own (shutdown -h, sysvinit's power off). */
function asksForHelp(command: Command, args: string[]): boolean {
  const definesH = Object.values((command.args ?? {}) as ArgsDef).some((arg) => "alias" in arg && [arg.alias ?? []].flat().includes("h"));
  return args.some((arg) => arg === "--help" || (arg === "-h" && !definesH));
}
