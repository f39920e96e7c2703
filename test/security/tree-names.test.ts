// Finding 2 (doc/security.md): a tree's name is one rule, read the same by
// the three that take one from a user as root: goetia (src/lib/names.ts),
// pam_goetia (initramfs/shim/tree-name.h) and the session hook. Held
// equal here on the names an attacker tries and on generated ones.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { badTreeNameReason } from "../../src/lib/names.ts";
import { ROOT } from "../helpers/guest.ts";
import { random } from "../helpers/random.ts";

const HOOK = join(ROOT, "initramfs/install/usr/lib/goetia/session");
let dir: string;
let probe: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-tree-name-"));
  probe = join(dir, "tree-name-probe");
  const gcc = Bun.spawnSync(["gcc", "-Os", "-Wall", "-Werror", `-I${join(ROOT, "build")}`, "-o", probe, join(ROOT, "test/helpers/tree-name-probe.c")], { stderr: "pipe" });
  if (gcc.exitCode !== 0) throw new Error(`cannot build the probe: ${gcc.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = ["main;cd;id>x", "$(id)", "`id`", "a b", "a\nb", "main'", 'main"', "../etc", "a/b", "a:b", ".hidden", "-rf", "*", "a*", "~root", "main\\", "x".repeat(65), "é", "main\t", ""];
const FINE = ["main", "sshd", "work-2", "a.b", "A_Z", "0", "x".repeat(64), "_x"];

function generated(count: number): string[] {
  const next = random(37);
  const safe = "aZ09_.-";
  const hostile = "/:;$`'\" \n\t\\*?[]!~é#=";
  const pick = (from: string) => from[Math.floor(next() * from.length)];
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 8) }, () => pick(next() < 0.9 ? safe : hostile)).join(""));
}

/** The session hook's answer: 100 for a name it refuses; else it goes on, to a user who is not there (111). */
const hookFits = (name: string) => Bun.spawnSync([HOOK, "open", "goetia-no-such-user", name, "1"], { stderr: "ignore" }).exitCode !== 100;

test("the names an attacker tries are refused, ordinary ones taken, by all three alike", () => {
  const names = [...HOSTILE, ...FINE];
  const c = Bun.spawnSync([probe, ...names]).stdout.toString().trim().split("\n").map((line) => line === "1");
  expect(names.map((name) => badTreeNameReason(name) === undefined)).toEqual(names.map((name) => FINE.includes(name)));
  expect(c).toEqual(names.map((name) => FINE.includes(name)));
  expect(names.map(hookFits)).toEqual(names.map((name) => FINE.includes(name)));
});

test("on generated names, the three agree", () => {
  const names = generated(150);
  const ts = names.map((name) => badTreeNameReason(name) === undefined);
  const c = Bun.spawnSync([probe, ...names]).stdout.toString().split("\n").slice(0, names.length).map((line) => line === "1");
  expect(c).toEqual(ts);
  expect(names.map(hookFits)).toEqual(ts);
  expect(ts.filter(Boolean).length).toBeGreaterThan(5); // the generator reaches both answers
});
