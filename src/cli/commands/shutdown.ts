import { defineCommand } from "citty";
import { UsageError } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import type { Action } from "../../roles.ts";
import { requestWayDown, wayDownArgs } from "./power-command.ts";

/** Milliseconds until TIME: "now", "+MINUTES" or "HH:MM" (today, or tomorrow if past). */
export function delayUntil(time: string, now = new Date()): number {
  if (time === "now") return 0;
  const minutes = /^\+(\d+)$/.exec(time);
  if (minutes) return Number(minutes[1]) * 60_000;
  const clock = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!clock || Number(clock[1]) > 23 || Number(clock[2]) > 59) throw new UsageError(`shutdown: bad time "${time}": use now, +MINUTES or HH:MM`);
  const at = new Date(now);
  at.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
  if (at <= now) at.setDate(at.getDate() + 1);
  return at.getTime() - now.getTime();
}

export default defineCommand({
  meta: { name: "shutdown", description: "Power off (default), reboot or halt, now or at a time, as sysvinit's shutdown does" },
  args: {
    time: { type: "positional", description: "now (default), +MINUTES or HH:MM", required: false },
    reboot: { type: "boolean", alias: "r", description: "reboot" },
    halt: { type: "boolean", alias: "H", description: "halt" },
    // -h is sysvinit's: power off, not help.
    poweroff: { type: "boolean", alias: ["P", "h"], description: "power off (the default)" },
    ...wayDownArgs,
  },
  async run({ args }) {
    const action: Action = args.reboot ? "reboot" : args.halt ? "halt" : "poweroff";
    const delayMs = delayUntil(args.time ?? "now");
    const message = args._.slice(1).join(" ");
    if (delayMs > 0) {
      const at = new Date(Date.now() + delayMs).toTimeString().slice(0, 5);
      log.info(`${action} at ${at}${message ? `: ${message}` : ""} (Ctrl-C cancels)`);
      await Bun.sleep(delayMs);
    } else if (message) log.info(message);
    requestWayDown(action, args);
  },
});
