// goetia analyze [time | blame | critical-chain [NAME] | boots]: where a
// boot's time went, from its record (manager/analyze/boot.ts).
import { defineCommand } from "citty";
import { bootsOnRecord } from "../../boot/saved-records.ts";
import { FailedError } from "../../lib/errors.ts";
import { blame, bootParts, bootServices, criticalChain, took, wayDownParts, type ServiceBoot } from "../../manager/analyze/boot.ts";
import { BUNDLE_MARK } from "../../manager/events.ts";
import { resolveNames } from "../../manager/graph.ts";
import { bootArgs, chosenBoot } from "../boot-record.ts";
import { jsonArgs, printJson, treeArgs } from "../args.ts";
import { openTree } from "../open-tree.ts";

const args = { ...treeArgs, ...bootArgs, ...jsonArgs };

const opened = (args: { tree?: string }) => openTree(args, { checkSources: false });

const ms = (value: number) => `${Math.round(value)} ms`;

/** A service's way up in a word or two, when it did not simply come up. */
const outcomeText = (s: ServiceBoot) => (s.outcome === "up" ? "" : ` (${s.outcome}${s.reason ? `: ${s.reason}` : ""})`);

const time = defineCommand({
  meta: { name: "time", description: "Where the boot's time went: the kernel, stage 1, the services, to the bundle up (the default)" },
  args,
  run({ args }) {
    const live = opened(args);
    const boot = chosenBoot(live, args.boot);
    const parts = bootParts(boot.marks);
    if (!parts) throw new FailedError(`the boot has not brought its bundle up yet (no ${BUNDLE_MARK.up} in ${boot.file})`);
    const down = wayDownParts(boot.marks);
    if (args.json) return printJson({ ...parts, bundle: boot.bundle, record: boot.file, wayDown: down ?? null });
    const width = Math.max(...[...parts.parts, ...(down?.parts ?? [])].map((part) => part.what.length));
    const row = (what: string, value: number) => console.log(`${what.padEnd(width)}  ${ms(value).padStart(9)}`);
    for (const part of parts.parts) row(part.what, part.ms);
    row(`bundle ${boot.bundle} ${parts.up ? "up" : "not fully up"}`, parts.totalMs);
    if (!down) return;
    console.log("");
    for (const part of down.parts) row(part.what, part.ms);
    row("the way down", down.totalMs);
  },
});

const blameCommand = defineCommand({
  meta: { name: "blame", description: "The boot's services by the time each took to be ready (or to fail), slowest first" },
  args,
  run({ args }) {
    const rows = blame(bootServices(chosenBoot(opened(args), args.boot).marks));
    if (args.json) return printJson(rows.map((s) => ({ ...s, tookMs: took(s) })));
    for (const s of rows) console.log(`${ms(took(s)).padStart(9)}  ${s.name}${outcomeText(s)}`);
  },
});

const chainCommand = defineCommand({
  meta: { name: "critical-chain", description: "The chain of dependencies that decided when NAME (default: the boot's bundle) was up, each with its start and time" },
  args: { ...args, name: { type: "positional", description: "a service or bundle", required: false } },
  run({ args }) {
    const live = opened(args);
    const boot = chosenBoot(live, args.boot);
    const target = args.name ?? boot.bundle;
    const chain = criticalChain(live.graph, bootServices(boot.marks), resolveNames(live.graph, [target]));
    if (args.json) return printJson({ target, chain });
    console.log(`${target} @${ms(chain[0]?.endMs ?? 0)}`);
    chain.forEach((s, depth) => console.log(`${"  ".repeat(depth)}└─${s.name} @${ms(s.startMs ?? s.endMs)} +${ms(took(s))}${outcomeText(s)}`));
  },
});

const bootsCommand = defineCommand({
  meta: { name: "boots", description: "The boots on record, oldest first, each with its number for --boot" },
  args,
  run({ args }) {
    const rows = bootsOnRecord(opened(args).tree);
    if (args.json) return printJson(rows);
    for (const row of rows) console.log(`${String(row.boot).padStart(4)}  ${row.name ?? "(this boot, unnamed)"}  ${row.file}`);
  },
});

export default defineCommand({
  meta: { name: "analyze", description: "Where a boot's time went: time (the default), blame, critical-chain, boots" },
  args,
  default: "time",
  subCommands: { time, blame: blameCommand, "critical-chain": chainCommand, boots: bootsCommand },
});
