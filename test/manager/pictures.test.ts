// goetia plot and goetia graph on a real tree: the boot chart is well-formed
// SVG (libxml2 parses it) with a bar per service, the failed one red and the
// skipped one grey, and a real renderer (librsvg) draws it; the dependency
// graph is DOT that Graphviz reads, with the states as colours.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
  tree.oneshot("base");
  tree.oneshot("broken", { deps: ["base"], exit: 3 });
  tree.oneshot("above", { deps: ["broken"] });
  tree.service("daemon", {
    type: "longrun\n",
    "notification-fd": "3\n",
    "dependencies": "base\n",
    run: "#!/bin/sh\nsleep 0.3\necho >&3\nexec sleep 100000\n",
  });
  tree.service("all", { type: "bundle\n", contents: "above\ndaemon\n" });
  expect((await tree.goetia("start", "all")).code).toBe(1);
});
afterEach(() => tree.stop());

/** xmllint's answer to an XPath question about file (it fails on anything but well-formed XML). */
function xpath(file: string, query: string): string {
  const run = Bun.spawnSync(["xmllint", "--xpath", query, file], { stderr: "pipe" });
  expect(run.exitCode).toBe(0);
  return run.stdout.toString().trim();
}

test("plot: well-formed SVG, a bar per service, failed red, skipped grey, ready marked; rsvg-convert draws it", async () => {
  const svg = join(tree.dir, "boot.svg");
  expect((await tree.goetia("plot", "-o", svg)).code).toBe(0);
  const services = ["above", "base", "broken", "daemon", "daemon-log"];
  expect(xpath(svg, "count(//*[local-name()='g'][@class='service'])")).toBe(String(services.length));
  for (const name of services) expect(xpath(svg, `count(//*[local-name()='g'][@data-service='${name}']/*[local-name()='rect'][starts-with(@class, 'bar')])`)).toBe("1");
  expect(xpath(svg, "string(//*[local-name()='g'][@data-service='broken']/@data-outcome)")).toBe("failed");
  expect(xpath(svg, "string(//*[local-name()='g'][@data-service='broken']/*[local-name()='rect']/@fill)")).toBe("#d64545");
  expect(xpath(svg, "string(//*[local-name()='g'][@data-service='above']/@data-outcome)")).toBe("skipped");
  expect(xpath(svg, "string(//*[local-name()='g'][@data-service='above']/*[local-name()='rect']/@fill)")).toBe("#b8b8b8");
  expect(xpath(svg, "count(//*[local-name()='g'][@data-service='daemon']/*[local-name()='path'][@class='ready-mark'])")).toBe("1");
  // The same on standard output.
  expect((await tree.goetia("plot")).stdout).toBe(readFileSync(svg, "utf8"));

  const png = join(tree.dir, "boot.png");
  const render = Bun.spawnSync(["rsvg-convert", "-o", png, svg], { stderr: "pipe" });
  expect(render.stderr.toString()).toBe("");
  expect(render.exitCode).toBe(0);
  const image = readFileSync(png);
  expect(image.subarray(1, 4).toString()).toBe("PNG");
  expect(image.readUInt32BE(16)).toBeGreaterThan(1000); // width
  expect(image.readUInt32BE(20)).toBeGreaterThan(5 * 20); // height: a row per service at least
});

test("graph: DOT Graphviz reads, an edge per dependency, states as colours while the tree runs; SVG through dot", async () => {
  const dot = (await tree.goetia("graph", "all")).stdout;
  expect(dot).toContain('"above" -> "broken";');
  expect(dot).toContain('"broken" -> "base";');
  expect(dot).toContain('"all" -> "daemon" [style=dashed];');
  expect(dot).toMatch(/"broken" \[shape=box, label="broken\\noneshot, failed", fillcolor="#ffcdd2"\];/);
  expect(dot).toMatch(/"daemon" \[shape=box, style="rounded,filled", label="daemon\\nlongrun, up", fillcolor="#c8e6c9"\];/);
  const svg = join(tree.dir, "graph.svg");
  expect((await tree.goetia("graph", "above", "-o", svg)).code).toBe(0);
  // dot names each node's group by its id: what above needs, and nothing else.
  expect(xpath(svg, "count(//*[local-name()='g'][@class='node'])")).toBe("3");
  expect(xpath(svg, "count(//*[local-name()='g'][@class='edge'])")).toBe("2");
  const json = JSON.parse((await tree.goetia("graph", "above", "--json")).stdout);
  expect(json.edges).toEqual([{ from: "above", needs: "broken" }, { from: "broken", needs: "base" }]);
  expect(json.nodes.map((n: { state: string }) => n.state)).toEqual(["failed", "up", "failed"]);
});
