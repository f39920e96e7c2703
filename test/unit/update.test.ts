// What a live update does, from two databases: added, removed, changed.
import { expect, test } from "bun:test";
import type { CompiledService, Database } from "../../src/manager/database.ts";
import { diffDatabases } from "../../src/manager/run/update.ts";

function database(fingerprints: Record<string, string>): Database {
  const services: Record<string, CompiledService> = {};
  for (const [name, fingerprint] of Object.entries(fingerprints)) {
    services[name] = { name, type: "oneshot", dir: `/src/${name}`, contents: [], dependencies: [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], fingerprint };
  }
  return { version: 2, compiledAt: 0, sourceStamp: "", services, bundles: {}, dependencies: {}, problems: [], leftOut: [] };
}

test("services are added, removed or changed by their fingerprint, each list sorted", () => {
  const before = database({ kept: "1", edited: "1", gone: "1", "also-gone": "1" });
  const after = database({ kept: "1", edited: "2", zeta: "1", alpha: "1" });
  expect(diffDatabases(before, after)).toEqual({ added: ["alpha", "zeta"], removed: ["also-gone", "gone"], changed: ["edited"] });
});

test("identical databases differ in nothing", () => {
  const db = database({ a: "1", b: "2" });
  expect(diffDatabases(db, db)).toEqual({ added: [], removed: [], changed: [] });
});
