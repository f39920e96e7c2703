// systemd's unit file syntax (systemd.syntax(7)), read as systemd reads it:
// [Section] headers, Key=Value assignments (whitespace around both trimmed),
// comment lines starting # or ;, and a backslash at the end of a line
// joining it to the next with a space (comment lines inside are skipped).
// What systemd ignores with a warning, this reads past with a warning too,
// naming the file and the line: a unit is never refused for its syntax.

export interface Assignment {
  section: string;
  key: string;
  value: string;
  file: string;
  /** The line the assignment starts on, from 1. */
  line: number;
}

export interface UnitWarning {
  file: string;
  line: number;
  message: string;
}

/** The assignments of one file, in order, and what was read past. */
export function parseUnitFile(text: string, file: string): { assignments: Assignment[]; warnings: UnitWarning[] } {
  const assignments: Assignment[] = [];
  const warnings: UnitWarning[] = [];
  const lines = text.split("\n");
  let section: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const start = index + 1;
    let line = lines[index].trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    while (line.endsWith("\\")) {
      line = `${line.slice(0, -1)} `;
      let next: string | undefined;
      while (index + 1 < lines.length) {
        next = lines[++index].trim();
        if (!next.startsWith("#") && !next.startsWith(";")) break;
        next = undefined;
      }
      if (next === undefined) break;
      line += next;
    }
    line = line.trim();
    if (line.startsWith("[")) {
      if (!line.endsWith("]") || line.length < 3) {
        warnings.push({ file, line: start, message: `"${line}" is not a section header: ignored, and the assignments up to the next one` });
        section = undefined;
        continue;
      }
      section = line.slice(1, -1);
      continue;
    }
    const equals = line.indexOf("=");
    if (equals <= 0) {
      warnings.push({ file, line: start, message: `"${line}" is no assignment (KEY=VALUE): ignored` });
      continue;
    }
    if (section === undefined) {
      warnings.push({ file, line: start, message: `${line.slice(0, equals).trim()}= is outside any section: ignored` });
      continue;
    }
    assignments.push({ section, key: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim(), file, line: start });
  }
  return { assignments, warnings };
}
