// The signals a supervised daemon can be sent through s6-supervise, as
// s6-svc's letters: s6-svc -s refuses any other (no SIGSEGV by hand), and
// so does goetia.

/** Each signal s6-supervise sends on command, by name, with its letter. */
export const SIGNAL_LETTERS: Readonly<Record<string, string>> = {
  HUP: "h",
  INT: "i",
  QUIT: "q",
  ABRT: "b",
  KILL: "k",
  USR1: "1",
  USR2: "2",
  ALRM: "a",
  TERM: "t",
  CONT: "c",
  STOP: "p",
  WINCH: "y",
};

/** Linux's signals by number (the first is 1), as a name or a number may give one. */
export const LINUX_SIGNALS = [
  "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
  "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/** The signal text names (HUP, SIGHUP, hup or 1), as its name without SIG; undefined when it names none. */
export function signalName(text: string): string | undefined {
  if (/^\d+$/.test(text)) return LINUX_SIGNALS[Number(text) - 1];
  const name = text.toUpperCase().replace(/^SIG/, "");
  return LINUX_SIGNALS.includes(name) ? name : undefined;
}

/** Why the signal named (without SIG) cannot go through s6-supervise; undefined when it can. */
export function unsendable(name: string): string | undefined {
  return name in SIGNAL_LETTERS ? undefined : `SIG${name} cannot be sent: the signals s6-supervise sends are ${Object.keys(SIGNAL_LETTERS).join(", ")}`;
}
