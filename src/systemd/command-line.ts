// The command lines of ExecStart= and its kin (systemd.service(5), "COMMAND
// LINES"), read as systemd reads them: words split on whitespace, double
// and single quotes, C-style escapes, a `;` word between two commands, and
// the prefixes of the first word (@ - : + !). What systemd does when it
// runs one, expanding $NAME (split into words) and ${NAME} (one word) from
// the service's environment, happens in the shell goetia writes for it:
// toShell says each word in sh.

export interface Command {
  /** The words, unquoted and unescaped, specifiers already expanded; argv[0] is the program. */
  argv: string[];
  /** `@`: the second word is the argv[0] the program is told; here it is dropped (sh's exec cannot set it). */
  argv0?: string;
  /** `-`: a failure is no failure. */
  ignoreFailure: boolean;
  /** `:`: no $ expansion. */
  literal: boolean;
  /** `+`, `!`, `!!`: run with full privileges (User= and the rest not applied). */
  privileged: boolean;
}

const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'", s: " " };

/** The words of a value, or why it cannot be read (an unterminated quote). */
export function splitWords(value: string): string[] | string {
  const words: string[] = [];
  let at = 0;
  while (at < value.length) {
    while (at < value.length && /\s/.test(value[at])) at++;
    if (at >= value.length) break;
    let word = "";
    let quote: string | undefined;
    for (; at < value.length; at++) {
      const c = value[at];
      if (quote === undefined && /\s/.test(c)) break;
      if (c === "\\" && at + 1 < value.length) {
        const next = value[++at];
        if (next === "x" && /^[0-9a-fA-F]{2}$/.test(value.slice(at + 1, at + 3))) {
          word += String.fromCharCode(Number.parseInt(value.slice(at + 1, at + 3), 16));
          at += 2;
        } else if (/[0-7]/.test(next) && /^[0-7]{3}$/.test(value.slice(at, at + 3))) {
          word += String.fromCharCode(Number.parseInt(value.slice(at, at + 3), 8));
          at += 2;
        } else word += ESCAPES[next] ?? next;
      } else if (quote === undefined && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = undefined;
      else word += c;
    }
    if (quote !== undefined) return `an unterminated ${quote} quote`;
    words.push(word);
  }
  return words;
}

/** The commands of one Exec*= value (`;` words separate them), each word put through expand (the specifiers); or why it cannot be read. */
export function parseCommandLines(value: string, expand: (word: string) => string): Command[] | string {
  const words = splitWords(value);
  if (typeof words === "string") return words;
  const commands: Command[] = [];
  let current: string[] = [];
  // A `;` word separates; `\;` (read as the word ";" too) is systemd's way of passing one: rare enough to be taken as a separator.
  for (const word of [...words, ";"]) {
    if (word !== ";") {
      current.push(word);
      continue;
    }
    if (current.length === 0) continue;
    const command = withPrefixes(current, expand);
    if (typeof command === "string") return command;
    commands.push(command);
    current = [];
  }
  return commands;
}

function withPrefixes(words: string[], expand: (word: string) => string): Command | string {
  const prefixes = /^[@\-:+!]*/.exec(words[0])![0];
  const first = words[0].slice(prefixes.length);
  const rest = first === "" ? words.slice(1) : [first, ...words.slice(1)];
  const command: Command = { argv: [], ignoreFailure: prefixes.includes("-"), literal: prefixes.includes(":"), privileged: /[+!]/.test(prefixes) };
  if (prefixes.includes("@")) {
    if (rest.length < 2) return "@ needs the program and the name to give it";
    command.argv0 = expand(rest[1]);
    rest.splice(1, 1);
  }
  if (rest.length === 0) return "no program to run";
  command.argv = rest.map(expand);
  return command;
}

/** s quoted for sh: nothing in it is expanded. */
const quoted = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The command as sh words: a word that is just $NAME is left unquoted (sh
 * splits it, as systemd does; the run script turns globbing off), ${NAME}
 * anywhere is one word, $$ is a $, and everything else is quoted.
 */
export function toShell(command: Command): string {
  return command.argv
    .map((word) => {
      if (command.literal) return quoted(word);
      if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(word)) return word;
      const parts = word.split(/(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\$)/).filter((part) => part !== "");
      return parts.map((part) => (part === "$$" ? quoted("$") : part.startsWith("${") ? `"${part}"` : quoted(part))).join("") || "''";
    })
    .join(" ");
}
