// The % specifiers of a unit's values (systemd.unit(5), "SPECIFIERS"), as
// the system manager resolves them when it loads the unit. Those that only
// a running system knows (%H, %m, %b...) are left as written, with a
// warning: goetia compiles once, not at every boot.

export interface UnitName {
  /** The whole name: getty@ttyS0.service. */
  full: string;
  /** Before the @ (or the type suffix): getty. */
  prefix: string;
  /** After the @, escaped as in the name: ttyS0; undefined for a unit that is no instance. */
  instance?: string;
}

/** Splits a unit's name: NAME.TYPE or PREFIX@INSTANCE.TYPE. */
export function unitName(full: string): UnitName {
  const stem = full.slice(0, full.lastIndexOf(".") > 0 ? full.lastIndexOf(".") : full.length);
  const at = stem.indexOf("@");
  return at < 0 ? { full, prefix: stem } : { full, prefix: stem.slice(0, at), instance: stem.slice(at + 1) };
}

/** The goetia name of a service unit: ssh for ssh.service, getty@tty1 for getty@tty1.service. */
export function serviceName(unit: string): string {
  const { prefix, instance } = unitName(unit);
  return instance === undefined ? prefix : `${prefix}@${instance}`;
}

/** systemd-escape undone: \xNN is that byte, - is /. */
export function unescapeName(escaped: string): string {
  return escaped.replace(/-/g, "/").replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The directories of the system manager (systemd.exec(5), "RuntimeDirectory="...). */
export const SYSTEM_DIRS = { runtime: "/run", state: "/var/lib", cache: "/var/cache", logs: "/var/log", config: "/etc" } as const;

/** Expands the specifiers in value; each one left as written is reported with why. */
export function expandSpecifiers(value: string, name: UnitName, report: (message: string) => void): string {
  const stem = name.instance === undefined ? name.prefix : `${name.prefix}@${name.instance}`;
  const known: Record<string, string> = {
    n: name.full,
    N: stem,
    p: name.prefix,
    P: unescapeName(name.prefix),
    i: name.instance ?? "",
    I: unescapeName(name.instance ?? ""),
    j: name.prefix.slice(name.prefix.lastIndexOf("-") + 1),
    J: unescapeName(name.prefix.slice(name.prefix.lastIndexOf("-") + 1)),
    f: `/${unescapeName(name.instance ?? name.prefix)}`.replace(/^\/+/, "/"),
    t: SYSTEM_DIRS.runtime,
    S: SYSTEM_DIRS.state,
    C: SYSTEM_DIRS.cache,
    L: SYSTEM_DIRS.logs,
    E: SYSTEM_DIRS.config,
    T: "/tmp",
    V: "/var/tmp",
    h: "/root",
    u: "root",
    U: "0",
    g: "root",
    G: "0",
    s: "/bin/sh",
    "%": "%",
  };
  return value.replace(/%(.?)/g, (whole, letter: string) => {
    if (letter in known) return known[letter];
    report(letter === "" ? "a % at the end of the value: kept" : `%${letter} is known only on a running system, or not at all: kept as written`);
    return whole;
  });
}
