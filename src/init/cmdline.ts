// The kernel command line, split the way the kernel splits it
// (lib/cmdline.c next_arg): words separated by blanks, double quotes group
// blanks into a word and are removed, and everything after a lone `--` is
// handed to init untouched as its arguments.

export interface KernelCommandLine {
  /** key=value words, the last one winning, as the kernel does. */
  params: Record<string, string>;
  /** Words without `=` before `--` (quiet, ro, single...). */
  flags: string[];
  /** Words after `--`: the kernel passes them to init as argv. */
  initArgs: string[];
}

export const DEFAULT_BUNDLE = "default";

export function parseCmdline(text: string): KernelCommandLine {
  const result: KernelCommandLine = { params: {}, flags: [], initArgs: [] };
  let afterSeparator = false;
  for (const word of splitWords(text)) {
    if (afterSeparator) {
      result.initArgs.push(word.text);
    } else if (word.text === "--" && !word.quoted) {
      afterSeparator = true;
    } else {
      const eq = word.text.indexOf("=");
      if (eq > 0) result.params[word.text.slice(0, eq)] = word.text.slice(eq + 1);
      else result.flags.push(word.text);
    }
  }
  return result;
}

/** The bundle to bring up: GOETIABUNDLE, or `default` when absent or empty. */
export function bundleFromCmdline(cmdline: KernelCommandLine): string {
  return cmdline.params.GOETIABUNDLE || DEFAULT_BUNDLE;
}

interface Word {
  text: string;
  quoted: boolean;
}

function* splitWords(text: string): Generator<Word> {
  let current = "";
  let inWord = false;
  let inQuotes = false;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') {
      inQuotes = !inQuotes;
      inWord = quoted = true;
    } else if (/\s/.test(ch) && !inQuotes) {
      if (inWord) yield { text: current, quoted };
      current = "";
      inWord = quoted = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) yield { text: current, quoted };
}
