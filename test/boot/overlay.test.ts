// What a new user does first: add services with an overlay, choose their
// bundle on the kernel command line, and let a oneshot power the VM off.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { buildImage, Guest } from "../helpers/guest.ts";

// A TCG boot takes 6-10 s, more on a loaded machine: be generous.
setDefaultTimeout(180_000);

const SRC = "etc/goetia/system/src/mine";
let guest: Guest | undefined;
afterAll(() => guest?.kill());

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
  guest = new Guest(image, ["GOETIABUNDLE=mine"]);
  expect(await guest.exited).toBe(0);
  const out = guest.output;
  expect(out).toContain("goetia: up greeter");
  expect(out).toContain("hello-from-a-oneshot");
  // Dependencies first: greeter, then hello, then the-end.
  expect(out.indexOf("goetia: up greeter")).toBeLessThan(out.indexOf("goetia: starting hello"));
  expect(out.indexOf("goetia: up hello")).toBeLessThan(out.indexOf("goetia: starting the-end"));
  expect(out).not.toContain("syslogd");
  expect(out).toContain("goetia: stage 4: poweroff");
  expect(out).toContain("reboot: Power down");
});
