// A oneshot's command line of plain words is split by goetia, not by
// execlineb (which costs more than the command under emulation): the split
// must be exactly execlineb's, and anything execlineb gives a meaning to
// must still go to execlineb.
import { expect, test } from "bun:test";
import { oneshotArgv } from "../../src/s6/execline.ts";
import { random } from "../helpers/random.ts";

const PLAIN = "abcXYZ019_-./=:,+@%^~";

test("plain words are split as execlineb -P splits them, on 300 generated lines", () => {
  const next = random(11);
  const pick = (n: number) => Math.floor(next() * n);
  for (let i = 0; i < 300; i++) {
    const words = Array.from({ length: 1 + pick(6) }, () => Array.from({ length: 1 + pick(8) }, () => PLAIN[pick(PLAIN.length)]).join(""));
    const gaps = () => [" ", "  ", "\t", "\n", " \n\t "][pick(5)];
    const line = `echo${gaps()}${words.join(gaps())}${pick(2) ? "\n" : ""}`;
    expect(oneshotArgv(line)).toEqual(["echo", ...words]);
    const run = Bun.spawnSync(["execlineb", "-P", "-c", line]);
    expect(run.stdout.toString()).toBe(`${words.join(" ")}\n`);
  }
});

test.each([
  ["quotes", 'echo "a b"'],
  ["a block", "foreground { echo a } echo b"],
  ["a comment", "echo a # b"],
  ["an escape", "echo a\\ b"],
  ["a variable", "echo $HOME"],
  ["a glob", "ls /etc/*"],
])("a line with %s goes to execlineb whole", (_, line) => {
  expect(oneshotArgv(line)).toEqual(["execlineb", "-P", "-c", line]);
});
