// The supervision-scripts tree as it is published (its templates in .run/,
// .log/ and .finish/, shims in .bin/ switched by .bin/use-s6, marker links,
// needs/, versions under data/), in a fixture of that shape, on a real
// s6-svscan: copied over goetia's own templates as the tree's INSTALL says,
// each complete definition installs and runs; what the tree leaves
// incomplete is refused, naming the file.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { ROOT } from "../helpers/guest.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

const PUBLISHED = join(import.meta.dir, "../fixtures/supervision-scripts");
let tree: HostTree;
let definitions: string;
let installed: string;

beforeEach(async () => {
  tree = await new HostTree().start();
  definitions = join(tree.dir, "svcdef");
  installed = join(tree.dir, "sv");
  // goetia's templates where an image of before had them: .run a link into .bin, in both folders.
  cpSync(join(ROOT, "initramfs/install/etc/svcdef"), definitions, { recursive: true, verbatimSymlinks: true });
  mkdirSync(installed);
  cpSync(join(ROOT, "initramfs/install/etc/svcdef/.bin"), join(installed, ".bin"), { recursive: true, verbatimSymlinks: true });
  symlinkSync(".bin", join(installed, ".run"));
  // The published tree copied over them, as its INSTALL says (cp -R svcdef/. /etc/svcdef/).
  expect(Bun.spawnSync(["cp", "-R", `${PUBLISHED}/.`, definitions]).exitCode).toBe(0);
  writeFileSync(join(definitions, ".env/PATH"), `../.bin:${tree.dir}/bin:/usr/bin:/bin\n`);
  writeFileSync(join(definitions, ".env/LOGDIR"), `${tree.dir}/published-logs\n`);
  tree.file("bin/ticker", '#!/bin/sh\necho "ticker started with: $*"\nexec sleep 1000\n');
  tree.file("bin/getty", '#!/bin/sh\necho "getty on $*"\nexec sleep 1000\n');
});
afterEach(() => tree.stop());

const goetia = (...args: string[]) => tree.goetia(...args);

async function pidOf(name: string): Promise<number> {
  return (await tree.statusRows()).find((row) => row.name === name)?.pid ?? 0;
}

const parentOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
};
const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];

/** Whether the file is there and, once, holds text. */
const holds = (path: string, text: string) => pollUntil(() => existsSync(path) && readFileSync(path, "utf8").includes(text), 10_000);

test("switched to s6 as its documentation says, every complete definition installs and runs through the tree's own templates", async () => {
  expect(Bun.spawnSync(["./use-s6"], { cwd: join(definitions, ".bin") }).exitCode).toBe(0);
  rmSync(join(definitions, ".log/run"));
  symlinkSync("run-s6-log", join(definitions, ".log/run"));

  for (const name of ["ticker", "getty-tty9", "own-run", "marked"]) {
    const run = await goetia("svcdef", "install", name);
    expect([name, run.code, run.out]).toEqual([name, 0, expect.stringContaining(`installed ${join(installed, name)}`)]);
  }
  // Every hidden folder came along, the image's .run link replaced by the tree's folder, the switch to s6 with them.
  expect(lstatSync(join(installed, ".run")).isDirectory()).toBe(true);
  for (const folder of [".bin", ".env", ".finish", ".log", ".run"]) expect(existsSync(join(installed, folder))).toBe(true);
  expect(readFileSync(join(installed, ".env/FRAMEWORK"), "utf8")).toBe("s6\n");

  for (const name of ["ticker", "getty-tty9", "own-run"]) {
    const enabled = await goetia("svcdef", "enable", name);
    expect([name, enabled.code]).toEqual([name, 0]);
  }
  // The daemon is s6-supervise's own child, started with its version's options, logged by the tree's run-s6-log.
  const ticker = await pidOf("ticker");
  expect(await pollUntil(() => commandOf(ticker) === "sleep", 5000)).toBe(true);
  expect(commandOf(parentOf(ticker))).toEndWith("s6-supervise");
  expect(await holds(join(tree.dir, "published-logs/ticker/current"), "ticker started with: --every 1")).toBe(true);
  // The getty template, with its tty; no log/: goetia's logger keeps its output.
  expect(await holds(join(tree.dir, "log/getty-tty9/current"), "getty on -8 tty9")).toBe(true);
  expect(await pidOf("own-run")).toBeGreaterThan(0);

  // A definition its maintainers marked broken runs its template, which says why it will not launch.
  await goetia("start", "marked");
  expect(await holds(join(tree.dir, "log/marked/current"), "will not launch until it is fixed")).toBe(true);
});

test("what the published tree leaves incomplete is refused, naming the file; the rest still compiles", async () => {
  const refusals = {
    "no-run": `service no-run: ${installed}/no-run/run: missing: a longrun needs a run file`,
    "no-daemon": `service no-daemon: ${installed}/no-daemon/env/DAEMON (env -> ./data/version/current): missing or empty: the run template starts what this file names`,
    "dangling-version": `service dangling-version: ${installed}/dangling-version/env: links to ./data/version/current, which does not exist (data/version/current -> ./9.9 leads nowhere): the run template reads DAEMON there`,
    // Its settings are another definition's, which is not installed yet.
    "ticker-alias": `service ticker-alias: ${installed}/ticker-alias/env: links to ./data/version/current, which does not exist (data -> ../ticker/data leads nowhere): the run template reads DAEMON there`,
  };
  for (const [name, message] of Object.entries(refusals)) {
    const run = await goetia("svcdef", "install", name);
    expect([name, run.code]).toEqual([name, 1]);
    expect(run.out).toContain(`goetia: error: ${message}\n`);
  }
  for (const name of ["ticker", "own-run"]) expect((await goetia("svcdef", "install", name)).code).toBe(0);
  expect((await goetia("svcdef", "install", "--force", "ticker-alias")).code).toBe(0);
  const compiled = await goetia("compile");
  expect(compiled.code).toBe(1);
  expect(compiled.out).toContain("compiled 6 services"); // ticker, ticker-alias, own-run and their loggers
  expect(compiled.out).not.toContain("untested");
  expect(compiled.out).not.toContain("marker");
});
