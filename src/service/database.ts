// The compiled database: a checked graph frozen to disk, with each longrun's
// service directory ready for s6-supervise. goetia compiles by itself
// whenever the sources have changed since the last compile, so nobody has to
// remember a compile step; `goetia compile` does it on demand.
//
//   <confDir>/compiled -> compiled-<stamp>/   switched atomically (rename of a symlink)
//       db.json                              the graph, with a fingerprint per service
//       servicedirs/<longrun>/               run, finish, notification-fd, data/, env/...
//
// A running tree works from its live copy (<runDir>/goetia/live), which only
// `goetia update` replaces: what runs never changes under a person's feet.
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { errorText } from "../lib/log.ts";
import { treePaths, type Tree } from "../lib/tree.ts";
import { buildGraph, reverseEdges, type Graph } from "./graph.ts";
import { pipelineRunScript } from "./pipeline.ts";
import { loadSources, type Problem, type Service } from "./source.ts";

export interface CompiledService extends Service {
  /** Changes whenever any file of the service's source changes. */
  fingerprint: string;
}

export interface Database {
  version: 1;
  compiledAt: number;
  /** Summarises every source path, size and mtime: a different stamp means recompile. */
  sourceStamp: string;
  services: Record<string, CompiledService>;
  bundles: Record<string, string[]>;
  dependencies: Record<string, string[]>;
  problems: Problem[];
}

const DB_VERSION = 1;

/** Files of the s6-rc source format that mean nothing to s6-supervise. */
const MANAGER_ONLY = new Set([
  "type",
  "dependencies",
  "dependencies.d",
  "timeout-up",
  "timeout-down",
  "flag-essential",
  "producer-for",
  "consumer-for",
  "pipeline-name",
]);

export const databasePaths = (dir: string) => ({
  json: join(dir, "db.json"),
  servicedir: (name: string) => join(dir, "servicedirs", name),
});

export function readDatabase(dir: string): Database | undefined {
  try {
    const db = JSON.parse(readFileSync(databasePaths(dir).json, "utf8")) as Database;
    return db.version === DB_VERSION ? db : undefined;
  } catch {
    return undefined;
  }
}

export function graphOf(db: Database): Graph {
  const dependencies = new Map(Object.entries(db.dependencies));
  return {
    atoms: new Map(Object.entries(db.services)),
    bundles: new Map(Object.entries(db.bundles)),
    dependencies,
    dependents: reverseEdges(dependencies),
    problems: db.problems,
  };
}

/** A stamp of every entry under the source directory: path, size and mtime. */
export function sourceStamp(sourceDir: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      const stat = lstatSync(path);
      hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\0`);
      if (stat.isSymbolicLink()) hash.update(`${readlinkSync(path)}\0`);
      if (stat.isDirectory()) walk(path);
    }
  };
  walk(sourceDir);
  return hash.digest("hex");
}

/** Content hash of a service's source directory, links followed. */
function fingerprint(dir: string): string {
  const hash = createHash("sha256");
  const walk = (path: string, rel: string) => {
    const stat = statSync(path);
    hash.update(`${rel}\0${stat.mode}\0`);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry), `${rel}/${entry}`);
    else if (stat.isFile()) hash.update(readFileSync(path));
  };
  walk(dir, ".");
  return hash.digest("hex");
}

/** Compiles the tree's sources into a new database and switches `compiled` to it. */
export function compile(tree: Tree): Database {
  const { sourceDir, compiledLink } = treePaths(tree);
  const stamp = sourceStamp(sourceDir);
  const sources = loadSources(sourceDir);
  // A file that cannot be read (a dangling link, say) breaks its service, not the compile.
  const fingerprints = new Map<string, string>();
  for (const service of sources.services.values()) {
    if (service.type === "bundle") continue;
    try {
      fingerprints.set(service.name, fingerprint(service.dir));
    } catch (error) {
      sources.services.delete(service.name);
      sources.broken.add(service.name);
      sources.problems.push({ service: service.name, file: service.dir, message: `cannot be read: ${errorText(error)}` });
    }
  }
  const graph = buildGraph(sources);
  const services: Record<string, CompiledService> = {};
  for (const [name, service] of graph.atoms) services[name] = { ...service, fingerprint: fingerprints.get(name)! };
  const db: Database = {
    version: DB_VERSION,
    compiledAt: Date.now(),
    sourceStamp: stamp,
    services,
    bundles: Object.fromEntries(graph.bundles),
    dependencies: Object.fromEntries(graph.dependencies),
    problems: graph.problems,
  };

  const name = `compiled-${db.compiledAt}-${process.pid}`;
  const dir = join(tree.confDir, name);
  const paths = databasePaths(dir);
  for (const service of Object.values(services)) {
    if (service.type !== "longrun") continue;
    const servicedir = paths.servicedir(service.name);
    cpSync(service.dir, servicedir, {
      recursive: true,
      dereference: true,
      filter: (path) => path === service.dir || !MANAGER_ONLY.has(path.slice(service.dir.length + 1)),
    });
    if (service.producerFor !== undefined || service.consumerFor.length > 0) {
      renameSync(join(servicedir, "run"), join(servicedir, "run.user"));
      writeFileSync(join(servicedir, "run"), pipelineRunScript(service, treePaths(tree).pipes), { mode: 0o755 });
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(paths.json, JSON.stringify(db, null, 1));

  // Switch atomically: a new link renamed over the old one.
  const previous = existsSync(compiledLink) ? readlinkSync(compiledLink) : undefined;
  symlinkSync(name, `${compiledLink}.new`);
  renameSync(`${compiledLink}.new`, compiledLink);
  if (previous && previous !== name) rmSync(join(tree.confDir, previous), { recursive: true, force: true });
  return db;
}

/** The current compiled database, compiling first when the sources have changed. */
export function compiled(tree: Tree): Database {
  const { sourceDir, compiledLink } = treePaths(tree);
  if (!existsSync(sourceDir)) throw new Error(`no service sources in ${sourceDir}: is this a goetia system?`);
  const db = readDatabase(compiledLink);
  if (db && db.sourceStamp === sourceStamp(sourceDir)) return db;
  return compile(tree);
}
