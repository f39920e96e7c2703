// supervision-scripts definitions (the second seed document, and the tree
// it grew into): a folder per daemon in the installed folder (/etc/sv),
// whose run links to a shared template in a hidden folder beside it
// (.bin/run, .run/run, .run/run-getty...), with its settings in env/ (often
// a link into a version/ folder) over the system-wide .env, and an optional
// log/ whose run links to a logging template. Each is a longrun; its log/
// is its logger, NAME-log. What else a definition holds (marker files such
// as untested or broken, needs/, a daemon's own configuration) is its
// templates' business, not goetia's. The links in the enabled folder
// (/service), where there is one, make the bundle `enabled`, which the boot
// bundle holds.
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { errorText } from "../../lib/errors.ts";
import { isFolder, isMissing } from "../../lib/files.ts";
import type { Tree } from "../../lib/tree.ts";
import { loggerName, newService, type Problem, type Service, type SourceSet } from "../../service.ts";
import { checkScript, linkTarget, readService, SourceFiles } from "./source.ts";

/** The bundle of every enabled definition (any service, in fact, whose name is linked in the enabled folder). */
export const ENABLED_BUNDLE = "enabled";

/**
 * Adds every installed definition that is goetia's, with its log/, and the
 * enabled bundle, to the sources. A definition is goetia's when `svcdef
 * install` put it there (its source is in the definitions' folder) or the
 * enabled folder links it: on Debian, /etc/sv is also runit's, whose
 * packages' definitions (openssh-server's /etc/sv/ssh) need runit's own
 * programs.
 */
export function loadDefinitions(tree: Tree, set: SourceSet): void {
  const { installedDir, enabledDir, definitionsDir } = tree;
  for (const name of visibleEntries(installedDir, set, "definitions")) {
    const dir = join(installedDir, name);
    if (!isFolder(dir)) continue; // a stray file among the definitions is none of goetia's business
    if (!existsSync(join(definitionsDir, name)) && linkTarget(join(enabledDir, name)) === undefined) continue;
    const problem = (file: string, message: string) => set.problems.push({ service: name, file: join(dir, file), message });
    const clash = [name, loggerName(name)].find((taken) => set.services.has(taken));
    if (clash !== undefined) {
      problem("", `not installed as a service: ${clash} is already defined in ${set.services.get(clash)!.dir}`);
      continue;
    }
    const definition = readDefinition(tree, name, problem);
    if (!definition) {
      set.broken.add(name);
      continue;
    }
    for (const service of definition) set.services.set(service.name, service);
  }
  if (!existsSync(enabledDir)) return;
  const enabled = visibleEntries(enabledDir, set, "enabled services");
  if (set.services.has(ENABLED_BUNDLE)) {
    if (enabled.length > 0) {
      const message = `not made: a service named ${ENABLED_BUNDLE} is defined in ${set.services.get(ENABLED_BUNDLE)!.dir}, so ${enabled.join(", ")} start only when named`;
      set.problems.push({ service: ENABLED_BUNDLE, file: enabledDir, message });
    }
    return;
  }
  set.services.set(ENABLED_BUNDLE, newService(ENABLED_BUNDLE, "bundle", enabledDir, { contents: enabled, origins: Object.fromEntries(enabled.map((name) => [name, name])) }));
}

/** What is wrong with the installed definition NAME, as compiling would say it; none when it would run. */
export function definitionProblems(tree: Tree, name: string): Problem[] {
  const problems: Problem[] = [];
  const dir = join(tree.installedDir, name);
  if (!isFolder(dir)) return [{ service: name, file: dir, message: "not installed (goetia svcdef install NAME)" }];
  readDefinition(tree, name, (file, message) => problems.push({ service: name, file: join(dir, file), message }));
  return problems;
}

/** The definition in dir as a longrun, with its log/ as a second one; undefined (told) when broken. */
function readDefinition(tree: Tree, name: string, problem: (file: string, message: string) => void): Service[] | undefined {
  const { installedDir, logDir: logRoot } = tree;
  const dir = join(installedDir, name);
  let broken = false;
  const fail = (file: string, message: string) => {
    broken = true;
    problem(file, message);
  };
  const sharedEnv = join(installedDir, ".env");
  const service = readService(name, dir, fail, "longrun");
  if (!service || broken) return undefined;
  service.made = { from: "definition", sharedEnv };
  const template = templateOf(join(dir, "run"), installedDir);
  if (template !== undefined) checkSettings(dir, template, fail);

  const logDir = join(dir, "log");
  if (!isFolder(logDir)) return broken ? undefined : [service];
  const files = new SourceFiles(logDir, (file, message) => fail(`log/${file}`, message));
  checkScript(files, "run");
  checkScript(files, "finish");
  if (broken) return undefined;
  const logger = newService(loggerName(name), "longrun", logDir, { consumerFor: [name], made: { from: "definition", sharedEnv, logRoot } });
  service.producerFor = logger.name;
  service.stderrToo = true;
  return [service, logger];
}

/**
 * The settings each template starts its daemon with, by the name a
 * definition's run links to: the run template ($PRELAUNCH $DAEMON
 * $DAEMONOPTS) and the getty one ($GETTY $GETTYOPTS $TTY). A template not
 * named here is run as it is.
 */
const TEMPLATE_SETTINGS: Record<string, string[]> = { run: ["DAEMON"], "run-getty": ["GETTY", "TTY"] };

/** The template run leads to, by the name its link gives (run, run-getty...), where it leads into a hidden folder beside the definitions. */
function templateOf(run: string, installedDir: string): string | undefined {
  const link = linkTarget(run);
  try {
    return link !== undefined && realpathSync(run).startsWith(`${realpathSync(installedDir)}${sep}.`) ? basename(link) : undefined;
  } catch {
    return undefined; // a dangling run is told by checkScript
  }
}

/** The template starts what env/ (through its links to a version) names: each setting it needs must be there. */
function checkSettings(dir: string, template: string, fail: (file: string, message: string) => void): void {
  const needed = TEMPLATE_SETTINGS[template] ?? [];
  if (needed.length === 0) return;
  const env = join(dir, "env");
  const link = linkTarget(env);
  if (!isFolder(env)) {
    if (link === undefined) return fail("env", `missing: the ${template} template reads ${needed.join(" and ")} there`);
    const why = existsSync(env) ? "is not a folder" : `does not exist${leadsNowhere(dir, env)}`;
    return fail("env", `links to ${link}, which ${why}: the ${template} template reads ${needed.join(" and ")} there`);
  }
  const settings = new SourceFiles(env, fail);
  for (const setting of needed) {
    const where = link === undefined ? `env/${setting}` : `env/${setting} (env -> ${link})`;
    if (settings.line(setting) === undefined) fail(where, `missing or empty: the ${template} template starts what this file names`);
  }
}

/**
 * Where the way to path, which does not exist, breaks: the innermost link
 * on it that leads nowhere (data -> ../named/data, a definition sharing
 * another's settings, that one not installed; data/version/current ->
 * ./9.9), told relative to dir; nothing when no link is to blame.
 */
function leadsNowhere(dir: string, path: string): string {
  const broken = (at: string): string | undefined => {
    let walked: string = sep;
    for (const part of at.split(sep).filter(Boolean)) {
      const next = join(walked, part);
      if (existsSync(next)) {
        walked = next;
        continue;
      }
      const link = linkTarget(next);
      return link === undefined ? undefined : (broken(resolve(walked, link)) ?? `${relative(dir, next)} -> ${link}`);
    }
    return undefined;
  };
  const link = broken(path);
  return link === undefined ? "" : ` (${link} leads nowhere)`;
}

/** The visible entries of a folder, sorted; none when it does not exist (an unreadable one is a problem). */
function visibleEntries(dir: string, set: SourceSet, what: string): string[] {
  try {
    return readdirSync(dir)
      .filter((entry) => !entry.startsWith("."))
      .sort();
  } catch (error) {
    if (!isMissing(error)) set.problems.push({ service: what, file: dir, message: `cannot be read: ${errorText(error)}` });
    return [];
  }
}

