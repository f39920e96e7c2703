// The root command: one subcommand per file in commands/, loaded on demand.
import { defineCommand } from "citty";

export const cli = defineCommand({
  meta: {
    name: "goetia",
    version: "0.1.0",
    description: "An init system: boots the machine, manages s6-supervised services, shuts down",
  },
  subCommands: {
    change: () => import("./commands/change.ts").then((m) => m.default),
    start: () => import("./commands/start.ts").then((m) => m.default),
    stop: () => import("./commands/stop.ts").then((m) => m.default),
    status: () => import("./commands/status.ts").then((m) => m.default),
    list: () => import("./commands/list.ts").then((m) => m.default),
    deps: () => import("./commands/deps.ts").then((m) => m.default),
    compile: () => import("./commands/compile.ts").then((m) => m.default),
    update: () => import("./commands/update.ts").then((m) => m.default),
    poweroff: () => import("./commands/poweroff.ts").then((m) => m.default),
    reboot: () => import("./commands/reboot.ts").then((m) => m.default),
    halt: () => import("./commands/halt.ts").then((m) => m.default),
    shutdown: () => import("./commands/shutdown.ts").then((m) => m.default),
  },
});
