// make install DESTDIR=ROOT: goetia into a root as a person installs it, and
// the root's own configuration kept when it has one.
import { afterEach, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";

let dest: string;
afterEach(() => rmSync(dest, { recursive: true, force: true }));

const install = () => Bun.spawnSync(["scripts/install.sh", dest], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });

test("the binary under its names, /sbin/init the shim, the configuration and helpers; a second install keeps the configuration", () => {
  dest = mkdtempSync(join(tmpdir(), "goetia-install-"));
  expect(install().exitCode).toBe(0);
  expect(lstatSync(join(dest, "sbin/goetia")).mode & 0o111).toBeTruthy();
  for (const name of ["poweroff", "reboot", "halt", "shutdown", "user-init", "user-shutdown"]) expect(readlinkSync(join(dest, "sbin", name))).toBe("goetia");
  // /sbin/init is the static shim (not Bun, which cannot start without /proc): an ELF much smaller than goetia.
  const init = readFileSync(join(dest, "sbin/init"));
  expect(init.subarray(1, 4).toString()).toBe("ELF");
  expect(init.length).toBeLessThan(2_000_000);
  expect(readlinkSync(join(dest, "sbin/system-init"))).toBe("init");
  for (const path of ["etc/goetia/system/env/PATH", "etc/goetia/system/run-image/service/s6-svscan-log/run", "etc/goetia/system/src/base/default/contents", "etc/svcdef/.bin/run", "etc/sv/.bin/run", "usr/lib/goetia/mount-fstab", "var/log/system"]) {
    expect(existsSync(join(dest, path))).toBe(true);
  }

  const contents = join(dest, "etc/goetia/system/src/base/default/contents");
  writeFileSync(contents, "hostname\n");
  const again = install();
  expect(again.exitCode).toBe(0);
  expect(again.stdout.toString()).toContain("etc/goetia/system is there already: kept as it is");
  expect(readFileSync(contents, "utf8")).toBe("hostname\n");
});

test("the .run link older installs shipped becomes a folder, so that a published tree can be copied over it", () => {
  dest = mkdtempSync(join(tmpdir(), "goetia-install-"));
  expect(install().exitCode).toBe(0);
  for (const root of ["etc/svcdef", "etc/sv"]) {
    rmSync(join(dest, root, ".run"), { recursive: true });
    symlinkSync(".bin", join(dest, root, ".run"));
  }
  const again = install();
  expect(again.exitCode).toBe(0);
  expect(again.stdout.toString()).toContain("etc/svcdef/.run is a folder now, no longer a link to .bin");
  for (const root of ["etc/svcdef", "etc/sv"]) expect(readlinkSync(join(dest, root, ".run/run"))).toBe("../.bin/run-sh");
  const published = join(dest, "published");
  mkdirSync(join(published, ".run"), { recursive: true });
  symlinkSync("./run.sh", join(published, ".run/run"));
  expect(Bun.spawnSync(["cp", "-R", `${published}/.`, join(dest, "etc/svcdef")]).exitCode).toBe(0);
  expect(readlinkSync(join(dest, "etc/svcdef/.run/run"))).toBe("./run.sh");
});

test("no destination, or no build: a clear refusal", () => {
  dest = mkdtempSync(join(tmpdir(), "goetia-install-"));
  const none = Bun.spawnSync(["scripts/install.sh"], { cwd: ROOT, stderr: "pipe" });
  expect(none.exitCode).not.toBe(0);
  expect(none.stderr.toString()).toContain("usage: install.sh DESTDIR");
  const missing = Bun.spawnSync(["scripts/install.sh", join(dest, "nowhere")], { cwd: ROOT, stderr: "pipe" });
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr.toString()).toContain("is not a directory");
});

/** A Debian root, as far as install.sh looks: systemd-sysv's files, known to dpkg; sshd installed, cron not. */
const systemdSysv = { init: "/lib/systemd/systemd", poweroff: "/bin/systemctl", reboot: "/bin/systemctl", halt: "/bin/systemctl", shutdown: "/bin/systemctl" };
function debianRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "goetia-install-"));
  mkdirSync(join(root, "var/lib/dpkg/info"), { recursive: true });
  mkdirSync(join(root, "usr/sbin"), { recursive: true });
  symlinkSync("usr/sbin", join(root, "sbin"));
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc/debian_version"), "12.8\n");
  writeFileSync(join(root, "var/lib/dpkg/status"), "Package: systemd-sysv\nStatus: install ok installed\nPriority: important\nSection: admin\nMaintainer: Debian <debian@example.org>\nArchitecture: amd64\nVersion: 252\nDescription: system and service manager - SysV links\n\n");
  writeFileSync(join(root, "var/lib/dpkg/info/systemd-sysv.list"), ["/.", "/sbin", ...Object.keys(systemdSysv).map((name) => `/sbin/${name}`)].join("\n") + "\n");
  for (const [name, target] of Object.entries(systemdSysv)) symlinkSync(target, join(root, "sbin", name));
  writeFileSync(join(root, "usr/sbin/sshd"), "", { mode: 0o755 });
  return root;
}

test("on a root dpkg manages: the distribution's init and power commands diverted, Debian's services chosen by what is installed; uninstall puts all back", () => {
  dest = debianRoot();

  const first = install();
  expect(first.exitCode).toBe(0);
  for (const [name, target] of Object.entries(systemdSysv)) {
    expect(readlinkSync(join(dest, "sbin", `${name}.distrib`))).toBe(target);
    expect(first.stdout.toString()).toContain(`the distribution's /sbin/${name} is /sbin/${name}.distrib now`);
  }
  expect(readlinkSync(join(dest, "sbin/poweroff"))).toBe("goetia");
  expect(readFileSync(join(dest, "sbin/init")).subarray(1, 4).toString()).toBe("ELF");
  const diversions = () => Bun.spawnSync(["dpkg-divert", "--root", dest, "--list"]).stdout.toString();
  expect(diversions()).toContain("local diversion of /sbin/init to /sbin/init.distrib");
  expect(readlinkSync(join(dest, "usr/sbin/policy-rc.d"))).toBe("/usr/lib/goetia/policy-rc.d");
  expect(readlinkSync(join(dest, "usr/bin/goetia"))).toBe("/sbin/goetia"); // where a user's PATH finds it
  const contents = readFileSync(join(dest, "etc/goetia/system/src/base/default/contents"), "utf8").split("\n");
  expect(contents).toContain("ssh");
  expect(contents).toContain("networking");
  expect(contents).not.toContain("cron");
  expect(existsSync(join(dest, "etc/goetia/system/src/base/udev/sd-notify"))).toBe(true);
  expect(existsSync(join(dest, "etc/goetia/system/src/base/console-shell"))).toBe(false);
  // Installed again (an upgrade of goetia): nothing diverted twice, the originals untouched.
  expect(install().exitCode).toBe(0);
  expect(readlinkSync(join(dest, "sbin/init.distrib"))).toBe(systemdSysv.init);

  const uninstall = Bun.spawnSync(["scripts/uninstall.sh", dest], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(uninstall.exitCode).toBe(0);
  for (const [name, target] of Object.entries(systemdSysv)) {
    expect(readlinkSync(join(dest, "sbin", name))).toBe(target);
    expect(existsSync(join(dest, "sbin", `${name}.distrib`))).toBe(false);
  }
  expect(diversions()).toBe("");
  expect(existsSync(join(dest, "usr/sbin/policy-rc.d"))).toBe(false);
  expect(existsSync(join(dest, "sbin/goetia"))).toBe(false);
  expect(existsSync(join(dest, "usr/bin/goetia"))).toBe(false);
  expect(existsSync(join(dest, "usr/lib/goetia"))).toBe(false);
  expect(existsSync(join(dest, "etc/goetia/system/src/base/default/contents"))).toBe(true);
});

test("finding 15 (doc/security.md): at every step of an install and an uninstall, the root has a /sbin/init and its power commands", () => {
  dest = debianRoot();
  // Before each command the scripts run (bash's DEBUG trap, set through BASH_ENV, and kept in functions by set -T), each name is looked for.
  const watch = join(dest, "watch.sh");
  const names = ["init", "poweroff", "reboot", "halt", "shutdown"].map((name) => join(dest, "sbin", name));
  writeFileSync(watch, `set -T\ntrap 'for f in ${names.join(" ")}; do [ -e "$f" ] || [ -L "$f" ] || echo "missing $f before: $BASH_COMMAND" >&2; done' DEBUG\n`);
  const watched = (script: string) => Bun.spawnSync([script, dest], { cwd: ROOT, env: { ...process.env, BASH_ENV: watch }, stdout: "pipe", stderr: "pipe" });
  for (const script of ["scripts/install.sh", "scripts/install.sh", "scripts/uninstall.sh"]) {
    const run = watched(script);
    expect(run.exitCode).toBe(0);
    expect(run.stderr.toString().split("\n").filter((line) => line.startsWith("missing"))).toEqual([]);
  }
  for (const [name, target] of Object.entries(systemdSysv)) expect(readlinkSync(join(dest, "sbin", name))).toBe(target);
});
