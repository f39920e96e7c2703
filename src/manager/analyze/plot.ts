// The boot chart: an SVG picture of a boot record, for a browser. One row
// per service, in the order they were started: a thin line while it waited
// for what it needs, a bar from its start to up (and on to ready, lighter,
// with the ready point marked), coloured by outcome; the boot's stages as
// bands behind them, a time axis in ms, the critical chain outlined. A pure
// function of what analyze computes, so a test reads its output.
import type { BootPart, ServiceBoot } from "./boot.ts";

export interface Chart {
  title: string;
  services: ServiceBoot[];
  /** The boot's stages in order, from the kernel's start (none while it goes on). */
  stages: BootPart[];
  /** The names on the critical chain. */
  critical: Set<string>;
}

const ROW = 20;
const BAR = 12;
const TOP = 96;
/** The time axis: half a pixel a millisecond, within these bounds. */
const PX_PER_MS = 0.5;
const MIN_PLOT_WIDTH = 960;
const MAX_PLOT_WIDTH = 2400;
const CHAR = 7; // px per character at the chart's font size, for the names' column
const COLOURS = { up: "#3b82c4", ready: "#93c5e8", failed: "#d64545", skipped: "#b8b8b8", starting: "#e0a030" };
const BANDS = ["#f3f1ea", "#e8f0f7", "#efe9f5", "#eaf4ea"];

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const round = (ms: number) => Math.round(ms);

/** A step between time ticks that gives ten or so of them: 1, 2 or 5 times a power of ten. */
export function tickStep(totalMs: number): number {
  const rough = Math.max(totalMs, 1) / 12;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough)!;
}

export function plotChart({ title, services, stages, critical }: Chart): string {
  const rows = [...services].sort((a, b) => (a.startMs ?? a.endMs) - (b.startMs ?? b.endMs) || a.name.localeCompare(b.name));
  const stagesEnd = stages.reduce((sum, stage) => sum + stage.ms, 0);
  const totalMs = Math.max(stagesEnd, ...rows.map((s) => s.endMs), 1);
  const step = tickStep(totalMs);
  const axisMs = Math.ceil(totalMs / step) * step;
  const names = Math.max(120, ...rows.map((s) => s.name.length * CHAR + 16));
  const plotWidth = Math.min(Math.max(axisMs * PX_PER_MS, MIN_PLOT_WIDTH), MAX_PLOT_WIDTH);
  const x = (ms: number) => names + (ms / axisMs) * plotWidth;
  const labels = rows.map((s) => ({ s, text: rowLabel(s) }));
  const width = Math.ceil(Math.max(names + plotWidth + 40, ...labels.map(({ s, text }) => x(s.endMs) + 8 + text.length * CHAR + 16)));
  const bottom = TOP + rows.length * ROW;
  const height = bottom + 70;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<style>text{fill:#222}.axis{fill:#666;font-size:11px}.name{text-anchor:end}.critical{font-weight:bold}.took{fill:#555;font-size:11px}.stage{fill:#555;font-size:11px;text-anchor:middle}.service:hover .name,.service:hover .took{fill:#000;font-weight:bold}.service:hover .bar{filter:brightness(1.15)}</style>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="bold">${escape(title)}</text>`,
  );

  // The stages, as bands behind everything.
  let at = 0;
  stages.forEach((stage, i) => {
    const [from, to] = [x(at), x(at + stage.ms)];
    out.push(
      `<rect class="stage-band" x="${from.toFixed(1)}" y="${TOP - 22}" width="${Math.max(to - from, 0).toFixed(1)}" height="${bottom - TOP + 22}" fill="${BANDS[i % BANDS.length]}"><title>${escape(`${stage.what}: ${round(stage.ms)} ms`)}</title></rect>`,
    );
    if (to - from > stage.name.length * CHAR) out.push(`<text class="stage" x="${((from + to) / 2).toFixed(1)}" y="${TOP - 8}">${escape(stage.name)}</text>`);
    at += stage.ms;
  });

  // Every other row shaded, for the eye to follow a row across.
  for (let i = 0; i < rows.length; i += 2) out.push(`<rect x="0" y="${TOP + i * ROW}" width="${width}" height="${ROW}" fill="#000000" fill-opacity="0.035"/>`);

  // The time axis: a grid line at each tick, labelled above and below.
  for (let ms = 0; ms <= axisMs; ms += step) {
    const at = x(ms).toFixed(1);
    out.push(
      `<line x1="${at}" y1="${TOP - 22}" x2="${at}" y2="${bottom}" stroke="#d0d0d0" stroke-width="1"/>`,
      `<text class="axis" x="${at}" y="${TOP - 28}" text-anchor="middle">${ms} ms</text>`,
      `<text class="axis" x="${at}" y="${bottom + 16}" text-anchor="middle">${ms} ms</text>`,
    );
  }

  labels.forEach(({ s, text }, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    const onChain = critical.has(s.name);
    const tip = escape(describe(s));
    out.push(`<g class="service" data-service="${escape(s.name)}" data-outcome="${s.outcome}">`, `<title>${tip}</title>`);
    out.push(`<text class="name${onChain ? " critical" : ""}" x="${names - 8}" y="${mid + 4}">${escape(s.name)}</text>`);
    const start = s.startMs ?? s.endMs;
    if (start > s.askedMs) {
      out.push(`<line class="waiting" x1="${x(s.askedMs).toFixed(1)}" y1="${mid}" x2="${x(start).toFixed(1)}" y2="${mid}" stroke="#9a9a9a" stroke-width="1" stroke-dasharray="2,2"/>`);
    }
    const upTo = s.outcome === "up" ? (s.upMs ?? s.endMs) : s.endMs;
    const barWidth = Math.max(x(upTo) - x(start), 2);
    const outline = onChain ? ` stroke="#111" stroke-width="2"` : "";
    out.push(`<rect class="bar ${s.outcome}" x="${x(start).toFixed(1)}" y="${mid - BAR / 2}" width="${barWidth.toFixed(1)}" height="${BAR}" rx="2" fill="${COLOURS[s.outcome]}"${outline}/>`);
    if (s.readyMs !== undefined && s.upMs !== undefined && s.readyMs > s.upMs) {
      out.push(`<rect class="readying" x="${x(s.upMs).toFixed(1)}" y="${mid - BAR / 2}" width="${Math.max(x(s.readyMs) - x(s.upMs), 1).toFixed(1)}" height="${BAR}" fill="${COLOURS.ready}"${outline}/>`);
    }
    if (s.readyMs !== undefined) {
      const r = x(s.readyMs);
      out.push(`<path class="ready-mark" d="M${r.toFixed(1)},${mid - 8} l5,8 l-5,8 l-5,-8 z" fill="#1d4f7a"/>`);
    }
    out.push(`<text class="took" x="${(x(s.endMs) + 8).toFixed(1)}" y="${mid + 4}">${escape(text)}</text>`, `</g>`);
  });

  // The legend.
  const legend: [string, string][] = [
    [COLOURS.up, "start to up"],
    [COLOURS.ready, "up to ready"],
    [COLOURS.failed, "failed"],
    [COLOURS.skipped, "skipped"],
  ];
  let lx = 16;
  const ly = bottom + 40;
  for (const [colour, text] of legend) {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="14" height="12" fill="${colour}"/>`, `<text x="${lx + 20}" y="${ly}">${text}</text>`);
    lx += 40 + text.length * CHAR;
  }
  out.push(
    `<path d="M${lx + 5},${ly - 12} l5,8 l-5,8 l-5,-8 z" fill="#1d4f7a"/>`,
    `<text x="${lx + 16}" y="${ly}">ready</text>`,
    `<rect x="${lx + 70}" y="${ly - 10}" width="14" height="12" fill="#ffffff" stroke="#111" stroke-width="2"/>`,
    `<text x="${lx + 90}" y="${ly}">critical chain</text>`,
    `<line x1="${lx + 200}" y1="${ly - 4}" x2="${lx + 230}" y2="${ly - 4}" stroke="#9a9a9a" stroke-dasharray="2,2"/>`,
    `<text x="${lx + 236}" y="${ly}">waiting for dependencies</text>`,
  );
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** What a row says after its bar: how long it took, or why it did not come up. */
function rowLabel(s: ServiceBoot): string {
  if (s.outcome === "skipped") return `skipped: ${s.reason ?? "a dependency"} failed`;
  const took = `${round(s.endMs - (s.startMs ?? s.endMs))} ms`;
  return s.outcome === "failed" ? `${took}, failed${s.reason ? `: ${s.reason}` : ""}` : took;
}

/** A service's row in words, for its tooltip. */
function describe(s: ServiceBoot): string {
  const times = [`asked ${round(s.askedMs)} ms`];
  if (s.startMs !== undefined) times.push(`started ${round(s.startMs)} ms`);
  if (s.upMs !== undefined) times.push(`up ${round(s.upMs)} ms`);
  if (s.readyMs !== undefined) times.push(`ready ${round(s.readyMs)} ms`);
  const end = s.outcome === "failed" ? `; failed at ${round(s.endMs)} ms: ${s.reason ?? ""}` : s.outcome === "skipped" ? `; skipped: ${s.reason} failed` : "";
  return `${s.name}: ${times.join(", ")}${end}`;
}
