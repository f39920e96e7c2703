// The environment files' reader (initramfs/shim/env-file.c): a unit's
// EnvironmentFile= read as systemd reads it, printed as quoted sh that a
// run script evals: never sourced, which ran its $(...) as root.
import { shellQuote } from "../lib/sh.ts";
import { helper } from "./place.ts";

/** The sh lines that set what the file (a - first: it may be missing) says, or end the script (111) where it cannot be read. */
export const environmentFileLines = (file: string): string[] => [`environment=$(${helper("env-file")} ${shellQuote(file)}) || exit 111`, 'eval "$environment"'];
