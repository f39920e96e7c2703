// doc/DESIGN.md's Layout table names every source file where its folder's
// row is (the row whose path is the longest one the file lies under): the
// file itself, in backticks, or a subfolder of the row's that holds it. A
// file added, moved or removed without the design note saying so fails here.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const FOLDERS = ["src", "initramfs/shim"];

/** The Layout table: each row's paths (its first cell) and its text. */
function layoutRows(): { paths: string[]; text: string }[] {
  const layout = readFileSync(join(ROOT, "doc/DESIGN.md"), "utf8").split("\n## Layout")[1];
  return layout
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [, first, text] = line.split("|");
      return { paths: [...first.matchAll(/`([^`]+)`/g)].map(([, path]) => path), text };
    });
}

/** What of file the design note does not name, or undefined. */
function unnamed(file: string, rows: { paths: string[]; text: string }[]): string | undefined {
  if (rows.some((row) => row.paths.includes(file))) return undefined;
  const owners = rows.flatMap((row) => row.paths.filter((path) => path.endsWith("/") && file.startsWith(path)).map((path) => ({ path, row })));
  const owner = owners.sort((a, b) => b.path.length - a.path.length)[0];
  if (owner === undefined) return `${file}: under no row of the Layout table`;
  const rest = file.slice(owner.path.length);
  const named = [rest, ...(rest.includes("/") ? [`${rest.split("/")[0]}/`] : [])].some((name) => owner.row.text.includes(`\`${name}\``));
  return named ? undefined : `${file}: not named in the row of ${owner.path}`;
}

test("the Layout table of doc/DESIGN.md names every source file, in its folder's row", () => {
  const rows = layoutRows();
  const files = FOLDERS.flatMap((folder) => readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8", withFileTypes: false }).map((file) => `${folder}/${file}`)).filter((file) => /\.(ts|sh|c|h)$/.test(file));
  expect(files.flatMap((file) => unnamed(file, rows) ?? [])).toEqual([]);
});

test("and that check can fail: a file the table does not name is told", () => {
  expect(unnamed("src/manager/run/new-thing.ts", layoutRows())).toBe("src/manager/run/new-thing.ts: not named in the row of src/manager/run/");
});
