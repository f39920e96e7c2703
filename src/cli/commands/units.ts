// goetia units: the systemd units the machine has enabled, and what goetia
// made of each (systemd/): a service, goetia's own one that
// stands for it, or why none; and each key of it that goetia does not do.
import { defineCommand } from "citty";
import { unitReport } from "../../manager/compile/compile.ts";
import { jsonArgs, printJson, treeArgs, treeOf } from "../args.ts";

export default defineCommand({
  meta: { name: "units", description: "The systemd units enabled on this machine: the service each became, or why none, and every key ignored" },
  args: {
    ...treeArgs,
    ...jsonArgs,
  },
  run({ args }) {
    const { units } = unitReport(treeOf(args));
    const rows = units.map(({ unit, became, conversion }) => ({ unit, became, ignored: conversion?.ignored ?? [] }));
    if (args.json) return printJson(rows);
    const width = Math.max(0, ...rows.map(({ unit }) => unit.length));
    for (const { unit, became, ignored } of rows) {
      console.log(`${unit.padEnd(width)}  ${became}`);
      for (const line of ignored) console.log(`  ${line}`);
    }
  },
});
