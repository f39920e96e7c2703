// goetia svcdef: supervision-scripts' workflow (the second seed document),
// each step one subcommand; enable and disable also apply it to the
// running tree, the way `goetia update` and `goetia start` would.
import { defineCommand } from "citty";
import { FailedError, EXIT } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import { definitionProblems } from "../../manager/compile/definitions.ts";
import { describeServices } from "../../manager/run/status.ts";
import { openLive } from "../../manager/run/live.ts";
import { consoleReporter } from "../../manager/run/report.ts";
import { update } from "../../manager/run/update.ts";
import { describeProblem } from "../../service.ts";
import { createDefinition, installDefinition, linkEnabled, listDefinitions, switchVersion, unlinkEnabled } from "../../svcdef/layout.ts";
import { enterTree, jsonArgs, printJson, treeArgs } from "../args.ts";
import { assertMayChange, runChange } from "../run-change.ts";

const nameArg = { name: { type: "positional", description: "the definition (its folder's name)", required: true } } as const;

const create = defineCommand({
  meta: { name: "new", description: "Create a definition in the definitions folder (/etc/svcdef): run, log/ and env linked to the templates" },
  args: {
    ...treeArgs,
    ...nameArg,
    daemon: { type: "string", description: "the program to run (env/DAEMON)", required: true },
    opts: { type: "string", description: "its options (env/DAEMONOPTS)" },
    prelaunch: { type: "string", description: "chain loaders to run it through (env/PRELAUNCH): pgrphack, setuidgid USER..." },
    version: { type: "string", description: "keep the settings in version/VERSION, with env linking there" },
  },
  run({ args }) {
    const dir = createDefinition(enterTree(args), { name: args.name, daemon: args.daemon, opts: args.opts, prelaunch: args.prelaunch, version: args.version });
    log.info(`created ${dir} (goetia svcdef install ${args.name} puts it live)`);
  },
});

const version = defineCommand({
  meta: { name: "version", description: "Point a definition's env at version/VERSION, and its installed copy's, and apply it" },
  args: { ...treeArgs, ...nameArg, version: { type: "positional", description: "a folder in its version/", required: true } },
  async run({ args }) {
    const tree = enterTree(args);
    const copies = switchVersion(tree, args.name, args.version);
    log.info(`${args.name}: version ${args.version} in ${copies.join(" and ")}`);
    if (copies.length < 2) return EXIT.OK;
    assertMayChange(tree);
    return update(tree, consoleReporter);
  },
});

const install = defineCommand({
  meta: { name: "install", description: "Copy a definition to the installed folder (/etc/sv), templates included" },
  args: { ...treeArgs, ...nameArg, force: { type: "boolean", alias: "f", description: "replace an installed copy" } },
  run({ args }) {
    const tree = enterTree(args);
    const { target: dir, templates } = installDefinition(tree, args.name, { replace: args.force });
    for (const folder of templates) log.info(`${tree.installedDir}/${folder}: brought up to date from ${tree.definitionsDir}/${folder}`);
    const problems = definitionProblems(tree, args.name);
    for (const problem of problems) log.error(describeProblem(problem));
    if (problems.length > 0) throw new FailedError(`${dir} is installed, but cannot run until that is fixed`);
    log.info(`installed ${dir} (goetia svcdef enable ${args.name} runs it, now and at every boot)`);
  },
});

const enable = defineCommand({
  meta: { name: "enable", description: "Run an installed definition now and at every boot (a link in /service)" },
  args: { ...treeArgs, ...nameArg },
  async run({ args }) {
    const tree = enterTree(args);
    assertMayChange(tree);
    const problems = definitionProblems(tree, args.name);
    for (const problem of problems) log.error(describeProblem(problem));
    if (problems.length > 0) throw new FailedError(`${args.name} is not enabled`);
    if (!linkEnabled(tree, args.name)) log.info(`${args.name} was enabled already`);
    const applied = await update(tree, consoleReporter);
    return applied !== EXIT.OK ? applied : runChange(args, { direction: "up" });
  },
});

const disable = defineCommand({
  meta: { name: "disable", description: "Stop a definition and take it out of /service: it no longer runs at boot" },
  args: { ...treeArgs, ...nameArg },
  async run({ args }) {
    const tree = enterTree(args);
    assertMayChange(tree);
    const running = openLive(tree, { checkSources: false }).graph.atoms.has(args.name);
    const stopped = running ? await runChange(args, { direction: "down" }) : EXIT.OK;
    if (stopped !== EXIT.OK) return stopped;
    if (!unlinkEnabled(tree, args.name)) log.info(`${args.name} was not enabled`);
    return update(tree, consoleReporter);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "Every definition: its version, whether it is installed and enabled, and its state" },
  args: { ...treeArgs, ...jsonArgs },
  run({ args }) {
    const tree = enterTree(args);
    const live = openLive(tree);
    const definitions = listDefinitions(tree).map((definition) => {
      const known = live.graph.atoms.has(definition.name);
      return { ...definition, state: known ? describeServices(live, [definition.name])[0].state : "-" };
    });
    if (args.json) return printJson(definitions);
    const rows = [
      ["NAME", "VERSION", "INSTALLED", "ENABLED", "STATE"],
      ...definitions.map((d) => [d.name, d.version ?? "-", d.installed ? "yes" : "no", d.enabled ? "yes" : "no", d.state]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  },
});

export default defineCommand({
  meta: { name: "svcdef", description: "supervision-scripts definitions: new, version, install, enable, disable, list" },
  subCommands: { new: create, version, install, enable, disable, list },
});
