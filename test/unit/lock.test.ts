// The change lock: a kernel lock (flock), so it is released whenever its
// holder ends, however it ends; the file only names the holder.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LockBusyError, takeLock } from "../../src/manager/run/lock.ts";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-lock-"));
  path = join(dir, "lock");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("the holder is named in the file while it holds the lock", async () => {
  const lock = await takeLock(path, "up web", 1000);
  expect(lock.lastHolderDied).toBe(false);
  expect(readFileSync(path, "utf8")).toBe(`${process.pid}\nup web\n`);
  lock.release();
  expect(readFileSync(path, "utf8")).toBe("");
});

test("a second taker waits for the release", async () => {
  const first = await takeLock(path, "first", 1000);
  let secondHasIt = false;
  const second = takeLock(path, "second", 5000).then((lock) => ((secondHasIt = true), lock));
  await Bun.sleep(100);
  expect(secondHasIt).toBe(false);
  first.release();
  (await second).release();
  expect(secondHasIt).toBe(true);
});

test("a busy lock fails after the wait, naming its holder", async () => {
  const lock = await takeLock(path, "up slow", 1000);
  try {
    const error = await takeLock(path, "up other", 100).catch((e) => e);
    expect(error).toBeInstanceOf(LockBusyError);
    expect(error.message).toBe(`another change is running (pid ${process.pid}: up slow); try again when it ends`);
    expect(error.exitCode).toBe(111);
  } finally {
    lock.release();
  }
});

test("a holder killed with SIGKILL leaves no lock behind", async () => {
  // flock(1) holds the same kind of lock (--close: itself only, not sleep), and names nobody in the file (made first, as goetia makes it: flock's own would be replaced).
  (await takeLock(path, "made", 100)).release();
  const holder = Bun.spawn(["flock", "--close", path, "sleep", "100"]);
  await Bun.sleep(200);
  expect(await takeLock(path, "while held", 100).catch((e) => e.message)).toContain("its holder is not known yet");
  holder.kill("SIGKILL");
  await holder.exited;
  const after = await takeLock(path, "after", 1000);
  after.release();
});

test("a holder that dies holding it leaves its name: the next one knows to settle", async () => {
  const script = `const { takeLock } = await import(${JSON.stringify(join(import.meta.dir, "../../src/manager/run/lock.ts"))});
    await takeLock(${JSON.stringify(path)}, "up doomed", 1000); console.log("HELD"); await Bun.sleep(100000);`;
  const holder = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe" });
  for await (const chunk of holder.stdout) if (new TextDecoder().decode(chunk).includes("HELD")) break;
  holder.kill("SIGKILL");
  await holder.exited;
  const next = await takeLock(path, "next", 1000);
  expect(next.lastHolderDied).toBe(true);
  next.release();
  const clean = await takeLock(path, "after a clean release", 1000);
  expect(clean.lastHolderDied).toBe(false);
  clean.release();
});
