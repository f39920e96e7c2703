// Whether the sources changed: a stamp of the whole source tree, and a
// fingerprint of one service's source. Kept apart from the compiler: the
// commands that only look (status, list) check the stamp and load the
// compiler only when it must run.
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import { errnoCode, FailedError } from "../../lib/errors.ts";
import { distinctFolders, isMissing, readIfExists } from "../../lib/files.ts";
import { sourceRoots, treePaths, type Tree } from "../../lib/tree.ts";
import { readDatabase, type Database } from "../database.ts";
import { SOURCE_FILES, type Service } from "../../service.ts";

/**
 * A stamp of every entry under the source folders: path and mode, and for
 * what is not a folder its size and mtime (a folder's own size and mtime
 * differ from one file system to the next, and its entries stamp it anyway:
 * the same sources in an initramfs stamp as on the disk they were built on).
 * A folder that cannot be read stamps as such: compiling reports it.
 */
export function sourceStamp(tree: Tree): string {
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
      // A link by where it leads, as written but normalised: cpio writes ./run-sh as run-sh (and its size with it).
      else if (stat.isSymbolicLink()) hash.update(`${stat.mtimeMs}\0${normalize(readlinkSync(path))}\0`);
      else hash.update(`${stat.size}\0${stat.mtimeMs}\0`);
    }
  };
  for (const root of distinctFolders(sourceRoots(tree))) walk(root);
  return hash.digest("hex");
}

/**
 * Content hash of what defines a service: the files of its source goetia
 * reads, links followed (a definition's also the system-wide settings its
 * template loads); for a logger goetia makes, where it writes. A file of
 * the format that links to nothing is hashed as that link: it is no file.
 */
export function fingerprint(service: Service): string {
  const hash = new Bun.CryptoHasher("sha256");
  const walk = (path: string, rel: string) => {
    const stat = statSync(path);
    hash.update(`${rel}\0${stat.mode}\0`);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry), `${rel}/${entry}`);
    else if (stat.isFile()) hash.update(readFileSync(path));
  };
  hash.update(`${service.producerFor ?? ""}\0${service.stderrToo ?? false}\0`); // the plumbing goetia puts around it
  const made = service.made;
  if (made?.from === "logger") hash.update(`logger\0${made.logDir}`);
  else if (made?.from === "unit") {
    // What it was made from, and what was made: a unit's files, and how goetia converts them.
    for (const source of made.sources) hash.update(`${source}\0${readIfExists(source) ?? "\0missing"}\0`);
    hash.update(JSON.stringify(made));
  }
  else {
    for (const file of readdirSync(service.dir).sort()) {
      if (!SOURCE_FILES.has(file)) continue;
      const path = join(service.dir, file);
      if (existsSync(path)) walk(path, file);
      else hash.update(`${file}\0-> ${readlinkSync(path)}\0`);
    }
  }
  if (made?.from === "definition" && existsSync(made.sharedEnv)) walk(made.sharedEnv, "..env");
  return hash.digest("hex");
}

/**
 * The compiled database in use: the one a compile left in the run directory,
 * where confDir could not be written (a read-only root), else confDir's.
 */
export function compiledLinkOf(tree: Tree): string {
  const { compiledLink, runCompiledLink } = treePaths(tree);
  return existsSync(runCompiledLink) ? runCompiledLink : compiledLink;
}

/** The compiled database if it is up to date with the sources. */
export function upToDate(tree: Tree): Database | undefined {
  const { sourceDir } = treePaths(tree);
  if (!existsSync(sourceDir)) throw new FailedError(`no service sources in ${sourceDir}: is this a goetia system?`);
  const db = readDatabase(compiledLinkOf(tree));
  return db && db.sourceStamp === sourceStamp(tree) ? db : undefined;
}
