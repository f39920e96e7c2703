import { describe, expect, test } from "bun:test";
import { bundleFromCmdline, emergencyFromCmdline, parseCmdline } from "../../src/boot/cmdline.ts";

describe("parseCmdline", () => {
  test("splits key=value words and flags", () => {
    const c = parseCmdline("console=ttyS0 quiet GOETIABUNDLE=rescue ro\n");
    expect(c.params).toEqual({ console: "ttyS0", GOETIABUNDLE: "rescue" });
    expect(c.flags).toEqual(["quiet", "ro"]);
  });

  test("double quotes group blanks; those opening a value or a word are removed", () => {
    const c = parseCmdline('a="one two" "b=three four" c=x"y z" "flag word"');
    expect(c.params).toEqual({ a: "one two", b: "three four", c: 'x"y z"' });
    expect(c.flags).toEqual(["flag word"]);
  });

  test("an unclosed quote runs to the end of the line", () => {
    expect(parseCmdline('a="one two b=3').params).toEqual({ a: "one two b=3" });
  });

  test("words after -- are init's arguments, not the kernel's, even key=value ones", () => {
    const c = parseCmdline("quiet -- GOETIABUNDLE=other single");
    expect(c.params).toEqual({});
    expect(c.flags).toEqual(["quiet"]);
  });

  test("a quoted -- is the separator too: next_arg strips the quotes before parse_args compares", () => {
    const c = parseCmdline('a=1 "--" x=1');
    expect(c.flags).toEqual([]);
    expect(c.params).toEqual({ a: "1" });
  });

  test("a word beginning with = takes its name from the first = after it", () => {
    expect(parseCmdline("=a=b =x").params).toEqual({ "=a": "b" });
    expect(parseCmdline("=a=b =x").flags).toEqual(["=x"]);
  });

  test("the last of repeated keys wins, and values may contain =", () => {
    expect(parseCmdline("k=1 k=2 opts=a=b").params).toEqual({ k: "2", opts: "a=b" });
  });

  test("blanks of any kind separate, and none at all is fine", () => {
    expect(parseCmdline("  a=1\t\tb=2 \n").params).toEqual({ a: "1", b: "2" });
    expect(parseCmdline("")).toEqual({ params: {}, flags: [] });
  });
});

describe("bundleFromCmdline", () => {
  test("GOETIABUNDLE names the bundle; absent or empty means default", () => {
    expect(bundleFromCmdline(parseCmdline("GOETIABUNDLE=rescue"))).toBe("rescue");
    expect(bundleFromCmdline(parseCmdline("quiet"))).toBe("default");
    expect(bundleFromCmdline(parseCmdline("GOETIABUNDLE="))).toBe("default");
  });
});

describe("emergencyFromCmdline", () => {
  test("goetia.emergency, emergency, single and -s ask for the shell; a value does not", () => {
    for (const word of ["goetia.emergency", "emergency", "single", "-s"]) expect(emergencyFromCmdline(parseCmdline(`quiet ${word}`))).toBe(word);
    expect(emergencyFromCmdline(parseCmdline("quiet single=no"))).toBeUndefined();
    expect(emergencyFromCmdline(parseCmdline("quiet -- single"))).toBeUndefined();
  });
});
