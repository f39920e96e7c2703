// Compiling: sources read and checked, frozen into a database. goetia
// compiles by itself whenever the sources have changed since the last
// compile, so nobody has to remember a compile step; `goetia compile` does it
// on demand.
//
//   <confDir>/compiled -> compiled-<stamp>/   switched atomically (rename of a symlink)
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { errnoCode, errorText, FailedError } from "../../lib/errors.ts";
import { isMissing, switchLink, withFileLock, writeAtomically } from "../../lib/files.ts";
import { treePaths, type Tree } from "../../lib/tree.ts";
import { bringupScript } from "../bringup.ts";
import { databasePaths, readDatabase, writeDatabase, type CompiledService, type Database } from "../database.ts";
import { buildGraph } from "./check.ts";
import { makeServicedir } from "./servicedir.ts";
import { loadSources } from "./source.ts";

/**
 * A stamp of every entry under the source directory: path and mode, and for
 * what is not a folder its size and mtime (a folder's own size and mtime
 * differ from one file system to the next, and its entries stamp it anyway:
 * the same sources in an initramfs stamp as on the disk they were built on).
 * A folder that cannot be read stamps as such: compiling reports it.
 */
export function sourceStamp(sourceDir: string): string {
  const hash = new Bun.CryptoHasher("sha256"); // Bun's own: node:crypto costs a cold start dearly
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (error) {
      if (!isMissing(error)) hash.update(`${dir}\0${errnoCode(error)}\0`);
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      const stat = lstatSync(path);
      hash.update(`${path}\0${stat.mode}\0`);
      if (stat.isDirectory()) walk(path);
      else hash.update(`${stat.size}\0${stat.mtimeMs}\0${stat.isSymbolicLink() ? readlinkSync(path) : ""}\0`);
    }
  };
  walk(sourceDir);
  return hash.digest("hex");
}

/** Content hash of a service's source directory, links followed. */
export function fingerprint(dir: string): string {
  const hash = new Bun.CryptoHasher("sha256");
  const walk = (path: string, rel: string) => {
    const stat = statSync(path);
    hash.update(`${rel}\0${stat.mode}\0`);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry), `${rel}/${entry}`);
    else if (stat.isFile()) hash.update(readFileSync(path));
  };
  walk(dir, ".");
  return hash.digest("hex");
}

/**
 * Compiles the tree's sources into a new database and switches `compiled`
 * to it, holding the tree's database lock: compiles never overlap, and a
 * database being copied live is never replaced under the copy.
 */
export function compile(tree: Tree): Database {
  return withFileLock(treePaths(tree).databaseLock, () => compileLocked(tree));
}

function compileLocked(tree: Tree): Database {
  const { sourceDir, compiledLink, pipes } = treePaths(tree);
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
  for (const [name, service] of graph.atoms) services[name] = { ...service, fingerprint: fingerprints.get(name) ?? "" };

  const compiledAt = Date.now();
  const name = `compiled-${compiledAt}-${process.pid}`;
  const dir = join(tree.confDir, name);
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

  switchLink(compiledLink, name);
  // Every other database goes: the one replaced, and any a killed compile left half-made.
  for (const entry of readdirSync(tree.confDir)) {
    if (entry.startsWith("compiled-") && entry !== name) rmSync(join(tree.confDir, entry), { recursive: true, force: true });
  }
  return db;
}

/** The compiled database if it is up to date with the sources. */
function upToDate(tree: Tree): Database | undefined {
  const { sourceDir, compiledLink } = treePaths(tree);
  if (!existsSync(sourceDir)) throw new FailedError(`no service sources in ${sourceDir}: is this a goetia system?`);
  const db = readDatabase(compiledLink);
  return db && db.sourceStamp === sourceStamp(sourceDir) ? db : undefined;
}

/** The current compiled database, compiling first when the sources have changed (unless another command just did). */
export function compiled(tree: Tree): Database {
  return upToDate(tree) ?? withFileLock(treePaths(tree).databaseLock, () => upToDate(tree) ?? compileLocked(tree));
}

/** The current compiled database (compiled first if the sources changed) copied whole to target, in one hold of the lock: the copy is the database returned. */
export function copyCompiled(tree: Tree, target: string): Database {
  return withFileLock(treePaths(tree).databaseLock, () => {
    const db = upToDate(tree) ?? compileLocked(tree);
    cpSync(realpathSync(treePaths(tree).compiledLink), target, { recursive: true });
    return db;
  });
}
