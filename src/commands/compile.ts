import { defineCommand } from "citty";
import { log } from "../lib/log.ts";
import { reportProblems } from "../service/report.ts";
import { systemTree, treePaths } from "../lib/tree.ts";
import { compile } from "../service/database.ts";

export default defineCommand({
  meta: {
    name: "compile",
    description: "Check the service sources and compile them now (goetia also does it by itself when they change)",
  },
  run() {
    const tree = systemTree();
    const db = compile(tree);
    reportProblems(db.problems);
    const bundles = Object.keys(db.bundles).length;
    log.info(`compiled ${Object.keys(db.services).length} services and ${bundles} bundles into ${treePaths(tree).compiledLink}`);
    process.exitCode = db.problems.length > 0 ? 1 : 0;
  },
});
