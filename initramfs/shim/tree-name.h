/*
 * A user tree's name, as src/lib/names.ts has the rule (badTreeNameReason):
 * 1 to 64 letters, digits, _ . and -, neither first a dot nor a dash.
 * test/security/tree-names.test.ts holds the two equal, and the session hook's.
 */
#include <string.h>

static int tree_name_fits(char const *name)
{
  size_t length = strlen(name);
  if (length == 0 || length > 64 || name[0] == '.' || name[0] == '-') return 0;
  for (char const *at = name; *at; at++) {
    char c = *at;
    int fits = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!fits) return 0;
  }
  return 1;
}
