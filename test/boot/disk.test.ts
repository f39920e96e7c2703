// goetia installed on a disk, booted through the boot initramfs: the root
// mounted read-only, checked and remounted read-write by mount-fstab; what
// was written, and the previous boot's catch-all log, still there after a
// reboot; sources edited, compiled at the next boot into /run while the
// root is read-only; a file written just before a power-off intact; a machine killed
// mid-flight checked at the next boot; a missing device or init a shell,
// never a panic.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { ask, buildDisk, diskToPrompt, Guest, killGuests, powerOff, PROMPT, ROOT } from "../helpers/guest.ts";

setDefaultTimeout(300_000);
afterEach(killGuests);

test("from a disk: read-only, checked, read-write; nothing lost across reboot and power-off; a killed machine is checked", async () => {
  const disk = buildDisk("persist");

  let g = await diskToPrompt(disk);
  await g.waitFor(/goetia: bundle default up/);
  expect(g.output).toMatch(/goetia-root: clean/); // checked while read-only, before the remount
  expect(await ask(g, "ROOT", "awk '$2 == \"/\" { print $4 }' /proc/mounts | cut -d, -f1")).toBe("rw");
  expect(await ask(g, "PID1", "cat /proc/1/comm")).toBe("s6-svscan");
  expect(await ask(g, "WRITE", "echo kept-across-reboots > /root/kept && echo BOOT1-MARK > /run/system/service/s6-svscan-log/fifo && echo done")).toBe("done");
  g.type("goetia reboot");
  expect(await g.exited).toBe(0);
  expect(g.output).toContain("goetia: reboot now");

  g = await diskToPrompt(disk);
  expect(await ask(g, "KEPT", "cat /root/kept")).toBe("kept-across-reboots");
  expect(await ask(g, "LASTBOOT", "grep -c BOOT1-MARK /var/log/system/uncaught-logs/current")).toBe("1");
  // What the daemons said is root's (and adm's, where there is one): no other user reads it.
  expect(await ask(g, "LOGMODE", "stat -c %a:%u /var/log/system/uncaught-logs")).toBe("2750:0");
  // The first boot's record, kept: its bundle up, its services, and its way down to the end.
  await g.waitFor(/goetia: bundle default up/);
  expect(await ask(g, "BOOTS", "goetia analyze boots | awk '{ print $1 }'")).toBe("-1 0");
  expect(await ask(g, "PREVIOUS", "goetia analyze --boot -1 --json | grep -c '\"up\": true'")).toBe("1");
  expect(await ask(g, "WAYDOWNTIME", "goetia analyze --boot -1 | grep -c '^the way down  *[0-9]* ms$'")).toBe("1");
  expect(await ask(g, "BLAMED", "goetia analyze blame --boot -1 | grep -c -E ' (hostname|mount-fstab|syslogd|syslogd-log|console-shell)$'")).toBe("5");
  const previous = "$(goetia analyze boots | awk '$1 == -1 { print $3 }')";
  expect(await ask(g, "WAYDOWN", `grep -c -E '^(stopping [0-9]+ syslogd the reboot|down [0-9]+ syslogd$|processes-gone )' ${previous}`)).toBe("3");
  // A service added to the default bundle: at the next boot the sources are newer than their
  // database, and the root is read-only until mount-fstab: compiled into /run.
  const extra = "/etc/goetia/system/src/base/extra";
  g.type(`mkdir ${extra} && echo oneshot > ${extra}/type && echo true > ${extra}/up && echo extra >> /etc/goetia/system/src/base/default/contents`);
  g.type("echo written-just-before > /root/fresh");
  await powerOff(g);

  g = await diskToPrompt(disk);
  expect(await ask(g, "FRESH", "cat /root/fresh")).toBe("written-just-before");
  expect(await ask(g, "EXTRA", "goetia status extra | grep -c 'extra  *oneshot  *up'")).toBe("1");
  expect(await ask(g, "COMPILED", "readlink /run/system/goetia/compiled | cut -c1-9")).toBe("compiled-");
  await g.waitFor(/goetia: bundle default up/); // its record saved, on disk
  g.type("echo unsynced > /root/dirty");
  g.kill();
  await g.exited;

  // The journal replayed as the boot initramfs mounted it read-only, then the check, then read-write.
  g = await diskToPrompt(disk);
  await g.waitFor(/goetia: bundle default up/);
  // The killed boot's record was kept when its bundle was up (by stage 2: it compiled), with no way down.
  const killed = "$(goetia analyze boots | awk '$1 == -1 { print $3 }')";
  expect(await ask(g, "KILLED", `grep -c -E '^(bundle-up|processes-gone) ' ${killed}`)).toBe("1");
  expect(await ask(g, "COUNTED", "goetia analyze boots | grep -c .")).toBe("4");
  expect(await ask(g, "REPLAYED", "dmesg | grep -c 'EXT4-fs (vda): recovery complete'")).toBe("1");
  const checked = g.output.indexOf("goetia-root: clean");
  expect(checked).toBeGreaterThan(-1);
  expect(checked).toBeLessThan(g.output.indexOf("goetia: up mount-fstab"));
  expect(await ask(g, "AFTER", "cat /root/kept")).toBe("kept-across-reboots");
  await powerOff(g);
});

test("a root device that never comes, or an init that is not there: said on the console, and a shell", async () => {
  const disk = buildDisk("persist");
  const initrd = join(ROOT, "build", "initrd-disk.img");
  const missing = new Guest(initrd, ["-d", disk, "root=/dev/vdz", "rootdelay=1"]);
  await missing.waitFor(/boot: no device \/dev\/vdz after 1 s: starting a shell/);
  missing.type("echo SHELL=$((6 * 7))");
  await missing.waitFor(/SHELL=42/);
  missing.kill();
  await missing.exited;
  const noInit = new Guest(initrd, ["-d", disk, "init=/sbin/nothing-here"]);
  await noInit.waitFor(/boot: no \/sbin\/nothing-here on \/dev\/vda: starting a shell/);
  expect(noInit.output).not.toContain("Kernel panic");
  noInit.kill();
});

test("/sbin/init started with no /proc (as a kernel starts it with no initramfs): it mounts /proc, and goetia boots another bundle", async () => {
  const disk = buildDisk("no-proc");
  const g = new Guest(join(ROOT, "build", "initrd-disk.img"), ["-d", disk, "break", "GOETIABUNDLE=rescue"]);
  await g.waitFor(/boot: \/dev\/vda is mounted on \/newroot: a shell, as break asked/);
  g.type("umount /proc && exit");
  await g.waitFor(PROMPT);
  await g.waitFor(/goetia: bundle rescue up/);
  expect(await ask(g, "PROC", "grep -c ' /proc ' /proc/mounts")).toBe("1");
  expect(await ask(g, "SYSLOGD", "goetia status syslogd | grep -c ' down '")).toBe("1");
  // rescue holds no mount-fstab: the root stays read-only, and the shipped database served.
  expect(await ask(g, "ROOT", "awk '$2 == \"/\" { print $4 }' /proc/mounts | cut -d, -f1")).toBe("ro");
  await powerOff(g);
});
