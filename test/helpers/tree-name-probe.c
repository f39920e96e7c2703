/*
 * pam_goetia's rule for a tree's name (initramfs/shim/tree-name.h), on a
 * test's inputs (test/security/tree-names.test.ts): for each argument, a
 * line "1" where it fits, "0" where it does not.
 */
#include <stdio.h>
#include "../../initramfs/shim/tree-name.h"

int main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) printf("%d\n", tree_name_fits(argv[i]));
  return 0;
}
