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

/**
 * A user tree's name becomes folders, a service's name (user-tree@USER:TREE)
 * and words the session hook handles as root: ASCII letters, digits and
 * these marks, none a shell or a path reads, and none of notFirst first.
 * pam_goetia's C reads the same (scripts/names-header.ts writes build/names.h).
 */
export const TREE_NAME = { maxBytes: 64, marks: "_.-", notFirst: ".-" } as const;

export function badTreeNameReason(name: string): string | undefined {
  if (name.length === 0 || name.length > TREE_NAME.maxBytes) return `a tree's name is 1 to ${TREE_NAME.maxBytes} characters long`;
  const fits = [...name].every((c) => /^[A-Za-z0-9]$/.test(c) || TREE_NAME.marks.includes(c));
  if (!fits || TREE_NAME.notFirst.includes(name[0])) return `a tree's name is letters, digits and ${[...TREE_NAME.marks].join(" ")}, not first ${[...TREE_NAME.notFirst].join(" or ")}`;
  return undefined;
}
