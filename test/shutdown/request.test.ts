// Asking for a shutdown on the host: refused for non-root users, and refused
// where PID 1 is not goetia's s6-svscan (a test must never end its host).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { delayUntil } from "../../src/cli/commands/shutdown.ts";
import { ROOT } from "../helpers/guest.ts";

const goetia = (...args: string[]) => Bun.spawnSync(["setpriv", ...args], { cwd: ROOT, stderr: "pipe", stdout: "pipe" });
const MAIN = join(ROOT, "src/main.ts");

describe("requests", () => {
  test.each(["poweroff", "reboot", "halt", "shutdown"])("%s by a non-root user is refused with a clear message", (command) => {
    const run = goetia("--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, MAIN, command);
    expect(run.exitCode).toBe(1);
    const action = command === "shutdown" ? "poweroff" : command;
    expect(run.stderr.toString()).toContain(`goetia: error: ${action}: only root can do that`);
  });

  // Never on a goetia host: there, this request would really reboot it.
  const hostInit = readFileSync("/proc/1/comm", "utf8").trim();
  test.skipIf(hostInit === "s6-svscan")("where PID 1 is not s6-svscan, root is told so and nothing happens", () => {
    const run = goetia("--", process.execPath, MAIN, "reboot");
    expect(run.exitCode).toBe(1);
    expect(run.stderr.toString()).toMatch(/goetia: error: reboot: PID 1 is .+, not s6-svscan: this machine was not booted by goetia/);
  });
});

test("a grace time beyond five minutes is refused before anything is asked", () => {
  const run = goetia("--", process.execPath, MAIN, "poweroff", "-g", "999999");
  expect(run.exitCode).toBe(100);
  expect(run.stderr.toString()).toContain("goetia: error: --grace: 999999 ms is more than the 300000 ms a shutdown may wait");
});

describe("shutdown TIME", () => {
  const now = new Date(2026, 10, 23, 10, 30, 0);
  test("now, +MINUTES and HH:MM (today, or tomorrow once past)", () => {
    expect(delayUntil("now", now)).toBe(0);
    expect(delayUntil("+5", now)).toBe(300_000);
    expect(delayUntil("10:45", now)).toBe(15 * 60_000);
    expect(delayUntil("10:15", now)).toBe((24 * 60 - 15) * 60_000);
  });

  test("anything else is refused", () => {
    expect(() => delayUntil("soon", now)).toThrow('shutdown: bad time "soon": use now, +MINUTES or HH:MM');
    expect(() => delayUntil("25:00", now)).toThrow("bad time");
  });
});
