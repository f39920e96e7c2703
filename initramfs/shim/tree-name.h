/*
 * A user tree's name, as src/lib/names.ts has the rule (its TREE_NAME, in
 * build/names.h): ASCII letters, digits and the marks, none of the
 * not-first ones first. test/security/tree-names.test.ts holds this, goetia
 * and the session hook to the same answers.
 */
#include <string.h>

#include "names.h"

static int tree_name_fits(char const *name)
{
  size_t length = strlen(name);
  if (length == 0 || length > TREE_NAME_MAX_BYTES || strchr(TREE_NAME_NOT_FIRST, name[0])) return 0;
  for (char const *at = name; *at; at++) {
    char c = *at;
    int fits = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(TREE_NAME_MARKS, c);
    if (!fits) return 0;
  }
  return 1;
}
