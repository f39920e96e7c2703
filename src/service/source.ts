// Reading service source directories in s6-rc-compile's format.
// One directory per service under src/<category>/; the directory name is the
// service name. Every mistake becomes a Problem naming the service, the file
// and what is wrong; a broken service is left out and the rest still loads.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export type ServiceType = "longrun" | "oneshot" | "bundle";

export interface Service {
  name: string;
  type: ServiceType;
  /** The source directory it was read from. */
  dir: string;
  /** Bundles: the names they contain (services or bundles). */
  contents: string[];
  /** Atomic services: what must be up before this one starts. */
  dependencies: string[];
  /** Milliseconds; 0 waits forever. */
  timeoutUp: number;
  timeoutDown: number;
  essential: boolean;
  /** Oneshots: command lines, lexed like execlineb. */
  up?: string;
  down?: string;
  /** Longruns: the fd on which the daemon says it is ready. */
  notificationFd?: number;
  /** Longruns: pipeline links (s6-rc producer-for / consumer-for). */
  producerFor?: string;
  consumerFor: string[];
  pipelineName?: string;
}

export interface Problem {
  service: string;
  file: string;
  message: string;
}

export interface SourceSet {
  services: Map<string, Service>;
  /** Services whose sources were found but are broken, and left out. */
  broken: Set<string>;
  problems: Problem[];
}

const TYPES: ServiceType[] = ["longrun", "oneshot", "bundle"];

/** Files that must hold a non-negative integer, by type. */
const NUMERIC_FILES = {
  common: ["timeout-up", "timeout-down"],
  longrun: ["notification-fd", "timeout-kill", "timeout-finish", "max-death-tally"],
};

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
  for (const dir of serviceDirs(sourceDir)) {
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

function serviceDirs(sourceDir: string): string[] {
  const dirs: string[] = [];
  for (const entry of listDir(sourceDir)) {
    const path = join(sourceDir, entry);
    if (!isDirectory(path)) continue;
    if (existsSync(join(path, "type"))) dirs.push(path);
    else for (const inner of listDir(path)) if (isDirectory(join(path, inner))) dirs.push(join(path, inner));
  }
  return dirs;
}

type Report = (file: string, message: string) => void;

function readService(name: string, dir: string, problem: Report): Service | undefined {
  const nameProblem = badNameReason(name);
  if (nameProblem) return void problem("", `bad service name: ${nameProblem}`);

  const type = readLine(dir, "type");
  if (type === undefined) return void problem("type", "missing: every service needs a type file");
  if (!TYPES.includes(type as ServiceType))
    return void problem("type", `unknown type "${type}": expected longrun, oneshot or bundle`);

  const service: Service = {
    name,
    type: type as ServiceType,
    dir,
    contents: [],
    dependencies: [],
    timeoutUp: 0,
    timeoutDown: 0,
    essential: existsSync(join(dir, "flag-essential")),
    consumerFor: [],
  };
  let broken = false;
  const fail: Report = (file, message) => {
    broken = true;
    problem(file, message);
  };

  if (service.type === "bundle") {
    service.contents = readNameList(dir, "contents", fail);
    return broken ? undefined : service;
  }

  service.dependencies = readNameList(dir, "dependencies", fail);
  const numeric = [...NUMERIC_FILES.common, ...(service.type === "longrun" ? NUMERIC_FILES.longrun : [])];
  const numbers = Object.fromEntries(numeric.map((file) => [file, readNumber(dir, file, fail)]));
  service.timeoutUp = numbers["timeout-up"] ?? 0;
  service.timeoutDown = numbers["timeout-down"] ?? 0;

  if (service.type === "oneshot") {
    service.up = readCommand(dir, "up");
    service.down = readCommand(dir, "down");
    if (service.up === undefined) fail("up", "missing: a oneshot needs an up file");
  } else {
    if (!existsSync(join(dir, "run"))) fail("run", "missing: a longrun needs a run file");
    service.notificationFd = numbers["notification-fd"];
    if (service.notificationFd !== undefined && service.notificationFd < 3) fail("notification-fd", "must be 3 or more: 0, 1 and 2 are taken");
    service.producerFor = readLine(dir, "producer-for");
    service.consumerFor = readLines(dir, "consumer-for") ?? [];
    service.pipelineName = readLine(dir, "pipeline-name");
  }
  return broken ? undefined : service;
}

/** A name list from NAME.d/ (empty files) or NAME (one per line), merged. */
function readNameList(dir: string, base: string, fail: Report): string[] {
  const names = new Set([...listDir(join(dir, `${base}.d`)), ...(readLines(dir, base) ?? [])]);
  for (const name of names) {
    const reason = badNameReason(name);
    if (reason) fail(`${base}`, `bad name "${name}": ${reason}`);
  }
  return [...names];
}

function readNumber(dir: string, file: string, fail: Report): number | undefined {
  const text = readLine(dir, file);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) return void fail(file, `"${text}" is not a non-negative integer`);
  return Number(text);
}

/** The whole file, trimmed: s6-rc lexes an up/down file as one execline script. */
function readCommand(dir: string, file: string): string | undefined {
  return readText(dir, file)?.trim();
}

function readLine(dir: string, file: string): string | undefined {
  return readLines(dir, file)?.[0];
}

/** Non-empty lines, without comments (# to end of line). */
function readLines(dir: string, file: string): string[] | undefined {
  return readText(dir, file)
    ?.split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
}

function readText(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), "utf8");
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith(".")).sort();
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
