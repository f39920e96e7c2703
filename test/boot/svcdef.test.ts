// The supervision-scripts document's walk-through on the booted test
// system: definitions installed and enabled in the image come up at boot
// (a broken one reported, the rest booting), and foobaz is defined at the
// console, installed with the document's own shell commands, enabled with
// one goetia command, then switched to its next version. What a oneshot
// says at boot reaches the console and the catch-all log.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { ask, bootToPrompt, buildImage, eventually, eventuallyNone, killGuests, powerOff } from "../helpers/guest.ts";

// A TCG boot takes 6-10 s, more on a loaded machine; each goetia command at the console about a second.
setDefaultTimeout(300_000);
afterEach(killGuests);

// A daemon that says how it was started and stays, its options on its command line.
const FOOBAZ = '#!/bin/sh\necho "foobaz started with: $*"\nwhile :; do sleep 1; done\n';

test("definitions at boot, and foobaz defined, installed, enabled and switched to 1.0 at the console", async () => {
  const image = buildImage("svcdef", {
    "usr/bin/foobaz": FOOBAZ,
    // Installed and enabled in the image: one with a PATH of its own that finds another foobaz first...
    "opt/other/bin/foobaz": '#!/bin/sh\necho "the other foobaz: $*"\nwhile :; do sleep 1; done\n',
    "etc/sv/pathy/run": { link: "../.bin/run" },
    "etc/sv/pathy/log/run": { link: "../../.log/run" },
    "etc/sv/pathy/env/DAEMON": "foobaz\n",
    "etc/sv/pathy/env/DAEMONOPTS": "--from-pathy\n",
    "etc/sv/pathy/env/PATH": "/opt/other/bin:/usr/bin:/bin\n",
    "service/pathy": { link: "/etc/sv/pathy" },
    // ...and one without a DAEMON.
    "etc/sv/broken/run": { link: "../.bin/run" },
    "etc/sv/broken/env/DAEMONOPTS": "--never\n",
    "service/broken": { link: "/etc/sv/broken" },
    // A oneshot with something to say at boot.
    "etc/goetia/system/src/mine/greet/type": "oneshot\n",
    "etc/goetia/system/src/mine/greet/up": "echo hello-from-greet\n",
    "etc/goetia/system/src/base/default/contents": "hostname\nsyslogd\nconsole-shell\nenabled\ngreet\n",
  });
  const g = await bootToPrompt(image);
  await g.waitFor(/goetia: bundle default up/);
  expect(g.output).toContain("goetia: error: service broken: /etc/sv/broken/env/DAEMON: missing or empty");
  expect(g.output).toContain("goetia: error: service enabled: /service/broken: leaves out broken service(s): broken");
  expect(g.output).toMatch(/goetia: up pathy-log \(\d+ ms\)/);
  expect(g.output).toMatch(/goetia: up pathy \(\d+ ms\)/);
  expect(g.output).toMatch(/goetia: up syslogd-log \(\d+ ms\)/);
  // What a oneshot says at boot: on the console, and in the catch-all log after its name.
  expect(g.output).toMatch(/\nhello-from-greet\r?\n/);
  expect(await ask(g, "CATCHALL", eventually("grep -c 'greet: hello-from-greet' /run/system/log/uncaught-logs/current"))).toBe("1");
  expect(await ask(g, "GREETLOG", eventually("goetia logs greet 2>/dev/null | grep -c -E '^[0-9-]+ [0-9:.]+ greet: hello-from-greet'"))).toBe("1");
  expect(await ask(g, "PATHY", eventually("grep -c 'the other foobaz: --from-pathy' /var/log/system/pathy/current 2>/dev/null"))).toBe("1");

  // The document's steps: the definition, a second version beside it...
  const made = "goetia svcdef new foobaz --daemon foobaz --opts --enable-widget2 --prelaunch pgrphack --version 0.9";
  expect(await ask(g, "NEW", `${made} >/dev/null 2>&1; echo $?`)).toBe("0");
  const v1 = "/etc/svcdef/foobaz/version/1.0";
  expect(await ask(g, "V1", `mkdir ${v1} && echo foobaz > ${v1}/DAEMON && echo --enable-widget3 > ${v1}/DAEMONOPTS && echo done`)).toBe("done");
  // ...installed and activated with the document's own commands, then one goetia command.
  expect(await ask(g, "COPY", "cp -Ra /etc/svcdef/foobaz /etc/sv/ && ln -s /etc/sv/foobaz /service && echo done")).toBe("done");
  expect(await ask(g, "ENABLE", "goetia svcdef enable foobaz >/dev/null 2>&1; echo $?")).toBe("0");

  // Running with its options, a direct child of s6-supervise, logging to /var/log/system/foobaz.
  const daemon = (version: string) => `grep -l enable-widget[${version}] /proc/[0-9]*/cmdline | head -n 1 | cut -d/ -f3`;
  expect(await ask(g, "RUNNING", eventually(`${daemon("2")} | grep -c .`))).toBe("1");
  expect(await ask(g, "PARENT", `cut -d' ' -f4 /proc/$(${daemon("2")})/stat | xargs -I@ cat /proc/@/comm`)).toBe("s6-supervise");
  expect(await ask(g, "LOGGED", eventually("grep -c 'foobaz started with: --enable-widget2' /var/log/system/foobaz/current 2>/dev/null"))).toBe("1");
  expect(await ask(g, "READABLE", "goetia logs foobaz -n 1 | grep -c -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ foobaz started'")).toBe("1");

  // Version 1.0: its new options after the restart the switch applies.
  expect(await ask(g, "SWITCH", "goetia svcdef version foobaz 1.0 >/dev/null 2>&1; echo $?")).toBe("0");
  expect(await ask(g, "OLD", eventuallyNone(`${daemon("2")} | grep -c .`))).toBe("0");
  expect(await ask(g, "RESTARTED", eventually(`${daemon("3")} | grep -c .`))).toBe("1");
  expect(await ask(g, "NEWPARENT", `cut -d' ' -f4 /proc/$(${daemon("3")})/stat | xargs -I@ cat /proc/@/comm`)).toBe("s6-supervise");
  expect(await ask(g, "LIST", "goetia svcdef list | grep '^foobaz' | tr -s ' '")).toBe("foobaz 1.0 yes yes up");
  await powerOff(g);
  // Loggers go down after their daemons.
  expect(g.output.indexOf("goetia: down foobaz (")).toBeLessThan(g.output.indexOf("goetia: stopping foobaz-log"));
});
