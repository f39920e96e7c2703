// The light commands stay light: on a tree whose database is current,
// `goetia status` and `goetia --help` make no syscall of goetia's own, so
// libc's FFI is never opened; a change does open it (its lock is a flock).
import { afterEach, beforeEach, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";
import { HostTree } from "../helpers/host-tree.ts";

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
  tree.oneshot("one");
});
afterEach(() => tree.stop());

/** Runs goetia's command line in a fresh process and says whether it opened the FFI. */
async function opensFfi(...args: string[]): Promise<boolean> {
  const script = `
    const { runCli } = await import(${JSON.stringify(join(ROOT, "src/cli/index.ts"))});
    const code = await runCli(${JSON.stringify(args)});
    const { ffiOpened } = await import(${JSON.stringify(join(ROOT, "src/sys/libc.ts"))});
    console.error("FFI=" + ffiOpened() + " CODE=" + code);`;
  const child = Bun.spawn([process.execPath, "-e", script], { env: tree.env, stdout: "ignore", stderr: "pipe" });
  const err = await new Response(child.stderr).text();
  expect(err).toContain("CODE=0");
  return err.includes("FFI=true");
}

test("status and --help open no FFI; start does", async () => {
  expect(await opensFfi("start", "one")).toBe(true);
  expect(await opensFfi("status")).toBe(false);
  expect(await opensFfi("--help")).toBe(false);
});
