// The way down, for real: reboot, Ctrl-Alt-Del through QEMU's monitor, a
// service that ignores SIGTERM, a shutdown asked in the middle of the boot,
// and a second request while one runs.
import { afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootToPrompt, buildImage, Guest, killGuests } from "../helpers/guest.ts";

// A TCG boot takes 6-10 s, more on a loaded machine: be generous.
setDefaultTimeout(180_000);

const SRC = "etc/goetia/system/src/test";
let image: string;

beforeAll(() => {
  image = buildImage("shutdown", {
    // Ignores SIGTERM, and so does the sleep it runs: only SIGKILL ends it.
    [`${SRC}/stubborn/type`]: "longrun\n",
    [`${SRC}/stubborn/timeout-down`]: "1500\n",
    [`${SRC}/stubborn/run`]: '#!/bin/sh\ntrap "" TERM\nwhile :; do sleep 1; done\n',
    [`${SRC}/with-stubborn/type`]: "bundle\n",
    [`${SRC}/with-stubborn/contents`]: "default\nstubborn\n",
    // A boot that is still busy when the shutdown comes, and two requests.
    [`${SRC}/slow/type`]: "oneshot\n",
    [`${SRC}/slow/up`]: "sleep 60\n",
    [`${SRC}/impatient/type`]: "oneshot\n",
    // The requests come from the background, so that only slow is in flight when the boot is
    // interrupted, however fast stage 3 is; the second runs in a session of its own.
    [`${SRC}/impatient/up`]: "background { foreground { sleep 2 } foreground { goetia poweroff } setsid goetia reboot } true\n",
    [`${SRC}/busy-boot/type`]: "bundle\n",
    [`${SRC}/busy-boot/contents`]: "slow\nimpatient\n",
    // A process outside supervision that ignores SIGTERM: only stage 4's KILL ends it.
    "usr/bin/stray": "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 1; done\n",
    [`${SRC}/leave-a-stray/type`]: "oneshot\n",
    [`${SRC}/leave-a-stray/up`]: "background { stray } true\n",
    [`${SRC}/with-stray/type`]: "bundle\n",
    [`${SRC}/with-stray/contents`]: "default\nleave-a-stray\n",
  });
});

afterEach(killGuests);


describe("the way down", () => {
  test("shutdown -r now reboots through every stage, and says so on the console", async () => {
    const g = await bootToPrompt(image);
    g.type("shutdown -r now");
    expect(await g.exited).toBe(0);
    const out = g.output;
    const stages = [
      "goetia: reboot requested",
      "goetia: reboot: stage 3: stopping services",
      "goetia: down syslogd",
      "goetia: all services down",
      "goetia: reboot: stopping the supervision tree",
      "goetia: stage 4: reboot",
      "goetia: sending all processes the TERM signal",
      "goetia: the way down: requested +0 ms, stage3-forked ",
      "goetia: reboot now",
      "reboot: Restarting system",
    ];
    let at = 0;
    for (const line of stages) {
      const found = out.indexOf(line, at);
      expect(found, `"${line}" after position ${at}`).toBeGreaterThan(-1);
      at = found;
    }
    expect(out).not.toContain("Power down");
    expect(out).not.toContain("sending all processes the KILL signal");
  });

  test("Ctrl-Alt-Del sent through the QEMU monitor reboots", async () => {
    const socket = join(mkdtempSync(join(tmpdir(), "goetia-monitor-")), "monitor");
    const g = await bootToPrompt(image, [], socket);
    const monitor = await Bun.connect({ unix: socket, socket: { data() {} } });
    monitor.write("sendkey ctrl-alt-delete\n");
    expect(await g.exited).toBe(0);
    monitor.end();
    expect(g.output).toContain("goetia: reboot: stage 3: stopping services");
    expect(g.output).toContain("goetia: stage 4: reboot");
    expect(g.output).toContain("reboot: Restarting system");
  });

  test("a service that ignores SIGTERM is killed after its timeout-down, and the power-off goes on", async () => {
    const g = await bootToPrompt(image, ["GOETIABUNDLE=with-stubborn"]);
    expect(g.output).toContain("goetia: up stubborn");
    g.type("poweroff");
    expect(await g.exited).toBe(0);
    expect(g.output).toMatch(/goetia: warning: down stubborn \(\d+ ms\): did not stop within 1500 ms: killed/);
    expect(g.output).toContain("goetia: all services down");
    expect(g.output).toContain("reboot: Power down");
  });

  test("a process that ignores SIGTERM gets the grace time asked for, then SIGKILL", async () => {
    const g = await bootToPrompt(image, ["GOETIABUNDLE=with-stray"]);
    g.type("goetia poweroff -g 1500");
    expect(await g.exited).toBe(0);
    expect(g.output).toContain("goetia: sending all processes the TERM signal (grace: 1500 ms at most)");
    expect(g.output).toContain("goetia: sending all processes the KILL signal");
    const marks = g.output.match(/stage4 \+(\d+) ms, processes-gone \+(\d+) ms/)!;
    expect(Number(marks[2]) - Number(marks[1])).toBeGreaterThanOrEqual(1500);
    expect(g.output).toContain("reboot: Power down");
  });

  test("a shutdown asked while the boot bundle still comes up interrupts it; a second request stands down", async () => {
    const guest = new Guest(image, ["GOETIABUNDLE=busy-boot"]);
    expect(await guest.exited).toBe(0);
    const out = guest.output;
    expect(out).toContain("goetia: starting slow");
    expect(out).toMatch(/goetia: interrupting another change \(pid \d+: up bundle busy-boot\)/);
    expect(out).toContain("goetia: error: bundle busy-boot: interrupted by SIGTERM; interrupted: slow");
    // The second request either finds the first one's claim at once or stands down in stage 3.
    expect(out).toMatch(/goetia: (error: reboot: a poweroff is already under way|warning: reboot asked, but a poweroff is already under way; it goes on)/);
    expect(out).not.toContain("goetia: up slow");
    expect(out).toContain("goetia: stage 4: poweroff");
    expect(out).toContain("reboot: Power down");
  });
});
