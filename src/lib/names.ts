// The names goetia makes files of: services (s6-rc's rule) and user trees.

/** goetia derives file names from service names (NAME.json.new, NAME-log): this leaves them room under 255 bytes. */
const MAX_NAME_BYTES = 240;

/** s6-rc's rule, and goetia's room for derived names: a file name that is neither hidden nor reserved. */
export function badNameReason(name: string): string | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes === 0 || bytes > MAX_NAME_BYTES) return `names must be 1 to ${MAX_NAME_BYTES} bytes long`;
  if (name.includes("/")) return "names may not contain /";
  if (/[\x00-\x1f\x7f]/.test(name)) return "names may not contain control characters";
  if (name.startsWith(".")) return "names may not start with a dot";
  if (/^(s6rc-|s6-rc-|s6-svscan)/.test(name)) return "names starting with s6rc- or s6-svscan are reserved, as are s6-rc- ones";
  return undefined;
}
