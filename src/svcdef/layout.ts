// The supervision-scripts workflow on disk, as the second seed document
// walks it: a definition made in the definitions folder (/etc/svcdef), its
// settings versioned (env -> ./version/V), copied to the installed folder
// (/etc/sv) and linked into the enabled one (/service). Every change is made
// aside and renamed into place: a refused or failed step leaves nothing
// half-made.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { FailedError, UsageError } from "../lib/errors.ts";
import { isFolder, switchLink } from "../lib/files.ts";
import { treePaths, type Tree } from "../lib/tree.ts";
import { loggerName } from "../service.ts";
import { badNameReason } from "../lib/names.ts";

/** Where a new definition's run links: the seed document's template, else the published tree's. */
const RUN_TEMPLATES = [".bin/run", ".run/run"];

/** What a new definition's links need besides a run template: the system-wide settings, the logging template. */
const NEEDED_TEMPLATES = [".env", ".log/run"];

/** goetia's own work in progress beside the definitions: .NAME.new-PID, .NAME.old-PID. */
const DRAFT = /\.(new|old)-\d+$/;

export interface NewDefinition {
  name: string;
  daemon: string;
  opts?: string;
  prelaunch?: string;
  /** Settings in version/VERSION with env linking there; absent, env/ is a folder. */
  version?: string;
}

export interface DefinitionInfo {
  name: string;
  /** The version env links to (the installed copy's, when installed); undefined when env is a plain folder. */
  version?: string;
  installed: boolean;
  enabled: boolean;
}

/** Creates the definition in the definitions folder, links and log/ included. */
export function createDefinition(tree: Tree, definition: NewDefinition): string {
  const { name, version } = definition;
  assertName(name);
  const target = join(tree.definitionsDir, name);
  if (exists(target)) throw new FailedError(`${target} already exists`);
  for (const taken of [name, loggerName(name)]) {
    const source = sourceDefining(tree, taken);
    if (source !== undefined) throw new FailedError(`a service named ${taken} is already defined in ${source}`);
  }
  const runTemplate = RUN_TEMPLATES.find((template) => existsSync(join(tree.definitionsDir, template)));
  if (runTemplate === undefined) throw new FailedError(`no run template in ${tree.definitionsDir}: neither ${RUN_TEMPLATES.join(" nor ")} is there`);
  for (const template of NEEDED_TEMPLATES) {
    if (!existsSync(join(tree.definitionsDir, template))) throw new FailedError(`no templates in ${tree.definitionsDir}: ${template} is missing`);
  }
  if (version !== undefined) assertName(version, "version");
  if (definition.daemon.trim() === "") throw new UsageError("--daemon: the daemon to run may not be empty");

  const draft = join(tree.definitionsDir, `.${name}.new-${process.pid}`);
  try {
    mkdirSync(join(draft, "log"), { recursive: true });
    symlinkSync(`../${runTemplate}`, join(draft, "run"));
    symlinkSync("../../.log/run", join(draft, "log", "run"));
    const settings = version === undefined ? join(draft, "env") : join(draft, "version", version);
    mkdirSync(settings, { recursive: true });
    if (version !== undefined) symlinkSync(`./version/${version}`, join(draft, "env"));
    writeFileSync(join(settings, "DAEMON"), `${definition.daemon}\n`);
    if (definition.opts !== undefined) writeFileSync(join(settings, "DAEMONOPTS"), `${definition.opts}\n`);
    if (definition.prelaunch !== undefined) writeFileSync(join(settings, "PRELAUNCH"), `${definition.prelaunch}\n`);
    renameSync(draft, target);
  } finally {
    rmSync(draft, { recursive: true, force: true });
  }
  return target;
}

/** Points the definition's version link at VERSION, in the definition and in its installed copy; returns the copies switched. */
export function switchVersion(tree: Tree, name: string, version: string): string[] {
  const copies = [join(tree.definitionsDir, name), join(tree.installedDir, name)].filter(exists);
  if (copies.length === 0) throw new UsageError(`no definition named ${name} in ${tree.definitionsDir} or ${tree.installedDir}`);
  // Every copy is checked before any is switched.
  const links = copies.map((dir) => {
    const link = versionLink(dir);
    if (!link) throw new FailedError(`${join(dir, "env")} is not a link to a version (env -> ./version/V): move its files into version/ first`);
    if (!link.versions.includes(version)) {
      const known = link.versions.length > 0 ? `it has ${link.versions.join(", ")}` : "it has none";
      throw new FailedError(`${name} has no version ${version} in ${link.versionsDir}: ${known}`);
    }
    return link;
  });
  for (const link of links) switchLink(link.path, link.target(version));
  return copies;
}

/**
 * The link that picks a definition's version: env itself (env ->
 * ./version/0.9), or the link env leads to (env -> data/version/current,
 * current -> ./3.1.13), with the versions beside its target; none when env
 * is a plain folder.
 */
function versionLink(dir: string) {
  const env = join(dir, "env");
  const first = linkAt(env);
  if (first === undefined) return undefined;
  const inner = linkAt(resolve(dir, first));
  const path = inner === undefined ? env : resolve(dir, first);
  const chosen = resolve(dirname(path), inner ?? first);
  const versionsDir = dirname(chosen);
  return {
    path,
    versionsDir,
    current: basename(chosen),
    versions: subfolders(versionsDir),
    target: (version: string) => `./${relative(dirname(path), join(versionsDir, version))}`,
  };
}

function linkAt(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined; // not a link, or nothing there
  }
}

/**
 * Copies the definition to the installed folder, with every hidden folder
 * beside it (the templates, the shims, the settings: whatever its links
 * reach), each replaced where the installed copy differs, as the
 * definition is; replace: over an installed copy of the definition.
 * Returns where it went and the hidden folders brought up to date.
 */
export function installDefinition(tree: Tree, name: string, { replace = false } = {}): { target: string; templates: string[] } {
  assertName(name);
  const source = join(tree.definitionsDir, name);
  const target = join(tree.installedDir, name);
  if (!exists(source)) throw new UsageError(`no definition named ${name} in ${tree.definitionsDir}`);
  if (exists(target) && !replace) throw new FailedError(`${target} is already installed (--force replaces it)`);
  mkdirSync(tree.installedDir, { recursive: true });
  const templates = hiddenFolders(tree.definitionsDir).filter((folder) => !sameTree(join(tree.definitionsDir, folder), join(tree.installedDir, folder)));
  for (const folder of templates) copyInPlace(join(tree.definitionsDir, folder), join(tree.installedDir, folder));
  copyInPlace(source, target);
  return { target, templates };
}

/** Copies source over target (links as they are): made aside, then renamed into place. */
function copyInPlace(source: string, target: string): void {
  const draft = join(dirname(target), `.${basename(target)}.new-${process.pid}`);
  const old = join(dirname(target), `.${basename(target)}.old-${process.pid}`);
  try {
    cpSync(source, draft, { recursive: true, verbatimSymlinks: true });
    if (exists(target)) renameSync(target, old);
    renameSync(draft, target);
  } finally {
    rmSync(draft, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** The hidden folders in dir (links to folders too), goetia's drafts apart. */
function hiddenFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((entry) => entry.startsWith(".") && !DRAFT.test(entry) && isFolder(join(dir, entry)))
    .sort();
}

/** Whether two trees hold the same entries: the same kinds, modes, links and bytes. */
function sameTree(a: string, b: string): boolean {
  const [left, right] = [lstatSync(a, { throwIfNoEntry: false }), lstatSync(b, { throwIfNoEntry: false })];
  if (!left || !right || left.mode !== right.mode) return false;
  if (left.isSymbolicLink()) return readlinkSync(a) === readlinkSync(b);
  if (left.isFile()) return left.size === right.size && readFileSync(a).equals(readFileSync(b));
  if (!left.isDirectory()) return true;
  const entries = readdirSync(a).sort();
  const others = readdirSync(b).sort();
  return entries.length === others.length && entries.every((entry, i) => entry === others[i] && sameTree(join(a, entry), join(b, entry)));
}

/** Links the installed definition into the enabled folder (what `ln -s /etc/sv/NAME /service` does); false when it already was. */
export function linkEnabled(tree: Tree, name: string): boolean {
  const link = join(tree.enabledDir, name);
  const target = join(tree.installedDir, name);
  if (exists(link)) {
    if (sameFile(link, target)) return false;
    throw new FailedError(`${link} already exists and is not a link to ${target}`);
  }
  mkdirSync(tree.enabledDir, { recursive: true });
  symlinkSync(target, link);
  return true;
}

/** Takes the definition's link out of the enabled folder; false when there was none. */
export function unlinkEnabled(tree: Tree, name: string): boolean {
  const link = join(tree.enabledDir, name);
  if (!exists(link)) return false;
  rmSync(link);
  return true;
}

/** Every definition, made or installed, sorted. */
export function listDefinitions(tree: Tree): DefinitionInfo[] {
  const names = new Set([...visibleFolders(tree.definitionsDir), ...visibleFolders(tree.installedDir)]);
  return [...names].sort().map((name) => {
    const installed = exists(join(tree.installedDir, name));
    return {
      name,
      version: versionLink(join(installed ? tree.installedDir : tree.definitionsDir, name))?.current,
      installed,
      enabled: exists(join(tree.enabledDir, name)),
    };
  });
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return []; // no such folder: no versions
  }
}

function visibleFolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => !entry.name.startsWith(".") && (entry.isDirectory() || entry.isSymbolicLink()))
      .map((entry) => entry.name);
  } catch {
    return []; // no such folder yet: nothing defined there
  }
}

/** The source folder (src/NAME or src/CATEGORY/NAME) that defines a service of this name, if any. */
function sourceDefining(tree: Tree, name: string): string | undefined {
  const { sourceDir } = treePaths(tree);
  const candidates = [join(sourceDir, name), ...visibleFolders(sourceDir).map((category) => join(sourceDir, category, name))];
  return candidates.find(exists);
}

/** Whether both paths lead, through their links, to the same folder. */
function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // one of them leads nowhere
  }
}

/** Whether anything is at path, a dangling link included. */
function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

function assertName(name: string, what = "name"): void {
  const reason = badNameReason(name);
  if (reason) throw new UsageError(`bad ${what} "${name}": ${reason}`);
}
