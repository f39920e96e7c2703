// bench/RESULTS.md holds one section per benchmark; each run replaces its own.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = join(import.meta.dir, "RESULTS.md");

export function writeResults(title: string, body: string): void {
  const old = existsSync(FILE) ? readFileSync(FILE, "utf8") : "";
  const sections = old.split(/^(?=## )/m).filter((s) => s.startsWith("## "));
  const machine = `${navigator.hardwareConcurrency} cores, Bun ${Bun.version}, ${new Date().toISOString().slice(0, 10)}`;
  const section = `## ${title}\n\n_${machine}_\n\n${body}\n\n`;
  const kept = sections.filter((s) => !s.startsWith(`## ${title}\n`));
  writeFileSync(FILE, `# Benchmark results\n\n${[...kept, section].join("")}`);
}
