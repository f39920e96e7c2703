// One unit as systemd loads it: its file, then its drop-ins in the order
// of their names, each assignment over the ones before. A key that holds a
// list grows with each assignment, and an empty one empties it; any other
// key takes its last value. Reading a key marks it used: what no reader
// asked for is what goetia ignored, and `goetia units` says so.
import { parseUnitFile, type Assignment, type UnitWarning } from "./syntax.ts";
import { expandSpecifiers, type UnitName } from "./specifiers.ts";

/** The values of a time span (systemd.time(7)): "90", "1min 30s", "500ms", "infinity". */
const TIME_UNITS: Record<string, number> = {
  us: 0.001, usec: 0.001, ms: 1, msec: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

export class Unit {
  readonly warnings: UnitWarning[] = [];
  private readonly assignments: Assignment[] = [];
  private readonly used = new Set<Assignment>();

  /** Where it was read from: its file, then its drop-ins. */
  readonly files: string[];

  constructor(
    readonly name: UnitName,
    /** The unit's file, then its drop-ins; each with its text. */
    files: { path: string; text: string }[],
  ) {
    this.files = files.map(({ path }) => path);
    for (const { path, text } of files) {
      const parsed = parseUnitFile(text, path);
      this.assignments.push(...parsed.assignments);
      this.warnings.push(...parsed.warnings);
    }
  }

  /** The last assignment of section.key, specifiers expanded. */
  value(section: string, key: string): string | undefined {
    const found = this.assignments.findLast((a) => a.section === section && a.key === key);
    if (found === undefined) return undefined;
    this.markUsed(section, key);
    return this.expand(found);
  }

  /** A list key: every assignment's words (or the whole value, whole), an empty assignment emptying what came before. */
  list(section: string, key: string, { whole = false } = {}): { value: string; at: Assignment }[] {
    const items: { value: string; at: Assignment }[] = [];
    for (const at of this.assigned(section, key)) {
      const value = this.expand(at);
      if (whole) items.push({ value, at });
      else for (const word of value.split(/\s+/)) items.push({ value: word, at });
    }
    return items;
  }

  /** A list key's assignments as written, specifiers not expanded (a command line expands them word by word: expandIn). */
  assigned(section: string, key: string): Assignment[] {
    let items: Assignment[] = [];
    for (const assignment of this.assignments) {
      if (assignment.section !== section || assignment.key !== key) continue;
      this.used.add(assignment);
      if (assignment.value === "") items = [];
      else items.push(assignment);
    }
    return items;
  }

  /** The specifiers of text, found in assignment, expanded. */
  expandIn(assignment: Assignment, text: string): string {
    return expandSpecifiers(text, this.name, (message) =>
      this.warnings.push({ file: assignment.file, line: assignment.line, message: `${assignment.key}=: ${message}` }),
    );
  }

  boolean(section: string, key: string): boolean | undefined {
    const value = this.value(section, key);
    if (value === undefined) return undefined;
    if (/^(1|yes|y|true|t|on)$/i.test(value)) return true;
    if (/^(0|no|n|false|f|off)$/i.test(value)) return false;
    this.warn(section, key, `"${value}" is not a boolean: ignored`);
    return undefined;
  }

  /** A time span in ms (a bare number is seconds, as systemd takes it); Infinity for "infinity"; undefined when unset or unreadable (told). */
  timeMs(section: string, key: string): number | undefined {
    const value = this.value(section, key);
    if (value === undefined || value === "") return undefined;
    if (value === "infinity") return Number.POSITIVE_INFINITY;
    let total = 0;
    const pattern = /\s*(\d+(?:\.\d+)?)\s*([a-z]*)/gy;
    let read = 0;
    for (let match = pattern.exec(value); match !== null; match = pattern.exec(value)) {
      const unit = match[2] === "" ? "s" : match[2];
      if (!(unit in TIME_UNITS)) break;
      total += Number(match[1]) * TIME_UNITS[unit];
      read = pattern.lastIndex;
    }
    if (read !== value.length || read === 0) {
      this.warn(section, key, `"${value}" is not a time span: ignored`);
      return undefined;
    }
    return Math.round(total);
  }

  /** Tells of section.key, at its last assignment. */
  warn(section: string, key: string, message: string): void {
    const at = this.assignments.findLast((a) => a.section === section && a.key === key);
    this.warnings.push({ file: at?.file ?? "", line: at?.line ?? 0, message: `${key}=: ${message}` });
  }

  /** Every assignment no reader asked for, once per key: what goetia ignored. */
  unused(): Assignment[] {
    const seen = new Set<string>();
    return this.assignments.filter((a) => {
      const id = `${a.section}.${a.key}`;
      if (this.used.has(a) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  /** Whether section holds key at all (without marking it used). */
  has(section: string, key: string): boolean {
    return this.assignments.some((a) => a.section === section && a.key === key);
  }

  /** Marks every assignment of section.key as used: it was read, or deliberately passed over. */
  markUsed(section: string, key: string): void {
    for (const a of this.assignments) if (a.section === section && a.key === key) this.used.add(a);
  }

  private expand(assignment: Assignment): string {
    return this.expandIn(assignment, assignment.value);
  }
}
