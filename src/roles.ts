// The names goetia's one binary runs under (links, or argv[0]), each a role,
// and the ends of the way down they may ask for. Kept apart from main.ts so
// that stage 1 can name stage 2 without importing the entry point, and free
// of imports so that choosing a role costs nothing.

/** What the machine does at the end of the way down. */
export const ACTIONS = ["poweroff", "reboot", "halt"] as const;
export type Action = (typeof ACTIONS)[number];

/** The bundle to bring up: the kernel command line's parameter, which stage 1 hands on in the environment of the same name. */
export const BUNDLE_VARIABLE = "GOETIABUNDLE";
/** The argv[0] under which stage 1 starts stage 2. */
export const STAGE2_NAME = "goetia-stage2";
/** Set by stage 1 for stage 2 when the kernel command line asked for an emergency shell: the word that asked. */
export const EMERGENCY_VARIABLE = "GOETIA_EMERGENCY";
/** Set by stage 1 for stage 2 when the kernel command line says `quiet`. */
export const QUIET_VARIABLE = "GOETIA_QUIET";
/** The argv[0] under which the init shim, its stage 1 failed, has goetia say so (the reason in STAGE1_FAILURE_VARIABLE) and start the emergency shell. */
export const STAGE1_FAILED_NAME = "goetia-stage1-failed";
export const STAGE1_FAILURE_VARIABLE = "GOETIA_STAGE1_FAILURE";

/** .s6-svscan/SIGxxx, the handlers PID 1 runs: busybox init's signals, and SIGINT for Ctrl-Alt-Del. */
export const HANDLER_ACTIONS = new Map<string, Action>([
  ["SIGINT", "reboot"],
  ["SIGTERM", "reboot"],
  ["SIGUSR1", "halt"],
  ["SIGUSR2", "poweroff"],
]);

/** The links that ask for the way down; install.sh diverts a distribution's own to NAME.distrib. */
export const POWER_COMMANDS = new Set(["poweroff", "reboot", "halt", "shutdown"]);

/** Links that are the command of the same name: `poweroff -f` is `goetia poweroff -f`. */
export const LINK_COMMANDS = new Set([...POWER_COMMANDS, "user-init", "user-shutdown"]);
