// Finding 8 (doc/security.md): a daemon the admin disabled or masked stays
// down. goetia's own services stand for the units of the daemons they run
// (the Debian set's ssh for ssh.service); what the admin says of those
// units (systemctl disable: no link in a target's .wants; mask: a link to
// /dev/null) holds for the service at every compile, so at every boot.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
  // A daemon of goetia's own standing for its unit (as the Debian set's ssh, cron, rsyslog), in the boot's bundle.
  tree.service("sshd", { type: "longrun\n", "systemd-units": "sshd.service\n", run: "#!/bin/sh\nexec sleep 1000\n" });
  tree.service("default", { type: "bundle\n", contents: "sshd\n" });
  tree.unit("sshd.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n[Install]\nWantedBy=multi-user.target\n");
});
afterEach(async () => {
  await tree.stop();
});

const wants = () => join(tree.dir, "units", "etc", "multi-user.target.wants", "sshd.service");
const list = async (bundle: string) => (await tree.goetia("list", bundle)).stdout.split("\n").filter(Boolean);

test("enabled, it is in the boot's bundle", async () => {
  expect(await list("default")).toEqual(["sshd"]);
});

test("disabled (systemctl disable), the boot brings it up no more; goetia start still does", async () => {
  rmSync(wants());
  expect(await list("default")).toEqual([]);
  expect((await tree.goetia("units")).out).toContain("disabled: sshd, goetia's own, is in no bundle");
  expect((await tree.goetia("start", "default")).code).toBe(0);
  expect((await tree.statusRows()).find((row) => row.name === "sshd")?.state).toBe("down");
  expect((await tree.goetia("start", "sshd")).code).toBe(0);
});

test("masked (systemctl mask), it is left out altogether", async () => {
  const etc = join(tree.dir, "units", "etc");
  mkdirSync(etc, { recursive: true });
  symlinkSync("/dev/null", join(etc, "sshd.service"));
  expect((await tree.goetia("units")).out).toContain("masked (a link to /dev/null): sshd, goetia's own, left out");
  const started = await tree.goetia("start", "sshd");
  expect(started.code).toBe(100);
});
