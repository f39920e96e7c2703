// Colours only on a terminal, and never where NO_COLOR is set to anything
// (no-color.org): citty decides once, when it loads, from NO_COLOR being
// "1", so this is imported before it.
import { isatty } from "node:tty";

if (process.env.NO_COLOR || !isatty(1) || !isatty(2)) process.env.NO_COLOR = "1";
