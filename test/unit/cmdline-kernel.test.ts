// goetia's reading of the kernel command line against a line-by-line port of
// the kernel's own (lib/cmdline.c next_arg, kernel/params.c parse_args), on
// thousands of generated lines: the port works on a NUL-terminated byte
// array as the C does, so the two share no code and no shortcut.
import { expect, test } from "bun:test";
import { parseCmdline, type KernelCommandLine } from "../../src/boot/cmdline.ts";
import { random } from "../helpers/random.ts";

const isspace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** The kernel's parse of line: what it would hand on as name=value and as bare words, before `--`. */
function kernelParse(line: string): KernelCommandLine {
  const a = [...Buffer.from(line, "latin1"), 0];
  const str = (from: number) => String.fromCharCode(...a.slice(from, a.indexOf(0, from)));
  const result: KernelCommandLine = { params: {}, flags: [] };
  let args = 0;
  const skipSpaces = (p: number) => {
    while (isspace(a[p])) p++;
    return p;
  };
  args = skipSpaces(args);
  while (a[args] !== 0) {
    // static char *next_arg(char *args, char **param, char **val)
    let i: number;
    let equals = 0;
    let inQuote = 0;
    let quoted = 0;
    if (a[args] === 34) {
      args++;
      inQuote = 1;
      quoted = 1;
    }
    for (i = 0; a[args + i] !== 0; i++) {
      if (isspace(a[args + i]) && !inQuote) break;
      if (equals === 0) {
        if (a[args + i] === 61) equals = i;
      }
      if (a[args + i] === 34) inQuote = inQuote ? 0 : 1;
    }
    const param = args;
    let val = -1;
    if (!equals) val = -1;
    else {
      a[args + equals] = 0;
      val = args + equals + 1;
      if (a[val] === 34) {
        val++;
        if (a[args + i - 1] === 34) a[args + i - 1] = 0;
      }
    }
    if (quoted && i > 0 && a[args + i - 1] === 34) a[args + i - 1] = 0;
    if (a[args + i] !== 0) {
      a[args + i] = 0;
      args += i + 1;
    } else args += i;
    args = skipSpaces(args);
    // parse_args: a bare "--" ends the kernel's arguments.
    if (val === -1 && str(param) === "--") break;
    if (val === -1) result.flags.push(str(param));
    else result.params[str(param)] = str(val);
  }
  return result;
}


test("the port agrees with the kernel on lines of known meaning", () => {
  expect(kernelParse('console=ttyS0 a="b c" "d=e f" "x y" -- z=1')).toEqual({ params: { console: "ttyS0", a: "b c", d: "e f" }, flags: ["x y"] });
});

test("goetia splits 20,000 generated lines exactly as the kernel does", () => {
  const next = random(20261124);
  // Few letters, many of the characters that matter: blanks, quotes, =, -.
  const alphabet = ["a", "b", "G", "=", "=", '"', '"', " ", " ", "\t", "-", "-", "x"];
  const differing: string[] = [];
  for (let n = 0; n < 20_000; n++) {
    const length = Math.floor(next() * 24);
    const line = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
    if (JSON.stringify(parseCmdline(line)) !== JSON.stringify(kernelParse(line))) differing.push(JSON.stringify(line));
  }
  expect(differing.slice(0, 10)).toEqual([]);
});
