// The compiled database: a checked graph frozen to disk, with each longrun's
// service directory ready for s6-supervise. Compiling writes it (compile/);
// running a tree reads it (run/).
//
//   compiled-<stamp>/
//       db.json                   the graph, with a fingerprint per service
//       servicedirs/<longrun>/    run, finish, notification-fd, data/, env/...
//       bringup                   the boot's bring-up, in sh (bringup.ts)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeAtomically, readIfExists } from "../lib/files.ts";
import { reverseEdges, type Graph } from "./graph.ts";
import type { Problem, Service } from "../service.ts";

export interface CompiledService extends Service {
  /** Changes whenever any file of the service's source changes. */
  fingerprint: string;
}

export interface Database {
  version: typeof DB_VERSION;
  compiledAt: number;
  /** Summarises every source path, size and mtime: a different stamp means recompile. */
  sourceStamp: string;
  services: Record<string, CompiledService>;
  bundles: Record<string, string[]>;
  dependencies: Record<string, string[]>;
  problems: Problem[];
  /** Services and bundles found in the sources but left out, broken or needing what is. */
  leftOut: string[];
}

const DB_VERSION = 2;

export const databasePaths = (dir: string) => ({
  json: join(dir, "db.json"),
  servicedirs: join(dir, "servicedirs"),
  servicedir: (name: string) => join(dir, "servicedirs", name),
  /** The boot's bring-up of this database, a shell script (bringup.ts). */
  bringup: join(dir, "bringup"),
});

/** The database in dir; undefined when there is none, or one this goetia cannot use (another version, a torn file): it gets recompiled. */
export function readDatabase(dir: string): Database | undefined {
  const text = readIfExists(databasePaths(dir).json);
  if (text === undefined) return undefined;
  try {
    const db = JSON.parse(text) as Database;
    return db.version === DB_VERSION ? db : undefined;
  } catch {
    return undefined; // torn or foreign: as good as none
  }
}

export function writeDatabase(dir: string, db: Omit<Database, "version">): Database {
  const full: Database = { version: DB_VERSION, ...db };
  mkdirSync(dir, { recursive: true });
  writeAtomically(databasePaths(dir).json, JSON.stringify(full, null, 1));
  return full;
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
