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

/**
 * A Debian package copied onto the machine, as apt would have fetched it:
 * downloaded on the host (at the machine's version, when it has the package),
 * the package lists read anew first where they are older than the root.
 * Returns the path on the machine.
 */
async function debOnMachine(machine: DebianMachine, name: string): Promise<string> {
  const version = (await machine.ssh("root", `dpkg-query -W -f '\${Version}' ${name} 2>/dev/null`)).out;
  const wanted = version === "" ? name : `${name}=${version}`;
  const debs = join(ROOT, "build/debian/debs");
  Bun.spawnSync(["mkdir", "-p", debs]);
  const download = () => Bun.spawnSync(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", wanted], { cwd: debs, stdout: "pipe", stderr: "pipe" }).exitCode;
  expect(download() === 0 || (Bun.spawnSync(["apt-get", "update", "-qq"]).exitCode === 0 && download() === 0)).toBe(true);
  // apt names the file with the epoch's colon escaped: openssh-server_1%3a9.2p1-..._amd64.deb.
  const deb = readdirSync(debs)
    .filter((file) => file.startsWith(version === "" ? `${name}_` : `${name}_${version.replace(":", "%3a")}_`) && file.endsWith(".deb"))
    .sort()
    .pop()!;
  expect(machine.scp(join(debs, deb), "/root/")).toBe(0);
  return `/root/${deb}`;
}

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
  // Debian's initramfs checked the root before mounting it: not checked twice, as systemd-fsck-root would not.
  expect(machine.guest.output).toContain("mount-fstab: / was checked by the initramfs (/run/initramfs/fsck-root)");
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
  // sshd's first lines, sent once /dev/log was there but before rsyslogd read it, waited in the socket and reached auth.log.
  expect((await machine.sshUntil("root", "grep -c 'sshd.*Server listening on 0.0.0.0 port 22' /var/log/auth.log", /^[1-9]/, 60_000)).out).toMatch(/^[1-9]/);
  expect((await machine.sshUntil("tester", "wc -l <cron-ran", /^[1-9]/, 150_000)).code).toBe(0);

  // An upgrade of openssh-server (its postinst restarts sshd) leaves sshd up, answering.
  const deb = await debOnMachine(machine, "openssh-server");
  const sshPid = async () => JSON.parse((await machine.ssh("root", "goetia status --json ssh")).out)[0].pid;
  const before = await sshPid();
  const upgrade = await machine.ssh("root", `dpkg -i ${deb} 2>&1; echo "dpkg exited $?"`, 300_000);
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

test("daemons from their own units: chrony forks and is kept; with goetia's sshd, cron, rsyslog and dbus removed, theirs run from their units; packages installed and removed live", async () => {
  let machine = new DebianMachine(image);
  await machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)[^\n]*\n/, 600_000);
  await machine.sshUntil("root", "true", /^$/, 120_000);
  // goetia has no service of its own for chrony: its unit (Type=forking, PIDFile=) runs under the keeper.
  const chronyRun = await machine.ssh("root", "head -2 /run/system/service/chrony/run");
  expect(chronyRun.out).toContain("# Generated by goetia from /lib/systemd/system/chrony.service: Type=forking");
  const units = await machine.ssh("root", "goetia units");
  expect(units.out).toMatch(/^chrony\.service +chrony \(longrun\)$/m);
  expect(units.out).toMatch(/^ssh\.service +ssh \(goetia's own\)$/m);

  // goetia's own sshd, cron, rsyslog and dbus go; the next boot runs Debian's units for them (dbus's socket-activated).
  const base = "/etc/goetia/system/src/base";
  const removed = await machine.ssh("root", `rm -r ${base}/ssh ${base}/cron ${base}/rsyslog ${base}/dbus && sed -i '/^ssh$/d; /^cron$/d; /^rsyslog$/d; /^dbus$/d' ${base}/default/contents && goetia units | grep -E '^(ssh|cron|rsyslog|dbus)\\.s'`);
  expect(removed.out).toMatch(/^ssh\.service +ssh \(longrun\)$/m);
  expect(removed.out).toMatch(/^cron\.service +cron \(longrun\)$/m);
  expect(removed.out).toMatch(/^rsyslog\.service +rsyslog \(longrun\)$/m);
  expect(removed.out).toMatch(/^dbus\.service +dbus \(longrun\)$/m);
  expect(removed.out).toMatch(/^dbus\.socket +dbus's sockets, made as it starts$/m);
  const cronBefore = Number((await machine.ssh("tester", "wc -l <cron-ran 2>/dev/null || echo 0")).out);
  await machine.ssh("root", "goetia reboot");
  expect(await machine.guest.exited).toBe(0); // QEMU runs with -no-reboot: a reboot ends it

  machine = new DebianMachine(image);
  const [summary] = await machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)[^\n]*\n/, 600_000);
  expect(summary).toMatch(/^goetia: bundle default up/);
  const status = await machine.sshUntil("root", "goetia status --json", /"name": ?"ssh"/, 120_000);
  const rows: { name: string; state: string; pid: number }[] = JSON.parse(status.out);
  expect(rows.filter((row) => !["up", "down"].includes(row.state))).toEqual([]);
  const pidOf = (name: string) => rows.find((row) => row.name === name)!.pid;
  for (const name of ["ssh", "cron", "rsyslog", "chrony", "dbus"]) expect(rows.find((row) => row.name === name)?.state).toBe("up");

  // sshd: its unit's (Type=notify, behind the bridge; RuntimeDirectory=sshd), and it is the daemon s6 supervises.
  const ssh = await machine.ssh("root", `head -2 /run/system/service/ssh/run; cat /proc/${pidOf("ssh")}/comm; stat -c %a /run/sshd; cat /run/system/service/ssh/notification-fd`);
  expect(ssh.out).toBe("#!/bin/sh\n# Generated by goetia from /lib/systemd/system/ssh.service: Type=notify (systemd/convert.ts).\nsshd\n755\n3\n");
  // dbus: its unit's (Type=notify, --address=systemd:), given the socket its dbus.socket names; the bus answers on it.
  const dbus = await machine.ssh("root", `cat /proc/${pidOf("dbus")}/comm; tr '\\0' ' ' </proc/${pidOf("dbus")}/cmdline; echo; stat -c %a /run/dbus/system_bus_socket; dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames | grep -c '"org.freedesktop.DBus"'`);
  expect(dbus.out).toBe("dbus-daemon\n/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only \n666\n1\n");
  // rsyslog's takes a line; cron's runs the job.
  const word = `goetia-units-${process.pid}`;
  await machine.ssh("tester", `logger ${word}`);
  expect((await machine.sshUntil("root", `grep -c ${word} /var/log/syslog`, /^1\n/, 60_000)).out).toBe("1\n");
  const cronRan = async () => Number((await machine.ssh("tester", "wc -l <cron-ran")).out);
  for (const deadline = Date.now() + 150_000; (await cronRan()) <= cronBefore && Date.now() < deadline; ) await Bun.sleep(5000);
  expect(await cronRan()).toBeGreaterThan(cronBefore);

  // chrony: the keeper is what s6 supervises, chronyd its child, as its unit's directories say (RuntimeDirectory=chrony 0700, its user's).
  const chrony = await machine.ssh("root", `cat /proc/${pidOf("chrony")}/comm; d=$(cat /run/chrony/chronyd.pid); awk '{print $4}' /proc/$d/stat; ps -o user= -p $d; stat -c '%U %a' /run/chrony`);
  expect(chrony.out).toBe(`forking\n${pidOf("chrony")}\n_chrony\n_chrony 700\n`);

  // Restart= as each unit says: sshd's on-failure brings it back; chrony has none, and ends.
  await machine.ssh("root", `kill -KILL ${pidOf("ssh")} $(cat /run/chrony/chronyd.pid)`);
  const restarted = await machine.sshUntil("root", "goetia status --json ssh chrony", /"state": ?"ended"/, 60_000);
  const after: { name: string; state: string; pid: number | null }[] = JSON.parse(restarted.out);
  expect(after.find((row) => row.name === "chrony")?.state).toBe("ended");
  const sshAfter = await machine.sshUntil("root", "goetia status --json ssh", /"state": ?"up"/, 60_000);
  expect(JSON.parse(sshAfter.out)[0].pid).not.toBe(pidOf("ssh"));
  expect((await machine.ssh("root", "goetia start chrony")).code).toBe(0);

  // A reinstall of chrony: its postinst's invoke-rc.d restarts goetia's chrony.
  const chronyDeb = await debOnMachine(machine, "chrony");
  const keeper = JSON.parse((await machine.ssh("root", "goetia status --json chrony")).out)[0].pid;
  const reinstall = await machine.ssh("root", `dpkg -i ${chronyDeb} 2>&1; echo "dpkg exited $?"`, 300_000);
  expect(reinstall.out).toContain("dpkg exited 0");
  expect(reinstall.out).toContain("goetia: restart chrony, by goetia for invoke-rc.d");
  const reinstalled = await machine.sshUntil("root", "goetia status --json chrony", /"state": ?"up"/, 60_000);
  expect(JSON.parse(reinstalled.out)[0].pid).not.toBe(keeper);

  // A package installed on the running machine: its postinst enables its unit, then starts it; goetia compiles the unit in and runs it.
  const atDeb = await debOnMachine(machine, "at");
  const install = await machine.ssh("root", `dpkg -i ${atDeb} 2>&1; echo "dpkg exited $?"`, 300_000);
  expect(install.out).toContain("dpkg exited 0");
  expect(install.out).toContain("goetia: start atd, by goetia for invoke-rc.d");
  const atd = await machine.sshUntil("root", "goetia status --json atd", /"state": ?"up"/, 60_000);
  expect((await machine.ssh("root", `cat /proc/${JSON.parse(atd.out)[0].pid}/comm`)).out).toBe("atd\n");

  // A package with a unit and no init script (zram-tools: a oneshot its postinst enables, and systemd would start):
  // dpkg's hook starts it once dpkg is done; removed, the hook takes it out (its ExecStop= went with the package).
  // Its dependency bc is a calculator zramswap does not call: left out, for a root without readline.
  const zram = await debOnMachine(machine, "zram-tools");
  expect((await machine.ssh("root", `dpkg -i --ignore-depends=bc ${zram} 2>&1; echo "dpkg exited $?"`, 300_000)).out).toContain("dpkg exited 0");
  expect((await machine.sshUntil("root", "goetia status --json zramswap", /"state": ?"up"/, 120_000)).code).toBe(0);
  expect((await machine.ssh("root", "swapon --show=NAME --noheadings")).out).toContain("/dev/zram0");
  expect((await machine.ssh("root", `dpkg -r zram-tools 2>&1; echo "dpkg exited $?"`, 300_000)).out).toContain("dpkg exited 0");
  expect((await machine.ssh("root", "goetia list units")).out.split("\n")).not.toContain("zramswap");

  await machine.ssh("root", "goetia poweroff");
  expect(await machine.guest.exited).toBe(0);
  expect(fsckOf(image)).toBe(0);
});

test("a login starts the user's tree: /run/user/UID and XDG_RUNTIME_DIR, one tree for every login, down at the last logout; nobody else's to touch", async () => {
  const machine = new DebianMachine(image);
  await machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)[^\n]*\n/, 600_000);
  // tester's tree main has a daemon that shows its environment; bob is a second user; tester has a password for the console.
  const home = "/home/tester/.config/goetia/main/src";
  const setup = [
    `mkdir -p ${home}/envd ${home}/default`,
    `printf 'longrun\\n' >${home}/envd/type`,
    `printf '#!/bin/sh\\nenv >"$HOME/tree-env"\\nexec sleep 100000\\n' >${home}/envd/run && chmod 755 ${home}/envd/run`,
    `printf 'bundle\\n' >${home}/default/type && printf 'envd\\n' >${home}/default/contents`,
    "chown -R tester:tester /home/tester/.config",
    "useradd --create-home bob && install -d -m 700 -o bob -g bob /home/bob/.ssh && install -m 600 -o bob -g bob /root/.ssh/authorized_keys /home/bob/.ssh/",
    "echo tester:sessions | chpasswd",
  ];
  expect((await machine.sshUntil("root", setup.join(" && "), /^$/, 120_000)).code).toBe(0);
  const uid = (await machine.ssh("root", "id -u tester")).out.trim();

  // Two logins over ssh and one on the serial console: one tree, XDG_RUNTIME_DIR in each session and in the tree's daemon.
  const first = Bun.spawn(["ssh", ...machine.sshArgs("tester"), "echo $XDG_RUNTIME_DIR; sleep 600"], { stdout: "pipe", stderr: "ignore", stdin: "ignore" });
  const runtime = await machine.sshUntil("root", `stat -c '%U %a' /run/user/${uid} && grep XDG_RUNTIME_DIR /home/tester/tree-env`, /XDG_RUNTIME_DIR/, 120_000);
  expect(runtime.out).toBe(`tester 700\nXDG_RUNTIME_DIR=/run/user/${uid}\n`);
  const second = await machine.ssh("tester", "echo $XDG_RUNTIME_DIR; pgrep -u tester -x s6-svscan | wc -l; ps -o user= -p $(pgrep -u tester -fx 'sleep 100000')");
  expect(second.out).toBe(`/run/user/${uid}\n1\ntester\n`);
  await machine.guest.waitFor(/debian login: /, 60_000);
  machine.guest.type("tester");
  await machine.guest.waitFor(/Password: /, 60_000, machine.guest.output.lastIndexOf("login: "));
  machine.guest.type("sessions");
  await machine.guest.waitFor(/tester@debian:~\$ /, 60_000, machine.guest.output.lastIndexOf("Password: "));
  machine.guest.type("echo CONSOLE=$XDG_RUNTIME_DIR TREES=$(pgrep -u tester -x s6-svscan | wc -l)");
  await machine.guest.waitFor(new RegExp(`CONSOLE=/run/user/${uid} TREES=1`), 60_000);

  // bob can neither act on tester's tree nor look into it.
  const bob = await machine.ssh("bob", `USER=tester USERTREE=main goetia stop envd; ls /run/user/${uid} /run/user/${uid}/goetia/main 2>&1`);
  expect(bob.out).toContain("only tester or root may act on tester's trees");
  expect(bob.out.match(/Permission denied/g)?.length).toBe(2);

  // Every session ends: the tree goes down in order, and /run/user/UID goes.
  first.kill();
  await first.exited;
  machine.guest.type("exit");
  const gone = await machine.sshUntil("root", `pgrep -u tester -x s6-svscan | wc -l; test -e /run/user/${uid} && echo there || echo gone`, /^0\ngone\n$/, 120_000);
  expect(gone.out).toBe("0\ngone\n");

  // A poweroff with a session open takes the tree down before what it needs.
  const last = Bun.spawn(["ssh", ...machine.sshArgs("tester"), "sleep 600"], { stdout: "ignore", stderr: "ignore", stdin: "ignore" });
  await machine.sshUntil("root", "pgrep -u tester -x s6-svscan | wc -l", /^1\n$/, 120_000);
  await machine.ssh("root", "goetia poweroff");
  expect(await machine.guest.exited).toBe(0);
  last.kill();
  const out = machine.guest.output;
  expect(out.indexOf("goetia: down sessions")).toBeGreaterThan(0);
  expect(out.indexOf("goetia: down sessions")).toBeLessThan(out.lastIndexOf("goetia: down mount-fstab"));
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
