// goetia's trust boundaries on the real Debian machine (doc/security.md),
// tried by an ordinary user with a shell account, as an attacker would,
// where only a real login shows them: ssh and su with a hostile
// session-tree, a hostile bunfig.toml where root runs goetia, goetia's
// locks, `umask 000; su USER`; and the emergency shell behind root's
// password on the console.
import { afterEach, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { buildDebian, DebianMachine } from "../helpers/debian.ts";
import { killGuests } from "../helpers/guest.ts";

setDefaultTimeout(900_000);
afterEach(killGuests);

let image: string;
beforeAll(() => {
  image = buildDebian("attacks");
});

/** The places root's goetia writes, and what in them others may write (links aside: a link's mode means nothing). */
const WRITABLE_BY_OTHERS = "find /run/system /run/goetia /etc/goetia /var/log/system ! -type l -perm -o+w 2>/dev/null";

test("an ordinary user gets nothing of root's through goetia: no code run, no lock held, a login that never waits on them", async () => {
  const machine = new DebianMachine(image);
  await machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)[^\n]*\n/, 600_000);
  const mallory = [
    "useradd --create-home --shell /bin/bash mallory",
    "install -d -m 700 -o mallory -g mallory /home/mallory/.ssh",
    "install -m 600 -o mallory -g mallory /root/.ssh/authorized_keys /home/mallory/.ssh/",
  ];
  expect((await machine.sshUntil("root", mallory.join(" && "), /^$/, 120_000)).code).toBe(0);
  const as = (command: string) => machine.ssh("mallory", command);

  // A hostile bunfig.toml and .env where root then runs goetia: nothing of them runs or is read.
  const plant = ["mkdir -p /tmp/trap && cd /tmp/trap", `echo 'preload = ["./p.ts"]' > bunfig.toml`, `echo 'require("fs").writeFileSync("/tmp/trap/ran", String(process.getuid()))' > p.ts`, "echo GOETIA_CONFDIR=/tmp/trap > .env"];
  expect((await as(plant.join(" && "))).code).toBe(0);
  const rootThere = await machine.ssh("root", "cd /tmp/trap && goetia status >/dev/null; goetia --help >/dev/null; ls /tmp/trap");
  expect(rootThere.out.split("\n")).not.toContain("ran");

  // goetia's locks: root's alone, not to be opened, so not to be held.
  const locks = await as("for l in /run/system/goetia/lock /etc/goetia/system/.lock; do flock -n -s $l true 2>&1 || echo refused; done");
  expect(locks.out.match(/refused/g)?.length).toBe(2);
  // The readiness sockets' folder (sshd's and udevd's went through it): no name to take there ahead of a daemon.
  expect((await as(": > /run/goetia/notify/99999 2>&1 || echo refused")).out).toContain("refused");

  // A session-tree holding a shell payload, then a fifo: each login completes, on the tree main, and runs nothing.
  expect((await as("mkdir -p ~/.config/goetia && printf 'main;cd;id>x\\n' > ~/.config/goetia/session-tree && echo set")).out).toBe("set\n");
  const held = Bun.spawn(["ssh", ...machine.sshArgs("mallory"), "sleep 600"], { stdout: "ignore", stderr: "ignore", stdin: "ignore" });
  // (The last login's tree may still be going down: its logout takes it out of the scandir once it is.)
  expect((await machine.sshUntil("root", "ls /run/system/sessions && cat /run/system/sessions/mallory:main/instance", /^mallory:main\nmallory:main\n$/, 120_000)).out).toBe("mallory:main\nmallory:main\n");
  expect((await machine.ssh("root", "ls -d /x /root/x /run/system/sessions/*/x 2>/dev/null | wc -l")).out).toBe("0\n");
  expect((await as("rm ~/.config/goetia/session-tree && mkfifo ~/.config/goetia/session-tree && echo fifo")).out).toBe("fifo\n");
  expect((await as("echo logged-in")).out).toBe("logged-in\n");
  held.kill();
  await held.exited;

  // Root, under umask 000, becomes the user (su opens a session through PAM): nothing of goetia's is left writable by others.
  expect((await machine.ssh("root", "rm -f ~mallory/.config/goetia/session-tree; umask 000; su mallory -c true; echo su-done")).out).toContain("su-done");
  expect((await machine.ssh("root", WRITABLE_BY_OTHERS)).out).toBe("");

  await machine.ssh("root", "goetia poweroff");
  expect(await machine.guest.exited).toBe(0);
});

test("the emergency shell asks for root's password where root has one (sulogin), and the boot goes on without it", async () => {
  const machine = new DebianMachine(image, ["goetia.emergency"]);
  await machine.guest.waitFor(/root's password opens the emergency shell \(sulogin\)/, 600_000);
  await machine.guest.waitFor(/Give root password for maintenance[^]*: $/, 120_000);
  // sulogin flushes the terminal's input as it starts: a password typed before it reads is lost, and typed again.
  let from = machine.guest.output.length;
  for (let attempt = 1; ; attempt++) {
    from = machine.guest.output.length;
    machine.guest.type("goetia");
    const shell = await machine.guest.waitFor(/# $/m, 15_000, from).catch(() => undefined);
    if (shell !== undefined) break;
    expect(attempt).toBeLessThan(8);
  }
  machine.guest.type("echo SHELL-IS=$(id -u)");
  await machine.guest.waitFor(/SHELL-IS=0/, 60_000, from);
  machine.guest.type("exit");
  await machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)/, 600_000);
  await machine.sshUntil("root", "true", /^$/, 300_000);
  await machine.ssh("root", "goetia poweroff");
  expect(await machine.guest.exited).toBe(0);
});
