// The systemd units a machine has enabled, made goetia services. Units are
// found as systemd finds them (systemd.unit(5), "UNIT FILE LOAD PATH"): the
// first of the unit folders that holds NAME wins (/etc over /run over
// /lib), a link to /dev/null masks it, an instance falls back on its
// template, and the drop-ins NAME.d/*.conf of every folder apply in the
// order of their names, the first folder's winning a name they share.
//
// What is enabled is what the boot's target wants: from default.target,
// each target's .wants/ and .requires/ folders and its own Wants= and
// Requires=, down through the targets it wants. A goetia service stands
// for a unit when it has the unit's name (ssh for ssh.service, getty@ for
// getty@tty1.service) or names it in its systemd-units file; a target it
// stands for is not looked into. What those services need is converted
// too. All of them make the bundle `units`, which the boot bundle holds.
// A socket unit met (enabled in sockets.target, or named) is passed to the
// service it starts, which it makes enabled (systemd/sockets.ts).
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { distinctFolders, isFolder } from "../lib/files.ts";
import { badNameReason } from "../lib/names.ts";
import { newService, type Service, type SourceSet } from "../service.ts";
import { convertService, type Conversion } from "./convert.ts";
import { activatedService, PER_CONNECTION } from "./sockets.ts";
import { serviceName, unitName } from "./specifiers.ts";
import { Unit } from "./unit.ts";

/** The bundle of every enabled unit's service. */
export const UNITS_BUNDLE = "units";

/** Where the boot starts looking: the target default.target is, or leads to. */
const DEFAULT_TARGET = "default.target";

/** The target that wants the enabled sockets. */
const SOCKETS_TARGET = "sockets.target";

export interface UnitReport {
  /** Each unit met, in the order met: what it became (a conversion), or which goetia service stands for it, or why it is not looked at. */
  units: { unit: string; became: string; conversion?: Conversion }[];
}

interface Found {
  file: string;
  dropIns: string[];
}

/** The unit folders as one load path. */
export class UnitPath {
  constructor(readonly dirs: string[]) {}

  /** NAME's file and drop-ins; "masked" for a link to /dev/null; undefined when no folder has it. */
  find(name: string): Found | "masked" | undefined {
    const { prefix, instance } = unitName(name);
    const type = name.slice(name.lastIndexOf("."));
    const candidates = instance === undefined ? [name] : [name, `${prefix}@${type}`];
    for (const candidate of candidates) {
      for (const dir of this.dirs) {
        const path = join(dir, candidate);
        const link = linkOf(path);
        if (link === "/dev/null") return "masked";
        if (!isFile(path)) continue;
        const dropInFolders = [...new Set([name, candidate])].map((stem) => `${stem}.d`);
        return { file: path, dropIns: this.dropIns(dropInFolders) };
      }
    }
    return undefined;
  }

  /** Every NAME in the folders named `folder` (a target's .wants/), each once. */
  entries(folder: string): string[] {
    const names = new Set<string>();
    for (const dir of this.dirs) for (const entry of listing(join(dir, folder))) names.add(entry);
    return [...names].sort();
  }

  /** The real name a unit is known by: an alias is a link to the unit's own file. */
  canonical(name: string): string {
    for (const dir of this.dirs) {
      const link = linkOf(join(dir, name));
      if (link !== undefined && link !== "/dev/null") return basename(resolve(dir, link));
      if (isFile(join(dir, name))) return name;
    }
    return name;
  }

  private dropIns(folders: string[]): string[] {
    const chosen = new Map<string, string>();
    for (const dir of this.dirs) {
      for (const folder of folders) {
        for (const entry of listing(join(dir, folder))) if (entry.endsWith(".conf") && !chosen.has(entry)) chosen.set(entry, join(dir, folder, entry));
      }
    }
    return [...chosen.keys()].sort().map((entry) => chosen.get(entry)!);
  }
}

/** Loads the unit whose files were found, as its name says (an instance told its instance); undefined when a file cannot be read. */
function loadUnit(name: string, found: Found): Unit | undefined {
  try {
    return new Unit(unitName(name), [found.file, ...found.dropIns].map((path) => ({ path, text: readFileSync(path, "utf8") })));
  } catch {
    return undefined;
  }
}

/**
 * Adds the enabled units' services, and the bundle `units`, to the sources.
 * A goetia service with the same name wins; so does one that names the
 * unit in its systemd-units file.
 */
export function loadUnits(dirs: string[], set: SourceSet): UnitReport {
  const report: UnitReport = { units: [] };
  const path = new UnitPath(distinctFolders(dirs.filter(isFolder)));
  // No systemd here: nothing to read, and the bundle only where a bundle names it (the Debian set's default does).
  if (path.dirs.length === 0) {
    if ([...set.services.values()].some((service) => service.contents.includes(UNITS_BUNDLE))) addBundle(set, dirs[0] ?? "", []);
    return report;
  }
  const standsFor = new Map<string, string>();
  for (const service of set.services.values()) for (const unit of service.systemdUnits ?? []) standsFor.set(unit, service.name);
  const goetiaFor = (unit: string): string | undefined => {
    const claimed = standsFor.get(unit);
    if (claimed !== undefined) return claimed;
    if (!unit.endsWith(".service")) return undefined;
    const name = serviceName(unit);
    const { prefix, instance } = unitName(unit);
    return set.services.has(name) || (instance !== undefined && set.services.has(`${prefix}@`)) ? name : undefined;
  };

  const met = new Map<string, string[]>(); // each unit met, and the goetia names it stands as
  const pending: string[] = [];
  const sockets = new SocketUnits(path);
  /** A unit as named (an alias, maybe): its own name, the goetia service that stands for it if any, and the names it stands as (a service unit not stood for: the one it will be made). A socket unit no goetia service stands for stands as the service it starts. */
  const standing = (name: string): { unit: string; goetia?: string; names: string[] } => {
    const unit = path.canonical(name);
    const goetia = goetiaFor(unit) ?? goetiaFor(name);
    const activated = goetia === undefined && unit.endsWith(".socket") ? sockets.activates(unit) : undefined;
    if (activated !== undefined) return standing(activated);
    return { unit, goetia, names: goetia !== undefined ? [goetia] : unit.endsWith(".service") ? [serviceName(unit)] : [] };
  };
  /** Meets a unit: stood for, or to be converted (a dependency on one that is not made goes, below). */
  const visit = (name: string): string[] => {
    const { unit, goetia, names } = standing(name);
    const known = met.get(unit);
    if (known !== undefined) return known;
    if (goetia !== undefined) report.units.push({ unit, became: `${goetia} (goetia's own)` });
    else pending.push(unit);
    met.set(unit, names);
    return names;
  };

  const enabled: string[] = [];
  const targetsSeen = new Set<string>();
  const walkTarget = (target: string) => {
    const canonical = path.canonical(target);
    if (targetsSeen.has(canonical)) return;
    targetsSeen.add(canonical);
    if (goetiaFor(canonical) !== undefined) return void enabled.push(canonical);
    const found = path.find(canonical);
    const wanted = [...path.entries(`${canonical}.wants`), ...path.entries(`${canonical}.requires`)];
    if (found !== undefined && found !== "masked") {
      const unit = loadUnit(canonical, found);
      if (unit !== undefined) for (const key of ["Wants", "Requires"]) wanted.push(...unit.list("Unit", key).map(({ value }) => value));
    }
    for (const name of wanted) {
      if (name.endsWith(".target")) walkTarget(name);
      else enabled.push(name);
    }
  };
  walkTarget(DEFAULT_TARGET);
  // Enabled sockets, wherever the boot's targets lead: goetia cannot start a service at its socket's first connection, so it starts it with the boot.
  walkTarget(SOCKETS_TARGET);

  // A target no goetia service stands for orders nothing: its wants were walked above. A unit the
  // machine does not have is passed over (After= names many that may or may not be installed), as
  // systemd passes over a Wants= of one. What a unit names is met only once the unit is made.
  const has = (name: string) => {
    const { unit, goetia } = standing(name);
    return goetia !== undefined || path.find(unit) !== undefined;
  };
  let named: string[] = [];
  const resolveName = (name: string): string[] => {
    const { unit, goetia, names } = standing(name);
    if (goetia === undefined && (name.endsWith(".target") || path.find(unit) === undefined)) return [];
    named.push(name);
    return met.get(unit) ?? names;
  };
  for (const name of enabled) if (has(name)) visit(name);
  const made: Conversion[] = [];
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    named = [];
    const became = convert(name, path, resolveName, set, sockets);
    report.units.push(became);
    if (became.conversion?.service === undefined) {
      met.set(name, []);
      continue;
    }
    made.push(became.conversion);
    for (const socket of became.conversion.sockets ?? []) report.units.push({ unit: socket, became: `${became.conversion.service.name}'s sockets, made as it starts` });
    for (const dependency of named) visit(dependency);
  }
  honourAdminsChoice(set, path, new Set(enabled.map((name) => path.canonical(name))), report);
  // A dependency on a unit that was not made (or a service the admin masked) cannot be had: it goes, and is told.
  for (const conversion of made) {
    const service = conversion.service!;
    for (const dependency of service.dependencies.filter((name) => !set.services.has(name))) conversion.ignored.push(`dependency ${dependency}: not made (goetia units says why)`);
    service.dependencies = service.dependencies.filter((name) => set.services.has(name));
  }

  const contents = [...new Set(enabled.flatMap((name) => met.get(standing(name).unit) ?? []))].filter((name) => set.services.has(name)).sort();
  addBundle(set, path.dirs[0], contents);
  return report;
}

/**
 * What the admin said of the units goetia's own services stand for
 * (systemctl disable, mask): a service whose units are all enable-able and
 * none enabled leaves every bundle (a boot brings it up no more; goetia
 * start still does, and what needs it still pulls it in, as systemd
 * starts a disabled unit another requires); one whose unit is masked is
 * left out altogether.
 */
function honourAdminsChoice(set: SourceSet, path: UnitPath, enabled: Set<string>, report: UnitReport): void {
  for (const service of [...set.services.values()]) {
    if (service.type === "bundle" || service.name.endsWith("@")) continue;
    const units = (service.systemdUnits ?? [`${service.name}.service`]).filter((unit) => unit.endsWith(".service")).map((unit) => ({ unit, found: path.find(unit) }));
    const masked = units.find(({ found }) => found === "masked");
    if (masked !== undefined) {
      set.services.delete(service.name);
      report.units.push({ unit: masked.unit, became: `masked (a link to /dev/null): ${service.name}, goetia's own, left out` });
      continue;
    }
    const installed = units.flatMap(({ unit, found }) => (found === undefined || found === "masked" ? [] : [{ unit, found }]));
    if (installed.length === 0 || installed.some(({ unit }) => enabled.has(unit)) || !installed.every(({ unit, found }) => isEnableable(unit, found))) continue;
    for (const bundle of set.services.values()) if (bundle.type === "bundle") bundle.contents = bundle.contents.filter((name) => name !== service.name);
    report.units.push({ unit: installed[0].unit, became: `disabled: ${service.name}, goetia's own, is in no bundle (goetia start ${service.name} starts it)` });
  }
}

/** Whether a unit (found where its files are) can be enabled (its [Install] says what wants it), rather than static. */
function isEnableable(name: string, found: Found): boolean {
  const unit = loadUnit(name, found);
  return unit !== undefined && ["WantedBy", "RequiredBy"].some((key) => unit.list("Install", key).length > 0);
}

/** The bundle units, unless a service of that name is defined already. */
function addBundle(set: SourceSet, dir: string, contents: string[]): void {
  if (set.services.has(UNITS_BUNDLE)) return;
  set.services.set(UNITS_BUNDLE, newService(UNITS_BUNDLE, "bundle", dir, { contents, origins: Object.fromEntries(contents.map((name) => [name, DEFAULT_TARGET])) }));
}

/**
 * The socket units met, each loaded once: the service each starts, and the
 * sockets each service is given (those that start it, among the units met
 * and the ones its own unit names).
 */
class SocketUnits {
  private readonly services = new Map<string, string | undefined>();
  private readonly given = new Map<string, Set<string>>();

  constructor(private readonly path: UnitPath) {}

  /** The service unit socket starts; undefined when it has none goetia can run (no file, masked, Accept=yes). */
  activates(socket: string): string | undefined {
    if (!this.services.has(socket)) {
      const unit = this.load(socket);
      const service = unit === undefined || unit.boolean("Socket", "Accept") === true ? undefined : this.path.canonical(activatedService(unit));
      this.services.set(socket, service);
      if (service !== undefined) this.given.set(service, (this.given.get(service) ?? new Set()).add(socket));
    }
    return this.services.get(socket);
  }

  /** The socket units of service (whose unit is unit), loaded anew for its conversion. */
  forService(service: string, unit: Unit): Unit[] {
    const naming = [["Service", "Sockets"], ["Unit", "Requires"], ["Unit", "Wants"], ["Unit", "BindsTo"]] as const;
    for (const [section, key] of naming) for (const { value } of unit.list(section, key)) if (value.endsWith(".socket")) this.activates(this.path.canonical(value));
    return [...(this.given.get(service) ?? [])].sort().flatMap((socket) => this.load(socket) ?? []);
  }

  /** Why a socket unit met starts no service (activates said none). */
  whyNot(socket: string): string {
    if (this.load(socket) !== undefined) return PER_CONNECTION;
    return this.path.find(socket) === "masked" ? "masked (a link to /dev/null)" : "no unit file by that name, or one that cannot be read";
  }

  private load(socket: string): Unit | undefined {
    const found = this.path.find(socket);
    return found === undefined || found === "masked" ? undefined : loadUnit(socket, found);
  }
}

/** One unit met: converted into the sources, or why not. */
function convert(name: string, path: UnitPath, resolve: (unit: string) => string[], set: SourceSet, sockets: SocketUnits): { unit: string; became: string; conversion?: Conversion } {
  if (name.endsWith(".socket")) return { unit: name, became: `not made: ${sockets.whyNot(name)}` };
  if (!name.endsWith(".service")) return { unit: name, became: `not made: a .${name.split(".").pop()} unit is not something goetia runs` };
  const found = path.find(name);
  if (found === undefined) return { unit: name, became: "not made: no unit file by that name" };
  if (found === "masked") return { unit: name, became: "not made: masked (a link to /dev/null)" };
  const unit = loadUnit(name, found);
  if (unit === undefined) return { unit: name, became: `not made: ${found.file} or a drop-in of it cannot be read` };
  const conversion = convertService(unit, found.file, resolve, sockets.forService(name, unit));
  if (conversion.service === undefined) return { unit: name, became: `not made: ${conversion.leftOut}`, conversion };
  const service: Service = conversion.service;
  const bad = badNameReason(service.name);
  if (bad) return { unit: name, became: `not made: ${bad}`, conversion: { ...conversion, service: undefined, leftOut: bad } };
  set.services.set(service.name, service);
  return { unit: name, became: `${service.name} (${service.type})`, conversion };
}

function linkOf(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
