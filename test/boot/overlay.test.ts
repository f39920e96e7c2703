// What a new user does first: add services with an overlay, choose their
// bundle on the kernel command line, and let a oneshot power the VM off.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { ask, buildImage, eventually, Guest, killGuests } from "../helpers/guest.ts";

// A TCG boot takes 6-10 s, more on a loaded machine: be generous.
setDefaultTimeout(180_000);

const SRC = "etc/goetia/system/src/mine";
afterEach(killGuests);

test("a service added by an overlay runs in its own bundle, and a oneshot can power off", async () => {
  const image = buildImage("overlay", {
    [`${SRC}/greeter/type`]: "longrun\n",
    [`${SRC}/greeter/run`]: "#!/bin/sh\necho greeter-started > /run/greeter\nexec sleep 1000\n",
    [`${SRC}/hello/type`]: "oneshot\n",
    [`${SRC}/hello/up`]: "if { test -f /run/greeter } echo hello-from-a-oneshot\n",
    [`${SRC}/hello/dependencies`]: "greeter\n",
    [`${SRC}/the-end/type`]: "oneshot\n",
    [`${SRC}/the-end/up`]: "goetia poweroff\n",
    [`${SRC}/the-end/dependencies.d/hello`]: "",
    [`${SRC}/mine/type`]: "bundle\n",
    [`${SRC}/mine/contents.d/the-end`]: "",
    [`${SRC}/mine/contents.d/hostname`]: "",
  });
  const guest = new Guest(image, ["GOETIABUNDLE=mine"]);
  expect(await guest.exited).toBe(0);
  const out = guest.output;
  expect(out).toContain("goetia: up greeter");
  expect(out).toContain("hello-from-a-oneshot");
  // Dependencies first: greeter, then hello, then the-end.
  expect(out.indexOf("goetia: up greeter (")).toBeLessThan(out.indexOf("goetia: starting hello"));
  expect(out.indexOf("goetia: up hello")).toBeLessThan(out.indexOf("goetia: starting the-end"));
  expect(out).not.toContain("goetia: starting syslogd");
  expect(out).toContain("goetia: stage 4: poweroff");
  expect(out).toContain("reboot: Power down");
});

test("a bundle three levels deep comes up whole, in dependency order, at boot", async () => {
  const image = buildImage("nested", {
    [`${SRC}/outer/type`]: "bundle\n",
    [`${SRC}/outer/contents`]: "middle\nreport\n",
    [`${SRC}/middle/type`]: "bundle\n",
    [`${SRC}/middle/contents`]: "inner\nweb\n",
    [`${SRC}/inner/type`]: "bundle\n",
    [`${SRC}/inner/contents`]: "hostname\nmkdirs\n",
    [`${SRC}/mkdirs/type`]: "oneshot\n",
    [`${SRC}/mkdirs/up`]: "mkdir -p /srv/www\n",
    [`${SRC}/web/type`]: "longrun\n",
    [`${SRC}/web/dependencies`]: "mkdirs\n",
    [`${SRC}/web/run`]: "#!/bin/execlineb -P\nhttpd -f -p 8080 -h /srv/www\n",
    [`${SRC}/report/type`]: "oneshot\n",
    [`${SRC}/report/dependencies`]: "web\nhostname\n",
    [`${SRC}/report/up`]: 'foreground { goetia status } foreground { sh -c "echo LISTENING=$(netstat -ltn | grep -c :8080)" } goetia poweroff\n',
  });
  const guest = new Guest(image, ["GOETIABUNDLE=outer"]);
  expect(await guest.exited).toBe(0);
  const out = guest.output;
  expect(out).toContain("goetia: bundle outer up");
  for (const name of ["hostname", "mkdirs", "web", "report"]) expect(out).toContain(`goetia: up ${name}`);
  expect(out.indexOf("goetia: up mkdirs")).toBeLessThan(out.indexOf("goetia: starting web ("));
  expect(out.indexOf("goetia: up web (")).toBeLessThan(out.indexOf("goetia: starting report"));
  expect(out).toMatch(/web\s+longrun\s+up\s+\S+ ago\s+\d+/);
  expect(out).toContain("LISTENING=1");
  expect(out).not.toContain("goetia: starting syslogd");
});

test("a pipeline named in the default bundle comes up at boot: the producer's lines reach its logger", async () => {
  const image = buildImage("pipeline", {
    [`${SRC}/talker/type`]: "longrun\n",
    [`${SRC}/talker/run`]: "#!/bin/sh\nwhile :; do echo talker-says-hi; sleep 1; done\n",
    [`${SRC}/talker/producer-for`]: "listener\n",
    [`${SRC}/listener/type`]: "longrun\n",
    [`${SRC}/listener/run`]: "#!/bin/sh\nwhile read line; do echo \"$line\" >> /run/listened; done\n",
    [`${SRC}/listener/consumer-for`]: "talker\n",
    [`${SRC}/listener/pipeline-name`]: "talk\n",
    "etc/goetia/system/src/base/default/contents": "hostname\nsyslogd\nconsole-shell\ntalk\n",
    [`${SRC}/the-end/type`]: "oneshot\n",
    [`${SRC}/the-end/up`]: "foreground { sleep 2 } foreground { cat /run/listened } goetia poweroff\n",
    [`${SRC}/the-end/dependencies`]: "talk\n",
    "etc/goetia/system/src/base/default/contents.d/the-end": "",
  });
  const guest = new Guest(image);
  expect(await guest.exited).toBe(0);
  const out = guest.output;
  expect(out).not.toContain("which does not exist");
  // The reader is asked up first; at boot its writer follows at once (the fifo holds what it writes meanwhile).
  expect(out.indexOf("goetia: starting listener (")).toBeLessThan(out.indexOf("goetia: starting talker ("));
  expect(out).toMatch(/\ntalker-says-hi\r?\n/);
  expect(out).toContain("reboot: Power down");
});

test("names with spaces and quotes, and oneshots with timeouts: the boot brings up what it can, and leaves no process of a timeout behind", async () => {
  const image = buildImage("odd-names", {
    [`${SRC}/my daemon/type`]: "longrun\n",
    [`${SRC}/my daemon/run`]: "#!/bin/sh\nexec sleep 1000\n",
    [`${SRC}/q"uote/type`]: "oneshot\n",
    [`${SRC}/q"uote/up`]: "false\n",
    [`${SRC}/after q/type`]: "oneshot\n",
    [`${SRC}/after q/up`]: "true\n",
    [`${SRC}/after q/dependencies`]: 'q"uote\n',
    [`${SRC}/slow/type`]: "oneshot\n",
    [`${SRC}/slow/up`]: "sleep 99\n",
    [`${SRC}/slow/timeout-up`]: "300\n",
    [`${SRC}/quick/type`]: "oneshot\n",
    [`${SRC}/quick/up`]: "true\n",
    [`${SRC}/quick/timeout-up`]: "77000\n",
    [`${SRC}/odd/type`]: "bundle\n",
    [`${SRC}/odd/contents`]: "my daemon\nafter q\nslow\nquick\n",
  });
  const guest = new Guest(image, ["GOETIABUNDLE=odd"]);
  await guest.waitFor(/goetia: error: bundle odd not fully up: 4 services up in \d+ ms since the kernel started; 2 failed: q"uote, slow; 1 skipped: after q/);
  await guest.waitFor(/goetia: error: bundle odd did not fully come up \(goetia status says why\): starting an emergency shell/);
  guest.type("goetia status");
  await guest.waitFor(/after q\s+oneshot\s+failed\s+.*dependency q"uote failed/);
  expect(await ask(guest, "DAEMON", "goetia status | grep -c '^my daemon  *longrun  *up '")).toBe("1");
  // Neither the timed-out command nor the timer of one that was quick lives on.
  expect(await ask(guest, "SLEEPING", eventually("ps | grep -q '[s]leep 99' || echo gone"))).toBe("gone");
  expect(await ask(guest, "TIMER", eventually("ps | grep -q '[s]leep 77' || echo gone"))).toBe("gone");
});
