// Writing a record whole on a file system with no room left: the failure
// names the file, and no half-written .new is left behind.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeAtomically } from "../../src/lib/files.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync("/tmp/goetia-full-");
  expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]).exitCode).toBe(0);
});
afterEach(() => {
  Bun.spawnSync(["umount", dir]);
  rmSync(dir, { recursive: true, force: true });
});

test("out of blocks: the write's ENOSPC names the file, the old text stays, no .new is left", () => {
  const record = join(dir, "record.json");
  writeAtomically(record, "old");
  Bun.spawnSync(["dd", "if=/dev/zero", `of=${join(dir, "filler")}`, "bs=4k"]); // until the file system is full
  expect(() => writeAtomically(record, "new")).toThrow(`ENOSPC: no space left on device, write '${record}.new'`);
  expect(readFileSync(record, "utf8")).toBe("old");
  expect(readdirSync(dir).sort()).toEqual(["filler", "record.json"]);
});

test("out of inodes: the open's ENOSPC already names it, and is not named twice", () => {
  Bun.spawnSync(["mount", "-o", "remount,nr_inodes=2", dir]);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `f${i}`), "");
    } catch {
      break;
    }
  }
  const record = join(dir, "record.json");
  let said = "";
  try {
    writeAtomically(record, "new");
  } catch (error) {
    said = (error as Error).message;
  }
  expect(said).toBe(`ENOSPC: no space left on device, open '${record}.new'`);
});
