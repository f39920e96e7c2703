// sh, as goetia writes it: every word it puts in a script it quotes here.

/** s quoted for sh: nothing in it is expanded. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
