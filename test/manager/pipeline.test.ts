// Pipelines: a producer's stdout reaches its consumer's stdin, the consumer
// starts first, pipeline-name names the whole chain, broken links are named.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

const logged = (dir: string) => {
  try {
    return readFileSync(join(dir, "current"), "utf8");
  } catch {
    return "";
  }
};

test("a two-producer pipeline into s6-log runs as one named bundle, reader first", async () => {
  const logs = join(tree.dir, "logs");
  for (const name of ["talker", "shouter"]) {
    tree.service(name, {
      type: "longrun\n",
      "producer-for": "catcher\n",
      run: `#!/bin/sh\nwhile :; do echo ${name}-says-hi; sleep 0.1; done\n`,
    });
  }
  tree.service("catcher", {
    type: "longrun\n",
    "consumer-for": "talker\nshouter\n",
    "pipeline-name": "chatter\n",
    run: `#!/bin/sh\nexec s6-log ${logs}\n`,
  });
  const run = await tree.goetia("start", "chatter");
  expect(run.code).toBe(0);
  // Up means started (no readiness here): the reader is started before its writers.
  expect(run.out.indexOf("up catcher")).toBeLessThan(run.out.indexOf("starting talker"));
  expect(run.out.indexOf("up catcher")).toBeLessThan(run.out.indexOf("starting shouter"));
  expect(await pollUntil(() => /talker-says-hi/.test(logged(logs)) && /shouter-says-hi/.test(logged(logs)), 10_000)).toBe(true);
  expect((await tree.goetia("list", "chatter")).out).toBe("catcher\nshouter\ntalker\n");
  expect((await tree.goetia("deps", "talker")).out).toBe("catcher\n");
});

test("broken pipeline links are named from both ends and left out", async () => {
  tree.service("lonely", { type: "longrun\n", "producer-for": "nobody\n", run: "#!/bin/sh\n" });
  tree.service("reader", { type: "longrun\n", "consumer-for": "writer\n", run: "#!/bin/sh\n" });
  tree.service("writer", { type: "longrun\n", "producer-for": "elsewhere\n", run: "#!/bin/sh\n" });
  tree.service("elsewhere", { type: "longrun\n", run: "#!/bin/sh\n", "pipeline-name": "nothing\n" });
  const run = await tree.goetia("compile");
  expect(run.code).toBe(1);
  expect(run.out).toContain("service lonely: ");
  expect(run.out).toContain("producer-for: broken pipeline: nobody is not a longrun service");
  expect(run.out).toContain("consumer-for: broken pipeline: writer is producer-for elsewhere, not for reader");
  expect(run.out).toContain("producer-for: broken pipeline: elsewhere does not list writer in its consumer-for");
  expect(run.out).toContain("pipeline-name: this service consumes nothing: there is no pipeline to name");
  const list = (await tree.goetia("list")).out;
  expect(list).toBe("elsewhere\tlongrun\n");
});
