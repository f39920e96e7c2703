// user-init: starts USER's supervision tree USERTREE as stage 1 starts the
// system's. Its bundle (GOETIABUNDLE, default `default`) comes up through
// the bring-up compiled with the tree's database, beside the s6-svscan this
// process becomes: run as a service of the system tree, the user tree is
// supervised, and restarted should it die.
import { existsSync, mkdirSync } from "node:fs";
import { treeEnvironment } from "../lib/envdir.ts";
import { errorText, FailedError, SystemError } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { treePaths } from "../lib/tree.ts";
import { namedUserTree } from "../lib/trees.ts";
import { startBringup } from "../boot/bringup-start.ts";
import { compile } from "../manager/compile/compile.ts";
import { upToDate } from "../manager/compile/stamp.ts";
import { DEFAULT_BUNDLE } from "../manager/graph.ts";
import { reportProblems } from "../manager/run/report.ts";
import { BUNDLE_VARIABLE } from "../roles.ts";
import { execSvscan, outputToCatchAll } from "../s6/exec-svscan.ts";
import { isScanned } from "../s6/svscan.ts";
import { asOwner, makeRuntimeDirectory } from "./as-owner.ts";
import { ensureRunImage, writeShutdownHandlers } from "./run-image.ts";
import { bringTreeDown } from "./shutdown.ts";

export async function userInit(env: Record<string, string | undefined> = process.env): Promise<never> {
  const tree = namedUserTree("user-init", env);
  const owner = tree.owner!;
  const paths = treePaths(tree);
  if (process.getuid!() !== owner.uid) {
    makeRuntimeDirectory(tree);
    return asOwner(tree, ["user-init"]);
  }
  if (isScanned(paths.scandir)) throw new FailedError(`user-init: ${owner.name}'s tree ${tree.name} already runs (s6-svscan on ${paths.scandir})`);
  if (existsSync(paths.scandir)) {
    log.warn(`${tree.name}: its last s6-svscan died without user-shutdown: what it left running goes down first`);
    await bringTreeDown(tree);
  }

  // Its places: the run directory on the user runtime directory, its logs and configuration in the home.
  try {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SystemError(`user-init: cannot make ${tree.runDir} (root makes /run/user/${owner.uid}): ${errorText(error)}`);
  }
  mkdirSync(tree.logDir, { recursive: true });
  if (!existsSync(paths.sourceDir)) {
    mkdirSync(paths.sourceDir, { recursive: true });
    log.info(`${tree.name}: no services yet; put them in ${paths.sourceDir}, as the system's are, with a bundle named default for user-init to bring up`);
  }
  if (ensureRunImage(tree)) log.info(`${tree.name}: made its run image in ${paths.runImage}`);
  reportProblems(upToDate(tree) ?? compile(tree));

  const bundle = env[BUNDLE_VARIABLE] || DEFAULT_BUNDLE;
  const treeEnv = { ...treeEnvironment(tree), [BUNDLE_VARIABLE]: bundle };
  if (!startBringup(tree, bundle, treeEnv)) throw new SystemError(`user-init: the bring-up of ${paths.compiledLink} could not start`);
  writeShutdownHandlers(tree);
  outputToCatchAll(paths.catchAllFifo);
  return execSvscan(paths.scandir, treeEnv);
}
