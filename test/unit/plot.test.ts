// The boot chart's layout: ticks at round steps, a row per service in start
// order at 100 services, the chart as tall as its rows, text escaped.
import { expect, test } from "bun:test";
import type { ServiceBoot } from "../../src/manager/analyze/boot.ts";
import { plotChart, tickStep } from "../../src/manager/analyze/plot.ts";

test("ticks: 1, 2 or 5 times a power of ten, ten or so of them", () => {
  expect([90, 903, 2050, 5700, 61_000].map(tickStep)).toEqual([10, 100, 200, 500, 10_000]);
});

test("a hundred services: a row each, in start order, none overlapping; the chart grows to hold them", () => {
  const services: ServiceBoot[] = Array.from({ length: 100 }, (_, i) => ({
    name: `s${String(99 - i).padStart(2, "0")}`,
    askedMs: 500,
    startMs: 600 + (99 - i) * 10,
    endMs: 700 + (99 - i) * 10,
    upMs: 700 + (99 - i) * 10,
    outcome: "up",
  }));
  const svg = plotChart({ title: "t", services, stages: [{ name: "kernel", what: "k", ms: 500 }], critical: new Set(["s99"]) });
  const rows = [...svg.matchAll(/<g class="service" data-service="(s\d+)"/g)].map((m) => m[1]);
  expect(rows).toEqual(Array.from({ length: 100 }, (_, i) => `s${String(i).padStart(2, "0")}`));
  const ys = [...svg.matchAll(/<rect class="bar up" x="[\d.]+" y="(\d+)"/g)].map((m) => Number(m[1]));
  for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(16);
  const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1]);
  expect(height).toBeGreaterThan(ys[ys.length - 1]);
  expect(svg).toMatch(/<text class="name critical" [^>]*>s99</);
  expect(svg).toContain(">1000 ms<");
});

test("names and reasons are escaped, never markup", () => {
  const failed: ServiceBoot = { name: "a", askedMs: 0, startMs: 0, endMs: 10, outcome: "failed", reason: 'up script said <"&">' };
  const svg = plotChart({ title: "a & b", services: [failed], stages: [], critical: new Set() });
  expect(svg).toContain("a &amp; b");
  expect(svg).toContain("up script said &lt;&quot;&amp;&quot;&gt;");
  expect(svg).not.toContain('<"&">');
});
