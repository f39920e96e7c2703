// Compiling: sources read and checked, frozen into a database. goetia
// compiles by itself whenever the sources have changed since the last
// compile, so nobody has to remember a compile step; `goetia compile` does it
// on demand.
//
//   <confDir>/compiled -> compiled-<stamp>/   switched atomically (rename of a symlink)
//
// Where confDir cannot be written (a read-only root, before it is remounted),
// the same goes into the run directory, and is used until a compile can
// write confDir again.
import { accessSync, constants, cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { errorText } from "../../lib/errors.ts";
import { switchLink, writeAtomically } from "../../lib/files.ts";
import { withFileLock } from "../../lib/lock-file.ts";
import { treePaths, type Tree } from "../../lib/tree.ts";
import { bringupScript } from "../bringup.ts";
import { databasePaths, writeDatabase, type CompiledService, type Database } from "../database.ts";
import { buildGraph } from "./check.ts";
import { makeServicedir } from "./servicedir.ts";
import { loadDefinitions } from "./definitions.ts";
import { addLoggers } from "./loggers.ts";
import { loadSources } from "./source.ts";
import { compiledLinkOf, fingerprint, sourceStamp, upToDate } from "./stamp.ts";
import { instantiateTemplates } from "./templates.ts";
import { loadUnits, type UnitReport } from "../../systemd/load.ts";

/**
 * Compiles the tree's sources into a new database and switches `compiled`
 * to it, holding the tree's database lock: compiles never overlap, and a
 * database being copied live is never replaced under the copy.
 */
export function compile(tree: Tree): Database {
  const place = compilePlace(tree);
  return withFileLock(place.lock, () => compileLocked(tree, place));
}

interface Place {
  /** The link to the database, switched by each compile; its folder holds the databases. */
  link: string;
  lock: string;
}

/** Where a compile goes: confDir, or, when it cannot be written, the run directory. */
function compilePlace(tree: Tree): Place {
  const paths = treePaths(tree);
  try {
    accessSync(tree.confDir, constants.W_OK);
    return { link: paths.compiledLink, lock: paths.databaseLock };
  } catch {
    mkdirSync(paths.stateDir, { recursive: true });
    return { link: paths.runCompiledLink, lock: paths.runDatabaseLock };
  }
}

function compileLocked(tree: Tree, place: Place): Database {
  const { sourceDir, pipes, runCompiledLink } = treePaths(tree);
  const stamp = sourceStamp(tree);
  const sources = loadSources(sourceDir);
  loadDefinitions(tree, sources);
  loadUnits(tree.unitDirs, sources);
  instantiateTemplates(sources);
  addLoggers(tree, sources);
  // A file that cannot be read (a dangling link, say) breaks its service, not the compile.
  const fingerprints = new Map<string, string>();
  for (const service of sources.services.values()) {
    if (service.type === "bundle") continue;
    try {
      fingerprints.set(service.name, fingerprint(service));
    } catch (error) {
      sources.services.delete(service.name);
      sources.broken.add(service.name);
      sources.problems.push({ service: service.name, file: service.dir, message: `cannot be read: ${errorText(error)}` });
    }
  }
  const graph = buildGraph(sources);
  const services: Record<string, CompiledService> = {};
  for (const [name, service] of graph.atoms) services[name] = { ...service, fingerprint: fingerprints.get(name) ?? "" };

  const compiledAt = Date.now();
  const name = `compiled-${compiledAt}-${process.pid}`;
  const home = dirname(place.link);
  const dir = join(home, name);
  for (const service of Object.values(services)) {
    if (service.type === "longrun") makeServicedir(service, databasePaths(dir).servicedir(service.name), pipes);
  }
  const db = writeDatabase(dir, {
    compiledAt,
    sourceStamp: stamp,
    services,
    bundles: Object.fromEntries(graph.bundles),
    dependencies: Object.fromEntries(graph.dependencies),
    problems: graph.problems,
    leftOut: [...sources.services.keys(), ...sources.broken].filter((name) => !graph.atoms.has(name) && !graph.bundles.has(name)).sort(),
  });
  writeAtomically(databasePaths(dir).bringup, bringupScript(tree, graph, db.leftOut));

  switchLink(place.link, name);
  // Every other database goes: the one replaced, and any a killed compile left half-made;
  // compiled where it belongs, one the run directory held in its stead.
  for (const entry of readdirSync(home)) {
    if (entry.startsWith("compiled-") && entry !== name) rmSync(join(home, entry), { recursive: true, force: true });
  }
  if (place.link !== runCompiledLink && existsSync(runCompiledLink)) {
    rmSync(realpathSync(runCompiledLink), { recursive: true, force: true });
    rmSync(runCompiledLink, { force: true });
  }
  return db;
}

/** What a compile makes of the machine's systemd units, each one met with what it became. */
export function unitReport(tree: Tree): UnitReport {
  const sources = loadSources(treePaths(tree).sourceDir);
  loadDefinitions(tree, sources);
  return loadUnits(tree.unitDirs, sources);
}

/** For sources found changed: compiles them, under the database lock, unless another command just did. */
export function compileStale(tree: Tree): Database {
  const place = compilePlace(tree);
  return withFileLock(place.lock, () => upToDate(tree) ?? compileLocked(tree, place));
}

/** The current compiled database (compiled first if the sources changed) copied whole to target, in one hold of the lock: the copy is the database returned. */
export function copyCompiled(tree: Tree, target: string): Database {
  const place = compilePlace(tree);
  return withFileLock(place.lock, () => {
    const db = upToDate(tree) ?? compileLocked(tree, place);
    cpSync(realpathSync(compiledLinkOf(tree)), target, { recursive: true });
    return db;
  });
}
