// A user tree on the host, run by its owner (root here, in a home of the
// test's own): user-init becomes its s6-svscan and brings its default bundle
// up; goetia's commands act on it through USERTREE; a second user-init is
// refused; user-shutdown brings it down in order and leaves nothing.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { isScanned } from "../../src/s6/svscan.ts";
import { ROOT } from "../helpers/guest.ts";

setDefaultTimeout(60_000);

let home: string;
let env: Record<string, string>;
const runDir = () => join(home, "run", String(process.getuid!()), "goetia", "main");
const conf = () => join(home, ".config/goetia/main");

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "goetia-user-"));
  const user = process.env.USER ?? "root";
  env = { PATH: process.env.PATH!, HOME: home, USER: user, USERTREE: "main", GOETIA_USER_RUNDIR: join(home, "run"), GOETIA_LIBDIR: join(ROOT, "build") };
});
afterEach(() => {
  // What a failed test left running: ended as user-shutdown ends it.
  Bun.spawnSync(["s6-svscanctl", "-t", join(runDir(), "service")]);
  Bun.spawnSync(["s6-svc", "-d", join(runDir(), "service/s6-svscan-log")]);
  rmSync(home, { recursive: true, force: true });
});

function source(name: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    const path = join(conf(), "src", name, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (text.startsWith("#!")) chmodSync(path, 0o755);
  }
}

function goetia(...args: string[]) {
  const run = Bun.spawnSync([process.execPath, join(ROOT, "src/main.ts"), ...args], { env, stdout: "pipe", stderr: "pipe" });
  return { code: run.exitCode, out: `${run.stdout}${run.stderr}`, stdout: run.stdout.toString() };
}

function userInit() {
  return Bun.spawn([process.execPath, join(ROOT, "src/main.ts"), "user-init"], { env, stdout: "pipe", stderr: "pipe" });
}

test("user-init starts the tree and its default bundle; commands act on it; user-shutdown ends it", async () => {
  if (process.getuid!() !== 0) return; // the test's tree is root's own: /etc/passwd names no other user here
  source("ticker", { type: "longrun\n", run: "#!/bin/sh\nwhile :; do echo tick; sleep 0.2; done\n" });
  source("hello", { type: "oneshot\n", up: "echo hello-from-a-user-tree\n", dependencies: "ticker\n" });
  source("default", { type: "bundle\n", contents: "hello\n" });
  const svscan = userInit();
  const scandir = join(runDir(), "service");
  expect(await pollUntil(() => isScanned(scandir), 20_000)).toBe(true);
  expect(await pollUntil(() => existsSync(join(runDir(), "goetia/state/hello.json")) && readFileSync(join(runDir(), "goetia/state/hello.json"), "utf8").includes('"up"'), 20_000)).toBe(true);

  // USERTREE in the environment: the commands act on this tree.
  const status = goetia("status", "--json");
  const rows = JSON.parse(status.stdout) as { name: string; state: string; pid: number | null }[];
  expect(rows.find((row) => row.name === "ticker")).toMatchObject({ state: "up" });
  expect(rows.find((row) => row.name === "hello")).toMatchObject({ state: "up" });
  expect(readFileSync(`/proc/${svscan.pid}/comm`, "utf8").trim()).toBe("s6-svscan");
  // Its logs in the home: the ticker's own, and the catch-all's with the oneshot's line.
  const logs = join(home, ".local/state/goetia/main");
  expect(await pollUntil(() => existsSync(join(logs, "ticker/current")) && readFileSync(join(logs, "ticker/current"), "utf8").includes("tick"), 10_000)).toBe(true);
  expect(readFileSync(join(logs, "uncaught-logs/current"), "utf8")).toContain("hello: hello-from-a-user-tree");

  const again = goetia("user-init");
  expect(again.code).toBe(1);
  expect(again.out).toContain("tree main already runs");
  expect(goetia("stop", "ticker").code).toBe(0);
  expect(goetia("start", "hello").code).toBe(0);

  const down = goetia("user-shutdown");
  expect(down.code).toBe(0);
  expect(down.out.indexOf("down hello")).toBeLessThan(down.out.indexOf("stopping ticker"));
  expect(await svscan.exited).toBe(0);
  expect(existsSync(runDir())).toBe(false);
  expect(goetia("user-shutdown").out).toContain("tree main is not running");
});

test("a user with no configuration gets an empty working tree, and is told where services go", async () => {
  if (process.getuid!() !== 0) return;
  const svscan = userInit();
  expect(await pollUntil(() => isScanned(join(runDir(), "service")), 20_000)).toBe(true);
  expect(existsSync(join(conf(), "run-image/service/s6-svscan-log/run"))).toBe(true);
  expect(goetia("list").code).toBe(1); // nothing loaded, said so
  expect(goetia("user-shutdown").code).toBe(0);
  await svscan.exited;
  const said = await new Response(svscan.stdout).text();
  expect(said).toContain(`no services yet; put them in ${conf()}/src`);
});

test("USER and USERTREE are required, and must name a user", () => {
  delete env.USERTREE;
  expect(goetia("user-init").code).toBe(100);
  expect(goetia("user-init").out).toContain("USER and USERTREE name the tree");
  if (process.getuid!() !== 0) return;
  env.USERTREE = "main";
  env.USER = "no-such-user";
  const run = goetia("user-shutdown");
  expect(run.code).toBe(100);
  expect(run.out).toContain("USER: no user named no-such-user");
});

test("a SIGTERM to its s6-svscan takes the tree down in order; a tree whose s6-svscan was killed is cleaned up by the next user-init", async () => {
  if (process.getuid!() !== 0) return;
  const events = join(home, "events");
  writeFileSync(events, "");
  source("ticker", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n", finish: `#!/bin/sh\necho ticker-finished >> ${events}\n` });
  source("hello", { type: "oneshot\n", up: "true\n", down: `sh -c "echo hello-down >> ${events}"\n`, dependencies: "ticker\n" });
  source("default", { type: "bundle\n", contents: "hello\n" });
  const stateOf = (name: string) => readFileSync(join(runDir(), `goetia/state/${name}.json`), "utf8");
  const upNow = () => pollUntil(() => existsSync(join(runDir(), "goetia/state/hello.json")) && stateOf("hello").includes('"up"'), 20_000);

  const first = userInit();
  expect(await upNow()).toBe(true);
  first.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  expect(readFileSync(events, "utf8").trim().split("\n")).toEqual(["hello-down", "ticker-finished"]);
  expect(existsSync(runDir())).toBe(false);

  const second = userInit();
  expect(await upNow()).toBe(true);
  const ticker = (await goetiaStatus()).find((row) => row.name === "ticker")!.pid!;
  second.kill("SIGKILL");
  await second.exited;
  expect(existsSync(`/proc/${ticker}`)).toBe(true); // its supervisor lives on, and keeps it
  writeFileSync(events, "");
  const third = userInit();
  expect(await pollUntil(() => !existsSync(`/proc/${ticker}`), 20_000)).toBe(true);
  expect(await upNow()).toBe(true);
  expect(readFileSync(events, "utf8").trim().split("\n")).toEqual(["hello-down", "ticker-finished"]);
  expect((await goetiaStatus()).find((row) => row.name === "ticker")).toMatchObject({ state: "up" });
  expect(goetia("user-shutdown").code).toBe(0);
  await third.exited;
  expect(await new Response(third.stderr).text()).toContain("its last s6-svscan died without user-shutdown");
});

async function goetiaStatus() {
  return JSON.parse(goetia("status", "--json").stdout) as { name: string; state: string; pid: number | null }[];
}
