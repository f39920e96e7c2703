// The bring-up's file maker (initramfs/shim/files.c): its sources' check,
// copies, folders, fifos and links, one static program where coreutils'
// took a start each; bringup.sh runs it with the operations as its argv.
import { helper } from "./place.ts";

/** Where the bring-up finds it. */
export const FILES = helper("files");
