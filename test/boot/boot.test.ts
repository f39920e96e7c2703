// The test system booted for real: Debian's kernel under QEMU (TCG), goetia
// as PID 1, Debian's s6 supervising. Each test boots once and powers off.
import { afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { ask, bootToPrompt, buildImage, eventually, killGuests, powerOff } from "../helpers/guest.ts";

// A TCG boot takes 6-10 s, more on a loaded machine: be generous.
setDefaultTimeout(180_000);

let image: string;

beforeAll(() => {
  image = buildImage("boot");
});

afterEach(killGuests);


describe("boot", () => {
  test("the boot's record: goetia analyze's parts add up to its total, blame and critical-chain name what the boot ran, plot draws it", async () => {
    const g = await bootToPrompt(image);
    await g.waitFor(/goetia: bundle default up/);
    // The console's summary: hostname, mount-fstab, syslogd, syslogd-log, console-shell.
    expect(g.output).toMatch(/goetia: bundle default up: 5 services up in \d+ ms since the kernel started\r?\n/);
    // The record itself: the boot's name first, every service asked, started and up, the bundle's end.
    expect(await ask(g, "NAMED", "head -n 1 /run/system/goetia/boot-record | grep -c -E '^boot 0 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}-[0-9a-f]{8}$'")).toBe("1");
    for (const event of ["asked", "starting", "up"]) expect(await ask(g, event.toUpperCase(), `grep -c '^${event} [0-9]* ' /run/system/goetia/boot-record`)).toBe("5");
    expect(await ask(g, "END", "grep -c '^bundle-up [0-9]* default$' /run/system/goetia/boot-record")).toBe("1");
    // Each part's ms and the total's, summed by awk: the difference is at most the rounding of four numbers.
    const sum = "goetia analyze | awk '{ n = $(NF - 1) } /^bundle default up/ { total = n; next } { parts += n } END { d = total - parts; print (d < 0 ? -d : d) <= 2 ? \"adds-up\" : \"off\" }'";
    expect(await ask(g, "ANALYZE", sum)).toBe("adds-up");
    expect(await ask(g, "BLAME", "goetia analyze blame | grep -c -E ' (hostname|syslogd|syslogd-log|console-shell|mount-fstab)$'")).toBe("5");
    expect(await ask(g, "CHAIN", "goetia analyze critical-chain | head -n 1 | cut -d@ -f1")).toBe("default");
    expect(await ask(g, "WHY", "goetia why syslogd")).toMatch(/^syslogd is up since /);
    expect(await ask(g, "PLOT", "goetia plot | grep -c '<g class=\"service\"'")).toBe("5");
    expect(await ask(g, "GRAPH", "goetia graph default | grep -c 'fillcolor=\"#c8e6c9\"'")).toBe("5");
    await powerOff(g);
  });

  test("the default bundle comes up, PID 1 is s6-svscan, no Bun process stays, poweroff ends QEMU", async () => {
    const g = await bootToPrompt(image);
    await g.waitFor(/goetia: bundle default up/);
    expect(g.output).toContain("goetia: stage 1: bundle default");
    expect(g.output).toContain("goetia: bundle default up");
    // Each service's line, from the catch-all log: on the console, the console shell's start may flush what the serial line had not sent yet.
    for (const service of ["hostname", "syslogd-log", "syslogd", "console-shell"]) {
      expect(await ask(g, `UP_${service}`, eventually(`grep -c 'goetia: up ${service} (' /run/system/log/uncaught-logs/current`))).toBe("1");
    }
    expect(await ask(g, "PID1", "cat /proc/1/comm")).toBe("s6-svscan");
    expect(await ask(g, "GOETIAS", "cat /proc/[0-9]*/comm | grep -c -x goetia")).toBe("0");
    expect(await ask(g, "HOSTNAME", "hostname")).toBe("goetia");
    // The image's database is the one the sources compile to here too (cpio rewrites ./run-sh links as run-sh).
    expect(await ask(g, "STALE", "goetia status 2>&1 | grep -c 'sources have changed'")).toBe("0");
    expect(await ask(g, "SYSLOGD", eventually("pidof syslogd >/dev/null && echo running"))).toBe("running");
    // The boot's account is kept in the catch-all log as well as on the console.
    expect(await ask(g, "LOGGED", eventually("grep -c 'goetia: bundle default up' /run/system/log/uncaught-logs/current"))).toBe("1");
    await powerOff(g);
    expect(g.output).toContain("goetia: down syslogd");
    expect(g.output).toContain("goetia: stage 4: poweroff");
  });

  test("quiet: the console gets the summary, not a line per service; the catch-all log still has them", async () => {
    const g = await bootToPrompt(image, ["quiet"]);
    await g.waitFor(/goetia: bundle default up: 5 services up/);
    expect(g.output).not.toContain("goetia: starting hostname");
    expect(g.output).not.toContain("goetia: up syslogd");
    expect(await ask(g, "LOGGED", eventually("grep -c 'goetia: up syslogd (' /run/system/log/uncaught-logs/current"))).toBe("1");
    await powerOff(g);
  });

  test("GOETIABUNDLE=rescue brings up that bundle and not what only default has", async () => {
    const g = await bootToPrompt(image, ["GOETIABUNDLE=rescue"]);
    await g.waitFor(/goetia: bundle rescue up/);
    expect(g.output).toContain("goetia: stage 1: bundle rescue");
    expect(g.output).toContain("goetia: bundle rescue up");
    expect(g.output).toContain("goetia: up console-shell");
    expect(g.output).not.toContain("goetia: starting syslogd");
    expect(await ask(g, "SYSLOGD", "pidof syslogd || echo none")).toBe("none");
    await powerOff(g);
  });

  test("an unknown bundle is named in an error and the default bundle comes up instead", async () => {
    const g = await bootToPrompt(image, ["GOETIABUNDLE=no-such-bundle"]);
    await g.waitFor(/goetia: bundle default up/);
    expect(g.output).toContain("goetia: error: GOETIABUNDLE=no-such-bundle: no such bundle or service; bringing up default instead");
    expect(g.output).toContain("goetia: bundle default up");
    await powerOff(g);
  });
});
