// goetia's oneshot runner (initramfs/shim/oneshot.c), the program every
// oneshot runs under, at boot and in later changes: real processes, its
// lines, exit codes and process group as the engine and the bring-up rely
// on them.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runnerArgv } from "../../src/helpers/oneshot.ts";
import { pollUntil } from "../../src/lib/poll.ts";
import { oneshotArgv } from "../../src/s6/execline.ts";
import { ROOT } from "../helpers/guest.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-runner-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RUNNER = join(ROOT, "build", "oneshot");
const exitFile = () => join(dir, "it.exit");
const copyFile = () => join(dir, "copy");

/** Runs script (sh) through the runner, with descriptor 4 on the copy file; its stdout and exit code. */
async function run(script: string, options: { nice?: number; copyAs?: string } = {}) {
  const argv = runnerArgv(exitFile(), ["sh", "-c", script], options.nice, options.copyAs);
  expect(argv[0]).toBe("/usr/lib/goetia/oneshot"); // where it is installed; built here
  const copy = openSync(copyFile(), "w");
  const child = Bun.spawn([RUNNER, ...argv.slice(1)], { stdio: ["ignore", "pipe", "pipe", "ignore", copy] });
  closeSync(copy);
  const code = await child.exited;
  return { code, child };
}

test("its lines go on, and after its name to descriptor 4, a last one without a newline too; the exit code is recorded and its own", async () => {
  const { code, child } = await run("echo one; echo two >&2; printf three; exit 3", { copyAs: "talker" });
  expect(code).toBe(3);
  expect(readFileSync(exitFile(), "utf8")).toBe("3\n");
  expect(await new Response(child.stdout).text()).toBe("one\ntwo\nthree\n");
  expect(await pollUntil(() => readFileSync(copyFile(), "utf8") === "talker: one\ntalker: two\ntalker: three\n", 5000)).toBe(true);
});

test("done when its command is, though a process it left behind holds its output; that one's lines still follow", async () => {
  const started = Date.now();
  const { code } = await run("(sleep 5; echo late) & echo now", { copyAs: "leaver" });
  expect(code).toBe(0);
  expect(Date.now() - started).toBeLessThan(4000); // the leftover sleeps 5 s
  expect(await pollUntil(() => readFileSync(copyFile(), "utf8") === "leaver: now\n", 1500)).toBe(true);
  expect(await pollUntil(() => readFileSync(copyFile(), "utf8") === "leaver: now\nleaver: late\n", 15_000)).toBe(true);
}, 30_000);

test("its command never holds descriptor 4; without a name nothing goes there", async () => {
  const named = await run("if [ -e /proc/self/fd/4 ]; then echo held; else echo free; fi", { copyAs: "probe" });
  expect(await new Response(named.child.stdout).text()).toBe("free\n");
  expect(await pollUntil(() => readFileSync(copyFile(), "utf8") === "probe: free\n", 5000)).toBe(true);
  const plain = await run("echo plain");
  expect(plain.code).toBe(0);
  expect(await new Response(plain.child.stdout).text()).toBe("plain\n");
  expect(readFileSync(copyFile(), "utf8")).toBe("");
});

test("killed by a signal, 128 + its number, as a shell's $?; not found, 127 and why", async () => {
  expect((await run("kill -TERM $$")).code).toBe(143);
  expect(readFileSync(exitFile(), "utf8")).toBe("143\n");
  const copy = openSync(copyFile(), "w");
  const missing = Bun.spawn([RUNNER, "-c", "missing", exitFile(), join(dir, "no-such-program")], { stdio: ["ignore", "pipe", "pipe", "ignore", copy] });
  closeSync(copy);
  expect(await missing.exited).toBe(127);
  expect(readFileSync(exitFile(), "utf8")).toBe("127\n");
  expect(await pollUntil(() => readFileSync(copyFile(), "utf8").includes("missing: oneshot: "), 5000)).toBe(true);
  expect(readFileSync(copyFile(), "utf8")).toContain("no-such-program: No such file or directory");
});

test("its command runs in the runner's own process group, as nice as asked: a timeout's kill of the group ends all of it", async () => {
  const { code, child } = await run('set -- $(cut -d" " -f5 /proc/$$/stat) $PPID; echo "$1 $2 $(nice)"', { nice: 7 });
  expect(code).toBe(0);
  const [group, runner, nice] = (await new Response(child.stdout).text()).trim().split(" ");
  expect(group).toBe(runner); // the group is the runner's: the one the caller kills
  expect(nice).toBe("7");
  expect(runner).toBe(String(child.pid));
});

test("a line of plain words runs as execlineb runs it, execline's own programs found: exit, redirfd", async () => {
  const runLine = (line: string) => Bun.spawn([RUNNER, ...runnerArgv(exitFile(), oneshotArgv(line)).slice(1)], { stdio: ["ignore", "pipe", "pipe"] });
  expect(oneshotArgv("exit 3")).toEqual(["exit", "3"]); // not through execlineb
  expect(await runLine("exit 3").exited).toBe(3);
  const quiet = runLine("redirfd -w 1 /dev/null echo hidden");
  expect(await quiet.exited).toBe(0);
  expect(await new Response(quiet.stdout).text()).toBe("");
});

test("with an outcome descriptor, the line WORD CODE once its command ended (the exit file written first); the command never holds it", async () => {
  const told = join(dir, "told");
  const fd = openSync(told, "w");
  const argv = runnerArgv(exitFile(), ["sh", "-c", `[ -e /proc/self/fd/3 ] && exit 9; [ -s ${exitFile()} ] && exit 8; exit 5`], undefined, undefined, { fd: 3, word: "e7" });
  const child = Bun.spawn([RUNNER, ...argv.slice(1)], { stdio: ["ignore", "pipe", "pipe", fd] });
  closeSync(fd);
  expect(await child.exited).toBe(5);
  expect(readFileSync(told, "utf8")).toBe("e7 5\n");
  expect(readFileSync(exitFile(), "utf8")).toBe("5\n");
});
