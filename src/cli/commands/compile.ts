import { defineCommand } from "citty";
import { EXIT } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import { compile } from "../../manager/compile/compile.ts";
import { compiledLinkOf } from "../../manager/compile/stamp.ts";
import { reportProblems } from "../../manager/run/report.ts";
import { enterTree, treeArgs } from "../args.ts";

export default defineCommand({
  meta: {
    name: "compile",
    description: "Check the service sources and compile them now (goetia also does it by itself when they change); exit 1 if some are broken",
  },
  args: treeArgs,
  run({ args }) {
    const tree = enterTree(args);
    const db = compile(tree);
    reportProblems(db);
    const bundles = Object.keys(db.bundles).length;
    log.info(`compiled ${Object.keys(db.services).length} services and ${bundles} bundles into ${compiledLinkOf(tree)}`);
    return db.problems.length > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
