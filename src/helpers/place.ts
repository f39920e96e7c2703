// goetia's own static programs (initramfs/shim/*.c), installed together in
// /usr/lib/goetia by make install: where a command line finds them. Each
// has a file of this folder saying what it does and the argv it takes; the
// init shim and pam_goetia are run by the kernel and PAM, not by goetia.
import { join } from "node:path";

/** Where goetia's helper programs are installed (GOETIA_LIBDIR: elsewhere, for tests). */
const LIB_DIR = process.env.GOETIA_LIBDIR ?? "/usr/lib/goetia";

/** The installed path of helper name. */
export const helper = (name: string): string => join(LIB_DIR, name);
