// The kernel command line, split exactly as the kernel splits it (next_arg
// in lib/cmdline.c, driven by parse_args in kernel/params.c): words are
// separated by blanks outside double quotes; a word's first `=` after its
// first character separates name and value; a quote opening the word or the
// value goes with the word's last character if that is a quote; and a bare
// `--` ends the kernel's words (what follows is init's argv).

import { DEFAULT_BUNDLE } from "../manager/graph.ts";
import { BUNDLE_VARIABLE } from "../roles.ts";

export interface KernelCommandLine {
  /** name=value words, the last one winning, as the kernel does. */
  params: Record<string, string>;
  /** Words without a value, before `--` (quiet, ro, single...). */
  flags: string[];
}

/** The kernel's isspace() on ASCII. */
const BLANKS = new Set([" ", "\t", "\n", "\v", "\f", "\r"]);

export function parseCmdline(text: string): KernelCommandLine {
  const result: KernelCommandLine = { params: {}, flags: [] };
  let rest = skipBlanks(text);
  while (rest !== "") {
    const { name, value, next } = nextArg(rest);
    rest = next;
    if (value === undefined && name === "--") break;
    if (value === undefined) result.flags.push(name);
    else result.params[name] = value;
  }
  return result;
}

/** The words that ask for the emergency shell before any service starts: goetia's own, and the conventional ones. */
export const EMERGENCY_FLAGS = ["goetia.emergency", "emergency", "single", "-s"];

/** The word that asked for the emergency shell, if one did. */
export function emergencyFromCmdline(cmdline: KernelCommandLine): string | undefined {
  return cmdline.flags.find((flag) => EMERGENCY_FLAGS.includes(flag));
}

/** `quiet`: the console gets errors and the boot's summary only. */
export const QUIET_FLAG = "quiet";
export const quietFromCmdline = (cmdline: KernelCommandLine) => cmdline.flags.includes(QUIET_FLAG);

/** The parameter that names the bundle to bring up. */
export const BUNDLE_PARAM = BUNDLE_VARIABLE;

/** The bundle to bring up: GOETIABUNDLE, or `default` when absent or empty. */
export function bundleFromCmdline(cmdline: KernelCommandLine): string {
  return cmdline.params[BUNDLE_PARAM] || DEFAULT_BUNDLE;
}

function skipBlanks(text: string): string {
  let i = 0;
  while (i < text.length && BLANKS.has(text[i])) i++;
  return text.slice(i);
}

/** One word off the front of args (which starts with no blank): next_arg. */
function nextArg(args: string): { name: string; value?: string; next: string } {
  const quoted = args.startsWith('"');
  const word = quoted ? args.slice(1) : args;
  let inQuote = quoted;
  let equals = -1;
  let end = 0;
  for (; end < word.length && (inQuote || !BLANKS.has(word[end])); end++) {
    if (equals === -1 && end > 0 && word[end] === "=") equals = end;
    if (word[end] === '"') inQuote = !inQuote;
  }
  const next = skipBlanks(word.slice(end));
  // The word's last character, if a quote, closes a quoted value or a quoted word (once).
  const closing = end > 0 && word[end - 1] === '"';
  if (equals === -1) return { name: word.slice(0, closing && quoted ? end - 1 : end), next };
  let valueStart = equals + 1;
  let valueEnd = end;
  const quotedValue = word[valueStart] === '"';
  if (quotedValue) valueStart++;
  if (closing && (quotedValue || quoted)) valueEnd = Math.max(valueStart, end - 1);
  return { name: word.slice(0, equals), value: word.slice(valueStart, valueEnd), next };
}
