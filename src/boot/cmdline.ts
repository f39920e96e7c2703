// The kernel command line, split the way the kernel splits it (next_arg in
// lib/cmdline.c): words are separated by blanks, double quotes protect
// blanks, a quote opening a word or a value is removed with its closing one,
// and everything after a lone `--` is init's argv, none of the kernel's words.

export interface KernelCommandLine {
  /** key=value words, the last one winning, as the kernel does. */
  params: Record<string, string>;
  /** Words without `=` before `--` (quiet, ro, single...). */
  flags: string[];
}

export const DEFAULT_BUNDLE = "default";

export function parseCmdline(text: string): KernelCommandLine {
  const result: KernelCommandLine = { params: {}, flags: [] };
  for (const raw of splitWords(text)) {
    if (raw === "--") break;
    const word = unquote(raw);
    const eq = word.indexOf("=");
    if (eq > 0) result.params[word.slice(0, eq)] = unquote(word.slice(eq + 1));
    else result.flags.push(word);
  }
  return result;
}

/** The bundle to bring up: GOETIABUNDLE, or `default` when absent or empty. */
export function bundleFromCmdline(cmdline: KernelCommandLine): string {
  return cmdline.params.GOETIABUNDLE || DEFAULT_BUNDLE;
}

/** Blank-separated words; blanks inside double quotes do not separate. */
function splitWords(text: string): string[] {
  return text.match(/(?:[^\s"]|"[^"]*(?:"|$))+/g) ?? [];
}

/** Drops a double quote that opens the text, and the one that closes it. */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  return text.endsWith('"') && text.length > 1 ? text.slice(1, -1) : text.slice(1);
}
