// goetia analyze [blame | critical-chain [NAME]]: where this boot's time
// went, from the boot timeline and each service's record
// (manager/analyze/boot.ts).
import { defineCommand } from "citty";
import { bootTimeline } from "../../boot/timeline.ts";
import { FailedError } from "../../lib/errors.ts";
import { blame, bootParts, criticalChain, transitions, type Transition } from "../../manager/analyze/boot.ts";
import { resolveNames } from "../../manager/graph.ts";
import { openLive, type Live } from "../../manager/run/live.ts";
import { reportOpening } from "../../manager/run/report.ts";
import * as libc from "../../sys/libc.ts";
import { bootBundle } from "../boot-bundle.ts";
import { enterTree, treeArgs } from "../args.ts";

const jsonArg = { json: { type: "boolean", description: "print JSON instead of text" } } as const;

/** Every service's last transition on the boot clock (ms since the kernel started). */
function bootTransitions(live: Live): Transition[] {
  const offsetMs = Number((libc.realtimeNs() - libc.monotonicNs()) / 1_000_000n);
  const records = new Map([...live.graph.atoms.keys()].map((name) => [name, live.states.get(name)]));
  return transitions(records, offsetMs);
}

function opened(args: { tree?: string }): Live {
  const live = openLive(enterTree(args), { checkSources: false });
  reportOpening(live);
  return live;
}

const ms = (value: number) => `${Math.round(value)} ms`;

const summary = defineCommand({
  meta: { name: "analyze", description: "Where this boot's time went: the kernel, stage 1, the services, to the bundle up" },
  args: { ...treeArgs, ...jsonArg },
  run({ args }) {
    const live = opened(args);
    const timeline = bootTimeline(live.tree);
    const boot = bootParts(timeline.read());
    if (!boot) throw new FailedError(`the boot has not brought its bundle up yet (no bundle-up in ${timeline.file})`);
    if (args.json) return console.log(JSON.stringify({ ...boot, bundle: bootBundle(live.tree, live.graph) }, null, 2));
    const width = Math.max(...boot.parts.map((part) => part.what.length));
    for (const part of boot.parts) console.log(`${part.what.padEnd(width)}  ${ms(part.ms).padStart(9)}`);
    console.log(`${`bundle ${bootBundle(live.tree, live.graph)} ${boot.up ? "up" : "not fully up"}`.padEnd(width)}  ${ms(boot.totalMs).padStart(9)}`);
  },
});

const blameCommand = defineCommand({
  meta: { name: "blame", description: "Each service by the time its last transition took, slowest first" },
  args: { ...treeArgs, ...jsonArg },
  run({ args }) {
    const rows = blame(bootTransitions(opened(args)));
    if (args.json) return console.log(JSON.stringify(rows, null, 2));
    for (const t of rows) console.log(`${ms(t.endMs - t.startMs).padStart(9)}  ${t.name}${t.phase === "up" ? "" : ` (${t.phase}${t.reason ? `: ${t.reason}` : ""})`}`);
  },
});

const chainCommand = defineCommand({
  meta: { name: "critical-chain", description: "The chain of dependencies that decided when NAME (default: the boot bundle) was up, each with its start and time" },
  args: { ...treeArgs, ...jsonArg, name: { type: "positional", description: "a service or bundle", required: false } },
  run({ args }) {
    const live = opened(args);
    const target = args.name ?? bootBundle(live.tree, live.graph);
    const chain = criticalChain(live.graph, bootTransitions(live), resolveNames(live.graph, [target]));
    if (args.json) return console.log(JSON.stringify({ target, chain }, null, 2));
    console.log(`${target} @${ms(chain[0]?.endMs ?? 0)}`);
    chain.forEach((t, depth) => console.log(`${"  ".repeat(depth)}└─${t.name} @${ms(t.startMs)} +${ms(t.endMs - t.startMs)}`));
  },
});

export default defineCommand({
  ...summary,
  subCommands: { blame: blameCommand, "critical-chain": chainCommand },
});
