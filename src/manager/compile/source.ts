// Reading service source directories in s6-rc-compile's format.
// One directory per service under src/<category>/; the directory name is the
// service name. Every mistake becomes a Problem naming the service, the file
// and what is wrong; a broken service is left out and the rest still loads.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorText } from "../../lib/errors.ts";
import { isMissing, readIfExists } from "../../lib/files.ts";
import type { Problem, Service, ServiceType } from "../service.ts";

export interface SourceSet {
  services: Map<string, Service>;
  /** Services whose sources were found but are broken, and left out. */
  broken: Set<string>;
  problems: Problem[];
}

const TYPES: ServiceType[] = ["longrun", "oneshot", "bundle"];

/** Longrun files that s6-supervise reads as a non-negative integer: checked here, where the mistake can be named. */
const SUPERVISE_NUMBERS = ["timeout-kill", "timeout-finish", "max-death-tally"];

/** s6-rc's rule: a name is a file name that is neither hidden nor reserved. */
export function badNameReason(name: string): string | undefined {
  if (name.length === 0 || name.length > 255) return "names must be 1 to 255 characters long";
  if (name.includes("/") || name.includes("\n")) return "names may not contain / or a newline";
  if (name.startsWith(".")) return "names may not start with a dot";
  if (name.startsWith("s6rc-") || name.startsWith("s6-svscan")) return "names starting with s6rc- or s6-svscan are reserved";
  return undefined;
}

/** Reads every src/<category>/<name> (and src/<name> for uncategorised services). */
export function loadSources(sourceDir: string): SourceSet {
  const set: SourceSet = { services: new Map(), broken: new Set(), problems: [] };
  for (const dir of serviceDirs(sourceDir, set.problems)) {
    const name = dir.split("/").pop()!;
    const problem = (file: string, message: string) => set.problems.push({ service: name, file: join(dir, file), message });
    const existing = set.services.get(name);
    if (existing) {
      problem("", `defined twice: also in ${existing.dir}; this one is ignored`);
      continue;
    }
    const service = readService(name, dir, problem);
    if (service) set.services.set(name, service);
    else set.broken.add(name);
  }
  return set;
}

/** The service folders: src/NAME when it has a type file, else src/CATEGORY/NAME. A folder that cannot be read is a problem. */
function serviceDirs(sourceDir: string, problems: Problem[]): string[] {
  const dirs: string[] = [];
  for (const entry of listDir(sourceDir)) {
    const path = join(sourceDir, entry);
    try {
      if (!isDirectory(path)) continue;
      if (existsSync(join(path, "type"))) dirs.push(path);
      else for (const inner of listDir(path)) if (isDirectory(join(path, inner))) dirs.push(join(path, inner));
    } catch (error) {
      problems.push({ service: entry, file: path, message: `cannot be read: ${errorText(error)}` });
    }
  }
  return dirs;
}

type Report = (file: string, message: string) => void;

/** One service's files, read with every failure reported against the file. */
class SourceFiles {
  constructor(
    readonly dir: string,
    readonly fail: Report,
  ) {}

  /** The whole text, or undefined when the file does not exist; an unreadable file is a problem. */
  text(file: string): string | undefined {
    try {
      return readIfExists(join(this.dir, file));
    } catch (error) {
      return void this.fail(file, `cannot be read: ${errorText(error)}`);
    }
  }

  /** The whole file, trimmed: s6-rc lexes an up/down file as one execline script. */
  command(file: string): string | undefined {
    return this.text(file)?.trim();
  }

  /** Non-empty lines, without comments (# to end of line). */
  lines(file: string): string[] | undefined {
    return this.text(file)
      ?.split("\n")
      .map((line) => line.replace(/#.*/, "").trim())
      .filter((line) => line !== "");
  }

  line(file: string): string | undefined {
    return this.lines(file)?.[0];
  }

  number(file: string): number | undefined {
    const text = this.line(file);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) return void this.fail(file, `"${text}" is not a non-negative integer`);
    return Number(text);
  }

  /** A name list from NAME.d/ (empty files) or NAME (one per line), merged; each name checked. */
  names(base: string): string[] {
    const names = new Set([...listDir(join(this.dir, `${base}.d`)), ...(this.lines(base) ?? [])]);
    for (const name of names) {
      const reason = badNameReason(name);
      if (reason) this.fail(base, `bad name "${name}": ${reason}`);
    }
    return [...names];
  }

  exists(file: string): boolean {
    return existsSync(join(this.dir, file));
  }
}

function readService(name: string, dir: string, problem: Report): Service | undefined {
  const nameProblem = badNameReason(name);
  if (nameProblem) return void problem("", `bad service name: ${nameProblem}`);
  let broken = false;
  const files = new SourceFiles(dir, (file, message) => {
    broken = true;
    problem(file, message);
  });

  const type = files.line("type");
  if (broken) return undefined;
  if (type === undefined) return void problem("type", "missing: every service needs a type file");
  if (!TYPES.includes(type as ServiceType)) return void problem("type", `unknown type "${type}": expected longrun, oneshot or bundle`);

  const service: Service = {
    name,
    type: type as ServiceType,
    dir,
    contents: [],
    dependencies: [],
    timeoutUp: 0,
    timeoutDown: 0,
    essential: files.exists("flag-essential"),
    consumerFor: [],
  };
  if (service.type === "bundle") {
    service.contents = files.names("contents");
    return broken ? undefined : service;
  }

  service.dependencies = files.names("dependencies");
  service.timeoutUp = files.number("timeout-up") ?? 0;
  service.timeoutDown = files.number("timeout-down") ?? 0;
  if (service.type === "oneshot") {
    service.up = files.command("up");
    service.down = files.command("down");
    if (service.up === undefined && !broken) files.fail("up", "missing: a oneshot needs an up file");
  } else {
    if (!files.exists("run")) files.fail("run", "missing: a longrun needs a run file");
    for (const file of SUPERVISE_NUMBERS) files.number(file);
    service.notificationFd = files.number("notification-fd");
    if (service.notificationFd !== undefined && service.notificationFd < 3) files.fail("notification-fd", "must be 3 or more: 0, 1 and 2 are taken");
    service.producerFor = files.line("producer-for");
    service.consumerFor = files.lines("consumer-for") ?? [];
    service.pipelineName = files.line("pipeline-name");
  }
  return broken ? undefined : service;
}

/** The entries of a folder, hidden ones left out; none when it does not exist. */
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith(".")).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
