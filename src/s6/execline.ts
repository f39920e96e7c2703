// execline: how s6-rc stores a oneshot's up and down (one command line,
// lexed by execlineb), and the argv it means.

/** Characters execlineb gives no meaning to: a command line made of them alone is its words. */
const PLAIN_WORD = /^[A-Za-z0-9_\-./=:,+@%^~]+$/;

/**
 * The argv a oneshot's command line means. execlineb lexes it (quotes,
 * escapes, blocks, comments), and starting execlineb costs more than the
 * command itself under emulation (130 ms there, for `hostname -F`): a line
 * of plain words is split here instead, which is all execlineb would do.
 */
export function oneshotArgv(script: string): string[] {
  const words = script.split(/[ \t\n\r]+/).filter(Boolean);
  return words.length > 0 && words.every((word) => PLAIN_WORD.test(word)) ? words : ["execlineb", "-P", "-c", script];
}
