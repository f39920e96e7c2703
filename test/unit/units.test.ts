// systemd units read and made goetia services (systemd/), on
// units written in the shapes Debian's packages ship: the syntax as systemd
// reads it, specifiers, command lines, drop-ins, and what each key becomes;
// every key not done is told with its file and line.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseCommandLines, splitWords, toShell } from "../../src/systemd/command-line.ts";
import { fingerprint } from "../../src/manager/compile/stamp.ts";
import { convertService } from "../../src/systemd/convert.ts";
import { loadUnits, UnitPath } from "../../src/systemd/load.ts";
import { expandSpecifiers, unitName } from "../../src/systemd/specifiers.ts";
import { parseUnitFile } from "../../src/systemd/syntax.ts";
import { Unit } from "../../src/systemd/unit.ts";
import { failureActionOf, type Service, type SourceSet } from "../../src/service.ts";

const unit = (name: string, ...texts: string[]) => new Unit(unitName(name), texts.map((text, i) => ({ path: i === 0 ? `/lib/systemd/system/${name}` : `/etc/systemd/system/${name}.d/${i}.conf`, text })));
const convert = (name: string, ...texts: string[]) => convertService(unit(name, ...texts), `/lib/systemd/system/${name}`, (dep) => (dep.endsWith(".service") ? [dep.replace(/\.service$/, "")] : []));
const runOf = (service: Service | undefined) => (service?.made?.from === "unit" ? service.made.daemon : undefined);

test("the syntax: sections, comments, continued lines, whitespace around =; what systemd reads past is told with its line", () => {
  const text = "# comment\n; another\n[Unit]\nDescription = A daemon \\\n  # a comment inside\n  that continues\nstray line\n[Service]\nExecStart=/bin/true\n[Broken\nKey=value\n";
  const { assignments, warnings } = parseUnitFile(text, "/x.service");
  expect(assignments.map(({ section, key, value, line }) => [section, key, value, line])).toEqual([
    ["Unit", "Description", "A daemon  that continues", 4],
    ["Service", "ExecStart", "/bin/true", 9],
  ]);
  expect(warnings).toEqual([
    { file: "/x.service", line: 7, message: '"stray line" is no assignment (KEY=VALUE): ignored' },
    { file: "/x.service", line: 10, message: '"[Broken" is not a section header: ignored, and the assignments up to the next one' },
    { file: "/x.service", line: 11, message: "Key= is outside any section: ignored" },
  ]);
});

test("specifiers, as the system manager resolves them", () => {
  const said: string[] = [];
  const name = unitName("serial-getty@ttyS0.service");
  expect(expandSpecifiers("%n %N %p %i %I %t/%i %S %L %C %E %h %%", name, (m) => said.push(m))).toBe(
    "serial-getty@ttyS0.service serial-getty@ttyS0 serial-getty ttyS0 ttyS0 /run/ttyS0 /var/lib /var/log /var/cache /etc /root %",
  );
  expect(expandSpecifiers("%I", unitName("systemd-fsck@dev-disk-by\\x2duuid-1234.service"), () => {})).toBe("dev/disk/by-uuid/1234");
  expect(expandSpecifiers("host %H", name, (m) => said.push(m))).toBe("host %H");
  expect(said).toEqual(["%H is known only on a running system, or not at all: kept as written"]);
});

test("command lines: quotes, escapes, prefixes, several commands; and each word said in sh", () => {
  expect(splitWords(`/bin/echo "a b" 'c "d"' e\\ f \\x41 "\\n"`)).toEqual(["/bin/echo", "a b", 'c "d"', "e f", "A", "\n"]);
  expect(splitWords('/bin/echo "open')).toBe("an unterminated \" quote");
  const [first, second] = parseCommandLines("-/sbin/modprobe -q %i ; @/bin/sh sh -c true", (word) => word.replace("%i", "loop")) as ReturnType<typeof parseCommandLines> & unknown[];
  expect(first).toEqual({ argv: ["/sbin/modprobe", "-q", "loop"], ignoreFailure: true, literal: false, privileged: false });
  expect(second).toEqual({ argv: ["/bin/sh", "-c", "true"], argv0: "sh", ignoreFailure: false, literal: false, privileged: false });
  const [daemon] = parseCommandLines("+/usr/sbin/sshd -D $SSHD_OPTS --log=${LOG}.txt $$HOME", (w) => w) as unknown as Parameters<typeof toShell>[0][];
  expect(daemon.privileged).toBe(true);
  expect(toShell(daemon)).toBe(`'/usr/sbin/sshd' '-D' $SSHD_OPTS '--log='"\${LOG}"'.txt' '$''HOME'`);
});

test("a drop-in is read after its unit: a key takes its last value, a list grows, an empty assignment empties it; time spans", () => {
  const u = unit("web.service", "[Service]\nExecStart=/bin/web\nEnvironment=A=1\nTimeoutStopSec=1min 30s\n", "[Service]\nEnvironment=\nEnvironment=B=2\nTimeoutStopSec=500ms\nRestartSec=3\n");
  expect(u.list("Service", "Environment").map(({ value }) => value)).toEqual(["B=2"]);
  expect(u.timeMs("Service", "TimeoutStopSec")).toBe(500);
  expect(u.timeMs("Service", "RestartSec")).toBe(3000);
  expect(unit("x.service", "[Service]\nTimeoutSec=infinity\nRestartSec=soon\n").timeMs("Service", "TimeoutSec")).toBe(Number.POSITIVE_INFINITY);
});

test("Type=simple with a user, an environment, directories and limits: the run script does it all, then execs the daemon", () => {
  const { service, ignored } = convert(
    "web.service",
    [
      "[Unit]",
      "Description=A web server",
      "After=network-online.target db.service",
      "Requires=db.service",
      "[Service]",
      'Environment="GREETING=hello world" PORT=8080',
      "EnvironmentFile=-/etc/default/web",
      "User=www-data",
      "Group=www-data",
      "WorkingDirectory=/srv/web",
      "UMask=0027",
      "LimitNOFILE=1024:4096",
      "RuntimeDirectory=web",
      "StateDirectory=web",
      "StateDirectoryMode=0700",
      "ExecStartPre=/usr/bin/web --check",
      "ExecStart=/usr/bin/web --port $PORT",
      "ExecReload=/bin/kill -HUP $MAINPID",
      "Restart=on-failure",
      "RestartSec=2",
      "KillSignal=SIGINT",
      "TimeoutStopSec=20",
      "PrivateTmp=yes",
      "Frobnicate=yes",
      "",
    ].join("\n"),
  );
  expect(service).toMatchObject({ name: "web", type: "longrun", dependencies: ["db"], stayUpMs: 100, restartPolicy: { limit: 5, intervalMs: 10_000, delayMs: 2000 } });
  const made = runOf(service)!;
  expect(made.run.split("\n")).toEqual([
    "#!/bin/sh",
    "# Generated by goetia from /lib/systemd/system/web.service: Type=simple (systemd/convert.ts).",
    "echo $$ >main-pid",
    "user='www-data'",
    "group='www-data'",
    "set -f",
    "trap '' PIPE",
    "export GREETING='hello world'",
    "export PORT='8080'",
    "environment=$(/usr/lib/goetia/env-file '-/etc/default/web') || exit 111",
    'eval "$environment"',
    "umask 0027",
    "ulimit -Hn 4096 && ulimit -Sn 1024 || exit 111",
    `mkdir -p '/run/web' && { [ "$(stat -c %U:%G '/run/web')" = "$user:$group" ] || chown -hR "$user:$group" '/run/web'; } && chmod 0755 '/run/web' || exit 111`,
    `mkdir -p '/var/lib/web' && { [ "$(stat -c %U:%G '/var/lib/web')" = "$user:$group" ] || chown -hR "$user:$group" '/var/lib/web'; } && chmod 0700 '/var/lib/web' || exit 111`,
    "cd '/srv/web' || exit 111",
    `setpriv --reuid="$user" --regid="$group" --init-groups -- '/usr/bin/web' '--check' || exit $?`,
    `exec setpriv --reuid="$user" --regid="$group" --init-groups -- '/usr/bin/web' '--port' $PORT`,
    "",
  ]);
  expect(made.files).toEqual({ "timeout-kill": "20000\n", "down-signal": "SIGINT\n" });
  expect(made.finish).toContain('{ [ "$1" = 0 ] || { [ "$1" = 256 ] && case $2 in 1|2|13|15) true ;; *) false ;; esac; }; } && exit 125');
  expect(service!.reload).toEqual({ command: expect.stringContaining("'/bin/kill' '-HUP' $MAINPID") });
  expect(ignored).toEqual([
    "/lib/systemd/system/web.service:23: PrivateTmp=: sandboxing and resource control need systemd's namespaces, cgroups and seccomp: the daemon runs without",
    "/lib/systemd/system/web.service:24: Frobnicate=: not something goetia does: ignored",
  ]);
});

test("Type=notify runs behind the readiness bridge; Type=oneshot is a oneshot with its pre, start and post in turn, and its stops", () => {
  const notify = convert("sd.service", "[Service]\nType=notify\nExecStart=/usr/sbin/daemon -n\n").service!;
  expect(notify).toMatchObject({ sdNotify: true, notificationFd: 3 });
  expect(runOf(notify)!.run).toMatch(/\nexec \S+\/sd-notify 3 '\/usr\/sbin\/daemon' '-n'\n$/);
  expect(runOf(notify)!.files["notification-fd"]).toBe("3\n");

  const oneshot = convert("setup.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStartPre=-/bin/false\nExecStart=/bin/echo one ; /bin/echo two\nExecStop=/bin/echo down\n").service!;
  expect(oneshot.type).toBe("oneshot");
  expect(oneshot.dependencies).toEqual([]);
  expect(oneshot.up).toBe(`/bin/sh -c "set -f\ntrap '' PIPE\ncd / || exit 111\n'/bin/false' || :\n'/bin/echo' 'one' || exit $?\n'/bin/echo' 'two' || exit $?"`);
  expect(oneshot.down).toContain("'/bin/echo' 'down' || exit $?");
});

test("Type=forking runs under its keeper, ready once the launcher has exited: the PID file names the daemon, or the one child left", async () => {
  const withFile = convert("old.service", "[Service]\nType=forking\nPIDFile=/run/old.pid\nExecStart=/usr/sbin/old -d\n").service!;
  expect(withFile).toMatchObject({ notificationFd: 3 });
  expect(withFile.stayUpMs).toBeUndefined();
  expect(runOf(withFile)!.run).toMatch(/\nexec \S+\/forking 3 '\/run\/old.pid' '\/usr\/sbin\/old' '-d'\n$/);
  expect(runOf(withFile)!.files["notification-fd"]).toBe("3\n");
  expect(runOf(convert("guess.service", "[Service]\nType=forking\nExecStart=/usr/sbin/guess\n").service)!.run).toContain("/forking 3 '-' '/usr/sbin/guess'");
});

test("Nice=, CPUSchedulingPolicy= and IOSchedulingClass= are set on the script's shell, before any command; a bad value is told", () => {
  // Debian bookworm's e2scrub_reap.service (e2fsprogs 1.47), which must not compete with the boot.
  const reap = convert("e2scrub_reap.service", "[Service]\nType=oneshot\nWorkingDirectory=/\nIOSchedulingClass=idle\nCPUSchedulingPolicy=idle\nEnvironment=SERVICE_MODE=1\nExecStart=/sbin/e2scrub_all -A -r\n");
  expect(reap.service!.up).toBe(`/bin/sh -c "set -f\ntrap '' PIPE\nexport SERVICE_MODE='1'\nchrt --idle -p 0 $$ >/dev/null || exit 111\nionice -c 3 -p $$ || exit 111\ncd '/' || exit 111\n'/sbin/e2scrub_all' '-A' '-r' || exit $?"`);
  expect(reap.ignored).toEqual([]);

  const daemon = convert("rt.service", "[Service]\nNice=-5\nCPUSchedulingPolicy=fifo\nCPUSchedulingPriority=150\nCPUSchedulingResetOnFork=yes\nIOSchedulingPriority=2\nExecStart=/usr/sbin/rt\n");
  expect(runOf(daemon.service)!.run).toContain("renice --priority -5 -p $$ >/dev/null || exit 111\nchrt --fifo --reset-on-fork -p 99 $$ >/dev/null || exit 111\nionice -c 2 -n 2 -p $$ || exit 111\n");
  expect(runOf(convert("batch.service", "[Service]\nCPUSchedulingPolicy=batch\nIOSchedulingClass=realtime\nExecStart=/usr/sbin/b\n").service)!.run).toContain("chrt --batch -p 0 $$ >/dev/null || exit 111\nionice -c 1 -n 4 -p $$ || exit 111\n");

  const bad = convert("bad.service", "[Service]\nNice=20\nCPUSchedulingPolicy=deadline\nIOSchedulingClass=fast\nExecStart=/usr/sbin/bad\n");
  expect(runOf(bad.service)!.run).not.toMatch(/renice|chrt|ionice/);
  expect(bad.ignored).toEqual([
    '/lib/systemd/system/bad.service:2: Nice=: "20" is not between -20 and 19: ignored',
    '/lib/systemd/system/bad.service:3: CPUSchedulingPolicy=: "deadline" is not a policy (other, batch, idle, fifo, rr): ignored',
    '/lib/systemd/system/bad.service:4: IOSchedulingClass=: "fast" is not a class (none, realtime, best-effort, idle): ignored',
  ]);
});

test("what goetia cannot run is left out, saying why; a bad line is told and passed over", () => {
  expect(convert("bus.service", "[Service]\nType=dbus\nBusName=org.example\nExecStart=/usr/sbin/bus\n").leftOut).toBe("Type=dbus: not a kind goetia runs (simple, exec, notify, forking, oneshot)");
  expect(convert("none.service", "[Unit]\nDescription=nothing\n").leftOut).toBe("no ExecStart=: nothing to run");
  const systemds = "part of systemd, which it needs as PID 1";
  expect(convert("systemd-logind.service", "[Service]\nExecStart=/usr/bin/logind\n").leftOut).toBe(systemds);
  expect(convert("getty-static.service", "[Service]\nType=oneshot\nExecStart=/bin/systemctl --no-block start getty@tty2.service\n").leftOut).toBe(systemds);
  expect(convert("flush.service", "[Service]\nType=oneshot\nExecStart=/lib/systemd/systemd-journal-flush\n").leftOut).toBe(systemds);
  expect(convert("chrony.service", "[Service]\nType=forking\nExecStart=!/usr/sbin/chronyd $DAEMON_OPTS\n").leftOut).toBeUndefined(); // its file is in /lib/systemd/system: no matter
  const quoted = convert("q.service", '[Service]\nExecStart=/bin/echo "open\n');
  expect(quoted.leftOut).toBe("ExecStart= holds no command goetia can read");
  expect(quoted.ignored).toContain("/lib/systemd/system/q.service:2: ExecStart=: an unterminated \" quote: ignored");
});

// Debian bookworm's dbus.service and dbus.socket (dbus 1.14), and sockets in the shapes of gpsd's and ssh's.
const DBUS_SERVICE = "[Unit]\nDescription=D-Bus System Message Bus\nDocumentation=man:dbus-daemon(1)\nRequires=dbus.socket\n\n[Service]\nType=notify\nNotifyAccess=main\nExecStart=/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only\nExecReload=/usr/bin/dbus-send --print-reply --system --type=method_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.ReloadConfig\nOOMScoreAdjust=-900\n";
const DBUS_SOCKET = "[Unit]\nDescription=D-Bus System Message Bus Socket\n\n[Socket]\nListenStream=/run/dbus/system_bus_socket\n";
const socketUnit = (name: string, text: string) => new Unit(unitName(name), [{ path: `/lib/systemd/system/${name}`, text }]);
const withSocket = (service: string, serviceText: string, ...sockets: [string, string][]) =>
  convertService(unit(service, serviceText), `/lib/systemd/system/${service}`, () => [], sockets.map(([name, text]) => socketUnit(name, text)));

test("a socket unit's sockets are made as its service starts and passed as systemd passes them: Debian's dbus, behind the bridge", () => {
  const dbus = withSocket("dbus.service", DBUS_SERVICE, ["dbus.socket", DBUS_SOCKET]);
  const run = runOf(dbus.service)!.run;
  expect(dbus.sockets).toEqual(["dbus.socket"]);
  expect(run).toContain("mkdir -p -m 0755 '/run/dbus' || exit 111\n");
  // The bridge execs the helper, which execs the daemon: one process, whose pid LISTEN_PID names.
  expect(run).toContain(
    "exec /usr/lib/goetia/sd-notify 3 /usr/lib/goetia/sockets -m 0666 -n 'dbus.socket' -t stream '/run/dbus/system_bus_socket' -- '/usr/bin/dbus-daemon' '--system' '--address=systemd:'",
  );
  expect(dbus.ignored).toEqual([]);
});

test("a socket unit's kinds, addresses, mode, owner, backlog and names; what cannot be made leaves its service out, saying why", () => {
  const gps = withSocket(
    "gpsd.service",
    "[Service]\nType=forking\nExecStart=/usr/sbin/gpsd\n",
    ["gpsd.socket", "[Socket]\nListenStream=/run/gpsd.sock\nListenStream=[::1]:2947\nListenStream=127.0.0.1:2947\nSocketMode=0600\nBindIPv6Only=ipv6-only\nBacklog=16\nPassCredentials=yes\n"],
    ["gpsd-dgram.socket", "[Socket]\nListenDatagram=@gpsd\nFileDescriptorName=events\nSocketUser=gpsd\nSocketGroup=dialout\nDirectoryMode=0700\n"],
  );
  const run = runOf(gps.service)!.run;
  expect(run).toContain(`socket_owner_1=$(id -u 'gpsd'):$(getent group 'dialout' | cut -d: -f3)\n`);
  expect(run).toContain(
    `/usr/lib/goetia/sockets -m 0600 -n 'gpsd.socket' -b 16 -6 -t stream '/run/gpsd.sock' -t stream '[::1]:2947' -t stream '127.0.0.1:2947' -m 0666 -n 'events' -o "$socket_owner_1" -t dgram '@gpsd' -- '/usr/sbin/gpsd'`,
  );
  expect(gps.ignored).toEqual(["/lib/systemd/system/gpsd.socket:8: PassCredentials=: not something goetia does: ignored"]);

  const leftOut = (socket: string) => withSocket("s.service", "[Service]\nExecStart=/usr/sbin/s\n", ["s.socket", socket]).leftOut;
  expect(leftOut("[Socket]\nListenStream=22\nAccept=yes\n")).toBe("s.socket has Accept=yes: a service per connection is not something goetia does");
  expect(leftOut("[Socket]\nListenFIFO=/run/s.fifo\n")).toBe("s.socket has ListenFIFO=: goetia makes stream, datagram and sequential-packet sockets only");
  expect(leftOut("[Socket]\nListenStream=vsock:2:1234\n")).toBe("s.socket has ListenStream=vsock:2:1234: goetia reads a path, @NAME, PORT, IPV4:PORT or [IPV6]:PORT");
  expect(leftOut("[Socket]\nSocketMode=0600\n")).toBe("s.socket listens on nothing (no ListenStream=, ListenDatagram= or ListenSequentialPacket=)");
  expect(withSocket("o.service", "[Service]\nType=oneshot\nExecStart=/bin/o\n", ["o.socket", "[Socket]\nListenStream=/run/o\n"]).leftOut).toBe("a oneshot started by o.socket: goetia passes sockets to daemons only");
});

test("Restart=no: the finish stops it for good; Restart=always: no policy limit unless the start limits say", () => {
  const no = convert("once.service", "[Service]\nExecStart=/bin/sleep 1\n").service!;
  expect(no.restartPolicy).toBeUndefined();
  expect(runOf(no)!.finish).toContain("\nexit 125\n");
  const always = convert("always.service", "[Unit]\nStartLimitBurst=3\nStartLimitIntervalSec=30s\n[Service]\nExecStart=/bin/sleep 1\nRestart=always\nKillMode=process\n").service!;
  expect(always.restartPolicy).toEqual({ limit: 3, intervalMs: 30_000, delayMs: 100 });
  expect(runOf(always)!.run).not.toContain("main-pid");
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "goetia-units-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function place(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
function link(path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}
const emptySet = (): SourceSet => ({ services: new Map(), broken: new Set(), problems: [] });

test("the load path: /etc over /lib, drop-ins from both (the same name: /etc's), a mask, an instance from its template, an alias", () => {
  const [etc, lib] = [join(root, "etc"), join(root, "lib")];
  place("lib/a.service", "[Service]\nExecStart=/lib/a\n");
  place("etc/a.service", "[Service]\nExecStart=/etc/a\n");
  place("lib/a.service.d/10-x.conf", "[Service]\nUser=lib\n");
  place("etc/a.service.d/10-x.conf", "[Service]\nUser=etc\n");
  place("lib/a.service.d/20-y.conf", "[Service]\nGroup=y\n");
  link("etc/b.service", "/dev/null");
  place("lib/b.service", "[Service]\nExecStart=/lib/b\n");
  place("lib/getty@.service", "[Service]\nExecStart=/sbin/agetty %I\n");
  link("etc/sshd.service", join(lib, "ssh.service"));
  place("lib/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n");
  const path = new UnitPath([etc, lib]);
  expect(path.find("a.service")).toEqual({ file: join(etc, "a.service"), dropIns: [join(etc, "a.service.d/10-x.conf"), join(lib, "a.service.d/20-y.conf")] });
  expect(path.find("b.service")).toBe("masked");
  expect(path.find("getty@tty3.service")).toEqual({ file: join(lib, "getty@.service"), dropIns: [] });
  expect(path.canonical("sshd.service")).toBe("ssh.service");
  expect(path.find("missing.service")).toBeUndefined();
});

test("what default.target wants becomes the bundle units; goetia's own services stand for theirs; what a unit needs comes along", () => {
  const [etc, lib] = [join(root, "etc"), join(root, "lib")];
  link("lib/default.target", "multi-user.target");
  place("lib/multi-user.target", "[Unit]\nRequires=basic.target\nWants=extra.service\n");
  place("lib/basic.target", "[Unit]\nWants=base-thing.service timers.target\n");
  place("lib/apt-daily.timer", "[Timer]\nOnCalendar=daily\n");
  link("etc/multi-user.target.wants/web.service", join(lib, "web.service"));
  link("etc/multi-user.target.wants/cron.service", join(lib, "cron.service"));
  link("etc/multi-user.target.wants/gone.service", join(lib, "gone.service"));
  link("etc/timers.target.wants/apt-daily.timer", join(lib, "apt-daily.timer"));
  place("lib/web.service", "[Unit]\nRequires=db.service\nAfter=db.service network-online.target not-installed.service\n[Service]\nExecStart=/usr/bin/web\n");
  place("lib/db.service", "[Service]\nType=notify\nExecStart=/usr/bin/db\n");
  place("lib/extra.service", "[Service]\nType=dbus\nExecStart=/usr/bin/extra\n");
  place("lib/cron.service", "[Service]\nExecStart=/usr/sbin/cron -f\n");
  place("lib/base-thing.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n");
  place("lib/orphan.service", "[Service]\nExecStart=/bin/orphan\n");

  const set = emptySet();
  const own = (name: string, units: string[] = []): Service => ({ name, type: "longrun", dir: `/src/${name}`, contents: [], dependencies: [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], systemdUnits: units });
  set.services.set("cron", own("cron"));
  set.services.set("networking", own("networking", ["network-online.target"]));
  const report = loadUnits([etc, lib], set);

  expect(set.services.get("units")?.contents).toEqual(["base-thing", "cron", "web"]);
  expect(set.services.get("web")?.dependencies).toEqual(["db", "networking"]);
  expect(set.services.get("db")?.sdNotify).toBe(true);
  expect(set.services.has("orphan")).toBe(false); // not enabled, and nothing needs it
  expect(Object.fromEntries(report.units.map(({ unit, became }) => [unit, became]))).toEqual({
    "cron.service": "cron (goetia's own)",
    "web.service": "web (longrun)",
    "base-thing.service": "base-thing (oneshot)",
    "extra.service": "not made: Type=dbus: not a kind goetia runs (simple, exec, notify, forking, oneshot)",
    "apt-daily.timer": "not made: a .timer unit is not something goetia runs",
    "db.service": "db (longrun)",
    "network-online.target": "networking (goetia's own)",
  });
});

test("an enabled socket makes its service enabled, and given its sockets; so does a socket the service's unit requires; Accept=yes is told", () => {
  const [etc, lib] = [join(root, "etc"), join(root, "lib")];
  link("lib/default.target", "multi-user.target");
  place("lib/multi-user.target", "[Unit]\nDescription=Multi-User System\n");
  place("lib/dbus.service", DBUS_SERVICE);
  place("lib/dbus.socket", DBUS_SOCKET);
  link("lib/sockets.target.wants/dbus.socket", "../dbus.socket");
  link("etc/sockets.target.wants/ssh.socket", join(lib, "ssh.socket"));
  place("lib/ssh.socket", "[Socket]\nListenStream=22\nAccept=yes\n");
  place("lib/ssh@.service", "[Service]\nExecStart=-/usr/sbin/sshd -i\nStandardInput=socket\n");
  link("etc/old.socket", "/dev/null");
  link("lib/sockets.target.wants/old.socket", "../old.socket");
  place("lib/pcscd.service", "[Unit]\nRequires=pcscd.socket\n[Service]\nExecStart=/usr/sbin/pcscd --foreground --auto-exit\n");
  place("lib/pcscd.socket", "[Socket]\nListenStream=/run/pcscd/pcscd.comm\nSocketMode=0666\n");
  link("etc/multi-user.target.wants/pcscd.service", join(lib, "pcscd.service"));
  link("etc/multi-user.target.wants/web.service", join(lib, "web.service"));
  place("lib/web.service", "[Unit]\nAfter=dbus.socket\n[Service]\nExecStart=/usr/bin/web\n");

  const set = emptySet();
  const report = loadUnits([etc, lib], set);
  expect(set.services.get("units")?.contents).toEqual(["dbus", "pcscd", "web"]);
  expect(set.services.get("web")?.dependencies).toEqual(["dbus"]);
  expect(runOf(set.services.get("pcscd"))?.run).toContain("/usr/lib/goetia/sockets -m 0666 -n 'pcscd.socket' -t stream '/run/pcscd/pcscd.comm' -- '/usr/sbin/pcscd'");
  expect(runOf(set.services.get("dbus"))?.run).toContain("-n 'dbus.socket' -t stream '/run/dbus/system_bus_socket' --");
  const became = Object.fromEntries(report.units.map(({ unit, became }) => [unit, became]));
  expect(became["dbus.socket"]).toBe("dbus's sockets, made as it starts");
  expect(became["pcscd.socket"]).toBe("pcscd's sockets, made as it starts");
  expect(became["ssh.socket"]).toBe("not made: Accept=yes: a service per connection is not something goetia does");
  expect(became["old.socket"]).toBe("not made: masked (a link to /dev/null)");

  // Claimed by a goetia service: the socket is that service's business.
  const claimed = emptySet();
  claimed.services.set("dbus", { name: "dbus", type: "longrun", dir: "/src/dbus", contents: [], dependencies: [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], systemdUnits: ["dbus.socket"] });
  const claimedReport = loadUnits([etc, lib], claimed);
  expect(claimedReport.units.find(({ unit }) => unit === "dbus.socket")?.became).toBe("dbus (goetia's own)");
  expect(claimed.services.get("web")?.dependencies).toEqual(["dbus"]);
});

test("a unit's service is known edited when its files are (its unit, a drop-in, its socket), and not after a trip through the database", () => {
  const [etc, lib] = [join(root, "etc"), join(root, "lib")];
  link("lib/default.target", "multi-user.target");
  place("lib/multi-user.target", "[Unit]\nWants=web.service\n");
  place("lib/web.service", "[Service]\nExecStart=/usr/bin/web\n");
  place("lib/web.socket", "[Socket]\nListenStream=/run/web.sock\n");
  link("lib/sockets.target.wants/web.socket", "../web.socket");
  const web = () => {
    const set = emptySet();
    loadUnits([etc, lib], set);
    return set.services.get("web")!;
  };
  const compiled = JSON.parse(JSON.stringify({ ...web(), fingerprint: "stored" }));
  const first = fingerprint(web());
  expect(fingerprint(compiled)).toBe(first);
  place("etc/web.service.d/user.conf", "[Service]\nUser=nobody\n");
  const second = fingerprint(web());
  expect(second).not.toBe(first);
  place("lib/web.socket", "[Socket]\nListenStream=/run/web2.sock\n");
  expect(fingerprint(web())).not.toBe(second);
  expect(fingerprint(compiled)).not.toBe(first); // the stored service reads its files anew
});

test("no unit folder at all: nothing read, and the bundle units only where a bundle names it", () => {
  const set = emptySet();
  loadUnits([join(root, "none")], set);
  expect(set.services.has("units")).toBe(false);
  set.services.set("default", { name: "default", type: "bundle", dir: "/src/default", contents: ["units"], dependencies: [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [] });
  loadUnits([join(root, "none")], set);
  expect(set.services.get("units")?.contents).toEqual([]);
});

test("a unit's failure takes the console only where it asks (OnFailure=emergency.target), as systemd's emergency target", () => {
  const plain = convert("web.service", "[Service]\nExecStart=/usr/bin/web\n").service!;
  const asking = convert("fsck-root.service", "[Unit]\nOnFailure=emergency.target\n[Service]\nType=oneshot\nExecStart=/sbin/fsck /\n").service!;
  expect([failureActionOf(plain), failureActionOf(asking)]).toEqual(["none", "emergency"]);
});
