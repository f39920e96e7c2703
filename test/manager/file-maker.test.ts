// The bring-up's file maker (initramfs/shim/files.c), against the programs
// it stands in for at boot (find, cp -a, mkdir -p, mkfifo, ln -s, rm -f):
// the same trees given to both, what they make compared.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";

const FILES = join(ROOT, "build", "files");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-files-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(...args: string[]) {
  const { exitCode, stderr } = Bun.spawnSync([FILES, ...args]);
  return { code: exitCode, stderr: stderr.toString() };
}

/** Everything under root, one line each: path, type, mode, times, and its content or target. */
function picture(root: string): string[] {
  const lines: string[] = [];
  const walk = (path: string, name: string) => {
    const st = lstatSync(path);
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isFile() ? readFileSync(path, "utf8") : st.isFIFO() ? "fifo" : "dir";
    const kept = st.isSymbolicLink() ? "" : `${(st.mode & 0o7777).toString(8)} ${st.mtimeMs}`;
    lines.push(`${name} ${what} ${kept} ${st.uid}`);
    if (st.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry), `${name}/${entry}`);
  };
  walk(root, ".");
  return lines;
}

/** A run image's shape: folders with their own modes, a script, a link, a fifo, old times. */
function makeTree(root: string) {
  mkdirSync(join(root, "service", "s6-svscan-log", "data"), { recursive: true, mode: 0o750 });
  writeFileSync(join(root, "service", "s6-svscan-log", "run"), "#!/bin/sh\nexec s6-log t /run/log\n", { mode: 0o755 });
  writeFileSync(join(root, "service", "s6-svscan-log", "notification-fd"), "3\n", { mode: 0o600 });
  symlinkSync("../missing", join(root, "service", "dangling"));
  expect(Bun.spawnSync(["mkfifo", "-m", "0620", join(root, "service", "s6-svscan-log", "fifo")]).exitCode).toBe(0);
  for (const path of [join(root, "service", "s6-svscan-log", "run"), join(root, "service")]) utimesSync(path, 1_000_000, 1_000_000);
}

test("copy merges SRC/. into a folder as cp -a does: modes, times, links, fifos and an existing folder's other files", () => {
  const image = join(dir, "image");
  makeTree(image);
  for (const target of ["by-cp", "by-files"]) {
    mkdirSync(join(dir, target, "goetia"), { recursive: true });
    writeFileSync(join(dir, target, "goetia", "boot-record"), "boot 0 x\n");
  }
  expect(Bun.spawnSync(["cp", "-a", `${image}/.`, `${dir}/by-cp/`]).exitCode).toBe(0);
  expect(files("copy", join(dir, "by-files"), `${image}/.`)).toEqual({ code: 0, stderr: "" });
  expect(picture(join(dir, "by-files"))).toEqual(picture(join(dir, "by-cp")));
  expect(readFileSync(join(dir, "by-files", "goetia", "boot-record"), "utf8")).toBe("boot 0 x\n");
});

test("copy puts each SRC in the folder under its own name; links name each in a folder; a name may hold spaces", () => {
  const db = join(dir, "db");
  makeTree(join(db, "one service"));
  makeTree(join(db, "two"));
  mkdirSync(join(dir, "servicedirs"));
  mkdirSync(join(dir, "scandir"));
  const sources = [join(db, "one service"), join(db, "two")];
  const made = sources.map((source) => join(dir, "servicedirs", source.slice(db.length + 1)));
  expect(files("copy", join(dir, "servicedirs"), ...sources, "--", "links", join(dir, "scandir"), ...made).code).toBe(0);
  for (const [i, source] of sources.entries()) expect(picture(made[i]!)).toEqual(picture(source));
  expect(readdirSync(join(dir, "scandir")).sort()).toEqual(["one service", "two"]);
  expect(readlinkSync(join(dir, "scandir", "one service"))).toBe(made[0]!);
});

test("unchanged-since: exits 1 when anything below a root is newer than the reference, as find -newer finds it, and stops the chain", () => {
  const sources = join(dir, "sources");
  mkdirSync(join(sources, "ssh", "deep"), { recursive: true });
  writeFileSync(join(sources, "ssh", "deep", "run"), "");
  const reference = join(dir, "bringup");
  writeFileSync(reference, "");
  const past = new Date(Date.now() - 60_000);
  for (const path of [join(sources, "ssh", "deep", "run"), join(sources, "ssh", "deep"), join(sources, "ssh"), sources]) utimesSync(path, past, past);
  const found = () => Bun.spawnSync(["find", sources, join(dir, "not-there"), "-newer", reference, "-print", "-quit"], { stderr: "ignore" }).stdout.toString();

  expect(found()).toBe("");
  expect(files("unchanged-since", reference, sources, join(dir, "not-there"), "--", "dirs", join(dir, "made")).code).toBe(0);
  expect(lstatSync(join(dir, "made")).isDirectory()).toBe(true);

  // The same folder by a second name (as /lib/systemd/system is /usr/lib/systemd/system): its changes are found all the same.
  symlinkSync(dir, join(dir, "again"));
  expect(files("unchanged-since", reference, sources, join(dir, "again", "sources")).code).toBe(0);

  const future = new Date(Date.now() + 60_000);
  utimesSync(join(sources, "ssh", "deep", "run"), future, future);
  expect(found()).not.toBe("");
  expect(files("unchanged-since", reference, sources, "--", "dirs", join(dir, "not-made")).code).toBe(1);
  expect(files("unchanged-since", reference, join(dir, "again", "sources"), sources).code).toBe(1);
  expect(() => lstatSync(join(dir, "not-made"))).toThrow();
});

test("dirs, empty files, fifos with their mode whatever the umask, remove of what may not be there", () => {
  const fifo = join(dir, "a", "b", "fifo");
  writeFileSync(join(dir, "down"), "not empty");
  expect(files("dirs", join(dir, "a", "b"), join(dir, "a"), "--", "empty", join(dir, "down"), join(dir, "a", "down"), "--", "remove", fifo, "--", "fifos", "600", fifo).code).toBe(0);
  expect([readFileSync(join(dir, "down"), "utf8"), readFileSync(join(dir, "a", "down"), "utf8")]).toEqual(["", ""]);
  expect(lstatSync(fifo).isFIFO()).toBe(true);
  expect(lstatSync(fifo).mode & 0o777).toBe(0o600);
  expect(files("remove", fifo, "--", "fifos", "620", fifo).code).toBe(0);
  expect(lstatSync(fifo).mode & 0o777).toBe(0o620);
});

test("a failure says what and where, ends the chain with 111; a bad operation or mode is a usage error, 100", () => {
  writeFileSync(join(dir, "fifo"), "");
  const failed = files("fifos", "600", join(dir, "fifo"), "--", "dirs", join(dir, "after"));
  expect(failed.code).toBe(111);
  expect(failed.stderr).toBe(`files: ${join(dir, "fifo")}: File exists\n`);
  expect(() => lstatSync(join(dir, "after"))).toThrow();
  expect(files("copy", join(dir, "to"), join(dir, "not-there")).code).toBe(111);
  expect(files("fifos", "9", join(dir, "x")).code).toBe(100);
  expect(files("move", dir).code).toBe(100);
  expect(files().code).toBe(100);
});
