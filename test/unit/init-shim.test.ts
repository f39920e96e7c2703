// The init shim (initramfs/shim/init.c) does stage 1 on a plain boot's
// path: its reading of the kernel's command line and of the tree's envdir
// must be stage 1's (boot/cmdline.ts, lib/envdir.ts) wherever it does not
// hand the boot over to it. Its own functions, compiled into a probe
// (test/helpers/init-probe.c), against stage 1's, on generated inputs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFromCmdline, emergencyFromCmdline, parseCmdline, quietFromCmdline } from "../../src/boot/cmdline.ts";
import { bootName } from "../../src/boot/stage1.ts";
import { applyEnvdir } from "../../src/lib/envdir.ts";
import { DEFAULT_PATH } from "../../src/lib/tree.ts";
import { ROOT } from "../helpers/guest.ts";
import { random } from "../helpers/random.ts";

let dir: string;
let probe: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-init-probe-"));
  probe = join(dir, "init-probe");
  const gcc = Bun.spawnSync(["gcc", "-Os", `-I${join(ROOT, "build")}`, "-o", probe, join(ROOT, "test", "helpers", "init-probe.c")]);
  if (gcc.exitCode !== 0) throw new Error(`cannot build the probe: ${gcc.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => Bun.spawnSync([probe, ...args]).stdout.toString();

/** What stage 1 makes of text, in the probe's words: "hand over" where the shim must leave it to stage 1. */
function stage1Reads(text: string): string {
  const cmdline = parseCmdline(text);
  if (text.includes('"') || emergencyFromCmdline(cmdline) !== undefined) return "hand over\n";
  return `${bundleFromCmdline(cmdline)}\n${quietFromCmdline(cmdline) ? 1 : 0}\n`;
}

const WORDS = ["GOETIABUNDLE=rescue", "GOETIABUNDLE=", "GOETIABUNDLE", "GOETIABUNDLE=a=b", "=GOETIABUNDLE", "GOETIABUNDLEX=x", "quiet", "quiet=1", "quieter", "Quiet", "single", "emergency", "-s", "goetia.emergency", "--", "ro", "root=/dev/vda", "console=ttyS0", '"quiet"', 'x="a b"', "init=/sbin/init", "a=", "="];
const BLANKS = [" ", "  ", "\t", "\n", " \n"];

test("the command line: the same bundle and quiet as stage 1's, or handed over where it is quoted or asks for the emergency shell", () => {
  const next = random(23);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const lines = ["", "\n", "quiet GOETIABUNDLE=rescue\n", "GOETIABUNDLE=a -- GOETIABUNDLE=b single\n", "single\n", 'GOETIABUNDLE="x y"\n'];
  for (let i = 0; i < 300; i++) lines.push(Array.from({ length: Math.floor(next() * 6) }, () => pick(WORDS) + pick(BLANKS)).join(""));
  let handedOver = 0;
  for (const text of lines) {
    const expected = stage1Reads(text);
    if (expected === "hand over\n") handedOver++;
    expect({ text, read: run("cmdline", text) }).toEqual({ text, read: expected });
  }
  expect(handedOver).toBeGreaterThan(0);
  expect(handedOver).toBeLessThan(lines.length);
});

/** The environment stage 1 makes from envdir for bundle "b", in the probe's words. */
function stage1Environment(envdir: string): string {
  const env = { ...applyEnvdir({ PATH: DEFAULT_PATH }, envdir), GOETIABUNDLE: "b" };
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}\0`)
    .sort()
    .join("");
}
const sorted = (output: string) =>
  output === "hand over\n"
    ? output
    : output
        .split("\0")
        .filter(Boolean)
        .map((variable) => `${variable}\0`)
        .sort()
        .join("");

test("the envdir: the same environment as stage 1's, values trimmed, NULs as newlines, empty files unsetting, folders, dot files and names with = passed over", () => {
  const envdir = join(dir, "env");
  mkdirSync(join(envdir, "FOLDER"), { recursive: true });
  const files: Record<string, string> = {
    LANG: "C.UTF-8\n",
    PATH: "/opt/bin:/usr/bin  \t\n",
    TWO_LINES: "first\nsecond\n",
    WITH_NUL: "a\0b\n",
    TRAILING_NUL: "value\0",
    EMPTY: "",
    GOETIABUNDLE: "not this one\n",
    ".hidden": "no\n",
    "A=B": "no\n",
    SPACES: "  inside  spaces  \r\n",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(envdir, name), text);
  expect(sorted(run("envdir", envdir))).toBe(stage1Environment(envdir));
  expect(run("envdir", envdir)).toContain("WITH_NUL=a\nb\0");

  writeFileSync(join(envdir, "PATH"), "\n");
  expect(sorted(run("envdir", envdir))).toBe(stage1Environment(envdir));
  expect(run("envdir", envdir)).not.toContain("PATH=");

  expect(sorted(run("envdir", join(dir, "no-envdir")))).toBe(stage1Environment(join(dir, "no-envdir")));
});

test("the envdir: handed over to stage 1 where a value or a name is not plain ASCII (stage 1 reads it as UTF-8)", () => {
  for (const [name, text] of [["GREETING", "h\u00e9llo\n"], ["N\u00c9", "x\n"]] as const) {
    const envdir = join(dir, `env-${name}`);
    mkdirSync(envdir);
    writeFileSync(join(envdir, name), text);
    expect(run("envdir", envdir)).toBe("hand over\n");
  }
});

test("the boot's name: the init shim's is stage 1's (the kernel's start in UTC, the boot id's start)", () => {
  expect(run("bootname", "-")).toBe(`${bootName()}\n`);
});
