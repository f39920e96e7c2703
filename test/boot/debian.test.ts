// goetia as the /sbin/init of a real Debian bookworm machine (a root from
// Debian's packages, installed into with `make install DESTDIR=` and
// nothing else), booted the way Debian boots, and used from the host as a
// person would: ssh as a user, a cron job, syslog, a login prompt on each
// console, an upgrade of openssh-server, the power button, and a file system
// clean after; and the distribution's own init, kept as the fallback, boots
// and powers off.
import { afterEach, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDebian, DebianMachine } from "../helpers/debian.ts";
import { killGuests, ROOT } from "../helpers/guest.ts";

setDefaultTimeout(900_000);
afterEach(killGuests);

let image: string;
beforeAll(() => {
  image = buildDebian("goetia");
});

/** The file system of image checked from the host: e2fsck -fn's exit code (0: clean). */
function fsckOf(image: string): number {
  return Bun.spawnSync(["e2fsck", "-fn", image], { stdout: "ignore", stderr: "ignore" }).exitCode;
}

test("goetia boots Debian: ssh, cron, syslog, every service up, an upgrade of sshd, and the power button", async () => {
  const monitorSocket = join(mkdtempSync(join(tmpdir(), "goetia-monitor-")), "monitor");
  // Two consoles, as servers are often booted: the virtual terminal and the serial line, the last one /dev/console.
  const machine = new DebianMachine(image, ["console=tty0", "console=ttyS0"], monitorSocket);
  const [summary] = await machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)[^\n]*\n/, 600_000); // the whole line
  expect(summary).toMatch(/^goetia: bundle default up: \d+ services up/);
  await machine.guest.waitFor(/debian login: /, 60_000);

  // A user logs in with their key, over the network DHCP gave the machine.
  const login = await machine.sshUntil("tester", "id -un && ip -4 -br addr show ens2", /^tester\n/, 120_000);
  expect(login.out).toMatch(/^tester\nens2 +UP +10\.0\.2\.15\//);
  // PID 1 is s6-svscan, and every service is up: none failed, none restarting.
  const status = await machine.ssh("root", "cat /proc/1/comm && goetia status --json");
  expect(status.code).toBe(0);
  const [comm, json] = [status.out.slice(0, status.out.indexOf("\n")), status.out.slice(status.out.indexOf("\n") + 1)];
  expect(comm).toBe("s6-svscan");
  const rows: { name: string; state: string }[] = JSON.parse(json);
  expect(rows.filter((row) => !["up", "down"].includes(row.state))).toEqual([]);
  expect(rows.filter((row) => row.state === "down").map((row) => row.name)).toEqual(["udev-settle"]); // there for whoever needs it
  for (const name of ["udev", "networking", "ssh", "cron", "rsyslog", "dbus", "getty@console", "tmpfiles", "user-sessions", "power-button", "utmp"]) {
    expect(rows.map((row) => row.name)).toContain(name);
  }
  // A login prompt on each console the kernel was given: tty0 is the virtual terminal in front, tty1.
  const gettys = await machine.sshUntil("root", "pgrep -a agetty", /ttyS0[\s\S]*tty1|tty1[\s\S]*ttyS0/, 60_000);
  expect(gettys.out).toMatch(/agetty .*--noclear tty1 linux\n/);
  expect(gettys.out).toMatch(/agetty .* ttyS0 vt220\n/);
  // sshd lets ordinary users in only once /run/nologin is gone: the boot is done.
  expect((await machine.ssh("root", "test ! -e /run/nologin")).code).toBe(0);
  // The boot and the runlevel are in utmp, as Debian's tools (invoke-rc.d among them) ask.
  expect((await machine.ssh("tester", "/sbin/runlevel")).out).toBe("N 2\n");
  expect((await machine.ssh("tester", "who -b")).out).toMatch(/system boot/);

  // syslog takes a line, and cron runs the user's job (every minute).
  const word = `goetia-test-${process.pid}`;
  expect((await machine.ssh("tester", `logger ${word}`)).code).toBe(0);
  expect((await machine.sshUntil("root", `grep -c ${word} /var/log/syslog`, /^1\n/, 60_000)).out).toBe("1\n");
  expect((await machine.sshUntil("tester", "wc -l <cron-ran", /^[1-9]/, 150_000)).code).toBe(0);

  // An upgrade of openssh-server (its postinst restarts sshd) leaves sshd up, answering.
  const version = (await machine.ssh("root", "dpkg-query -W -f '${Version}' openssh-server")).out;
  const debs = join(ROOT, "build/debian/debs");
  Bun.spawnSync(["mkdir", "-p", debs]);
  const download = () => Bun.spawnSync(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", `openssh-server=${version}`], { cwd: debs, stdout: "pipe", stderr: "pipe" }).exitCode;
  // A machine whose package lists are older than the root's packages reads them anew first.
  expect(download() === 0 || (Bun.spawnSync(["apt-get", "update", "-qq"]).exitCode === 0 && download() === 0)).toBe(true);
  // apt names the file with the epoch's colon escaped: openssh-server_1%3a9.2p1-..._amd64.deb.
  const deb = readdirSync(debs).find((file) => file.startsWith(`openssh-server_${version.replace(":", "%3a")}_`))!;
  const copy = Bun.spawnSync(["scp", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-P", String(machine.port), "-i", join(ROOT, "build/debian/ssh-key"), join(debs, deb), "root@127.0.0.1:/root/"]);
  expect(copy.exitCode).toBe(0);
  const sshPid = async () => JSON.parse((await machine.ssh("root", "goetia status --json ssh")).out)[0].pid;
  const before = await sshPid();
  const upgrade = await machine.ssh("root", `dpkg -i /root/${deb} 2>&1; echo "dpkg exited $?"`, 300_000);
  expect(upgrade.out).toContain("dpkg exited 0");
  // Its postinst's invoke-rc.d restarted goetia's sshd, not a second one from the init script.
  expect(upgrade.out).toContain("goetia: restart ssh, by goetia for invoke-rc.d");
  const after = await machine.sshUntil("root", "goetia status --json ssh", /"state": ?"up"/, 60_000);
  expect(after.out).toMatch(/"state": ?"up"/);
  expect(await sshPid()).not.toBe(before);
  // One sshd listens (each ssh session has an sshd of its own beside it).
  expect((await machine.ssh("root", "pgrep -c -f 'sshd: .*\\[listener\\]'")).out).toBe("1\n");
  expect((await machine.sshUntil("tester", "id -un", /^tester\n/, 60_000)).code).toBe(0);

  // The power button (ACPI, through QEMU's monitor) powers the machine off in order, and the file system is clean.
  const monitor = await Bun.connect({ unix: monitorSocket, socket: { data() {} } });
  monitor.write("system_powerdown\n");
  await machine.guest.waitFor(/goetia: poweroff: stage 3: stopping services/, 120_000);
  expect(await machine.guest.exited).toBe(0);
  monitor.end();
  expect(machine.guest.output).toContain("goetia: poweroff now");
  expect(fsckOf(image)).toBe(0);
});

test("the distribution's init, kept as the fallback, boots and powers off with its own tools", async () => {
  const machine = new DebianMachine(image, ["init=/sbin/init.distrib"]);
  const login = await machine.sshUntil("root", "cat /proc/1/comm", /^systemd\n/, 600_000);
  expect(login.out).toBe("systemd\n");
  // goetia's poweroff hands over to the distribution's own.
  await machine.ssh("root", "poweroff");
  expect(await machine.guest.exited).toBe(0);
  expect(machine.guest.output).not.toContain("goetia: poweroff");
  expect(fsckOf(image)).toBe(0);
});
