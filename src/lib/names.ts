// The names goetia makes files of: services (s6-rc's rule) and user trees.
// A tree's name has a rule of its own, narrower, and the same in the three
// places root reads one from a user: here, pam_goetia
// (initramfs/shim/tree-name.h) and the session hook; test/security/tree-names.test.ts
// holds them equal.

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

/** The longest tree name, in bytes. */
export const MAX_TREE_NAME_BYTES = 64;

/**
 * A user tree's name becomes folders, a service's name (user-tree@USER:TREE)
 * and words the session hook handles as root: letters, digits, _ . and -,
 * neither first a dot nor a dash, nothing a shell or a path reads.
 */
export function badTreeNameReason(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_TREE_NAME_BYTES) return `a tree's name is 1 to ${MAX_TREE_NAME_BYTES} characters long`;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) return "a tree's name is letters, digits, _ . and -, neither first a dot nor a dash";
  return undefined;
}
