// s6-log's folders as goetia reads them: archives before current, and
// TAI64N stamps in local time as s6's own s6-tai64nlocal prints them.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemTree, treePaths } from "../../src/lib/tree.ts";
import { catchAllLogger, followLog, readableLine, readLog } from "../../src/s6/logdir.ts";

const dir = mkdtempSync(join(tmpdir(), "goetia-logdir-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("stamps read as s6-tai64nlocal reads them, to the millisecond", () => {
  const stamp = Bun.spawnSync(["s6-tai64n"], { stdin: Buffer.from("a line\n") }).stdout.toString().trim();
  const stamps = [stamp, "@4000000069000000000f4240 old", "@400000006b0668dc08ba2cb9 hello"];
  const local = Bun.spawnSync(["s6-tai64nlocal"], { stdin: Buffer.from(`${stamps.join("\n")}\n`) }).stdout.toString().trim().split("\n");
  stamps.forEach((line, i) => {
    const theirs = local[i].replace(/(\.\d{3})\d{6}/, "$1");
    expect(readableLine(line)).toBe(theirs);
  });
  expect(readableLine("no stamp here")).toBe("no stamp here");
});

test("archives oldest first, then current; none for a folder that is not there", () => {
  writeFileSync(join(dir, "current"), "@400000006b0668dc08ba2cb9 third\n");
  writeFileSync(join(dir, "@400000006b0668d000000000.s"), "@400000006b0668d000000000 second\n");
  writeFileSync(join(dir, "@400000006b0668c000000000.u"), "@400000006b0668c000000000 first\n");
  writeFileSync(join(dir, "state"), "");
  expect(readLog(dir).map((line) => line.split(" ")[1])).toEqual(["first", "second", "third"]);
  expect(readLog(join(dir, "absent"))).toEqual([]);
});

test("following: new lines, across a rotation", async () => {
  const seen: string[] = [];
  const stop = new AbortController();
  const following = followLog(dir, (line) => seen.push(line), stop.signal, 20);
  await Bun.sleep(60);
  writeFileSync(join(dir, "current"), "@400000006b0668dc08ba2cb9 third\n@400000006b0668dc08ba2cb9 fourth\n");
  await Bun.sleep(100);
  writeFileSync(join(dir, "current.new"), "@400000006b0668dc08ba2cb9 fifth\n");
  Bun.spawnSync(["mv", join(dir, "current.new"), join(dir, "current")]);
  await Bun.sleep(100);
  stop.abort();
  await following;
  expect(seen.map((line) => line.split(" ")[1])).toEqual(["fourth", "fifth"]);
});

test("the system's catch-all logger runs the command a user tree's does (one source: catchAllLogger)", () => {
  const run = readFileSync(join(import.meta.dir, "../../initramfs/install/etc/goetia/system/run-image/service/s6-svscan-log/run"), "utf8");
  expect(run.split("\n")).toContain(`exec ${catchAllLogger(treePaths(systemTree({})).catchAllLog)}`);
});
