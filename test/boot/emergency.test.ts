// The emergency shell at boot, for real: asked for on the kernel command
// line, a default bundle that is missing, and one that fails. Each time the
// console says why, s6-svscan runs, and goetia works from the shell.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { buildImage, eventually, Guest, killGuests } from "../helpers/guest.ts";

setDefaultTimeout(180_000);
afterEach(killGuests);

const BASE = "etc/goetia/system/src/base";
/** The emergency shell's prompt: before the hostname oneshot, the kernel's "(none)". */
const SHELL_PROMPT = /\(none\):~# /;

/** A oneshot in the default bundle with something to say. */
const GREETER = {
  "etc/goetia/system/src/mine/greet/type": "oneshot\n",
  "etc/goetia/system/src/mine/greet/up": "echo hello-from-greet\n",
  [`${BASE}/default/contents`]: "hostname\nsyslogd\nconsole-shell\ngreet\n",
};

/** Types command and waits until its answer, matching answer, has come. */
async function run(g: Guest, command: string, answer: RegExp): Promise<void> {
  const from = g.output.length;
  g.type(command);
  await g.waitFor(answer, 90_000, from);
}

describe("asked for on the kernel command line", () => {
  test.each(["goetia.emergency", "single"])("%s: a shell before any service, then the bundle when it exits", async (word) => {
    const g = new Guest(buildImage("emergency", GREETER), [word]);
    await g.waitFor(new RegExp(`goetia: error: ${word.replace(".", "\\.")} on the kernel command line: no service is started yet: starting an emergency shell`));
    await g.waitFor(SHELL_PROMPT);
    expect(g.output).not.toContain("goetia: starting hostname");
    await run(g, "goetia status hostname syslogd", /hostname\s+oneshot\s+down/);
    await run(g, "goetia start hostname", /goetia: hostname up/);
    await run(g, "cat /proc/1/comm", /\ns6-svscan\r?\n/);
    g.type("exit");
    await g.waitFor(/goetia: bundle default up/);
    await g.waitFor(/goetia:~# /);
    // Brought up by goetia's stage 2 here, a oneshot's lines reach the catch-all log too, after its name.
    await run(g, eventually("grep -c 'greet: hello-from-greet' /run/system/log/uncaught-logs/current"), /\n1\r?\n/);
    g.type("goetia poweroff");
    expect(await g.exited).toBe(0);
  });
});

describe("a bundle that cannot come up", () => {
  test("no default bundle: the console says so and offers the shell", async () => {
    const g = new Guest(buildImage("no-default", { [`${BASE}/default/type`]: "nonsense\n" }));
    await g.waitFor(/goetia: error: no bundle named default: nothing to bring up: starting an emergency shell/);
    await g.waitFor(SHELL_PROMPT);
    await run(g, "goetia list | grep -c oneshot", /\n2\r?\n/); // hostname, mount-fstab: goetia works from the shell
    g.type("goetia poweroff");
    expect(await g.exited).toBe(0);
  });

  test("a failing service in the default bundle: the shell, and goetia status says what failed", async () => {
    const g = new Guest(buildImage("failing-default", { [`${BASE}/hostname/up`]: "exit 3\n" }));
    await g.waitFor(/goetia: error: bundle default did not fully come up \(goetia status says why\): starting an emergency shell/);
    await g.waitFor(SHELL_PROMPT);
    await run(g, "goetia status hostname", /hostname\s+oneshot\s+failed.*up script exited 3/);
    await run(g, "goetia status console-shell", /console-shell\s+longrun\s+failed.*dependency hostname failed/);
    g.type("goetia poweroff");
    expect(await g.exited).toBe(0);
  });

  test("a daemon that dies at once in the default bundle is failed, not up: the console, the summary and goetia status say so", async () => {
    const g = new Guest(
      buildImage("crashy-default", {
        "etc/goetia/system/src/mine/crashy/type": "longrun\n",
        "etc/goetia/system/src/mine/crashy/run": "#!/bin/sh\necho crashy-ran\nexit 1\n",
        [`${BASE}/default/contents`]: "hostname\nsyslogd\ncrashy\n",
      }),
    );
    await g.waitFor(/goetia: error: failed crashy: died within 100 ms of its start \(exited 1\): it did not stay up/);
    await g.waitFor(/bundle default did not fully come up/);
    await g.waitFor(/:~# /);
    await run(g, "goetia status crashy", /crashy\s+longrun\s+failed.*died within 100 ms of its start \(exited 1\)/);
    // No longer restarted: it ran once.
    await run(g, "sleep 2; grep -c crashy-ran /var/log/system/crashy/current", /\n1\r?\n/);
    g.type("goetia poweroff");
    expect(await g.exited).toBe(0);
  });
});
