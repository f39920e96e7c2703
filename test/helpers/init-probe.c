/*
 * The init shim's readings, on a test's inputs (test/unit/init-shim.test.ts):
 *   init-probe cmdline TEXT  prints the bundle and quiet (0 or 1), a line each
 *   init-probe envdir DIR    prints the environment made from DIR for bundle "b", NUL-terminated
 *   init-probe bootname -    prints the name this boot's record is kept under
 * Either prints "hand over" where the shim would leave the boot to goetia's stage 1.
 */
#define main init_main
#include "../../initramfs/shim/init.c"
#undef main

int main(int argc, char **argv)
{
  if (argc != 3) return 100;
  if (!strcmp(argv[1], "cmdline")) {
    char const *bundle;
    int quiet;
    if (!parse_cmdline(argv[2], &bundle, &quiet)) printf("hand over\n");
    else printf("%s\n%d\n", bundle, quiet);
    return 0;
  }
  if (!strcmp(argv[1], "bootname")) {
    char name[64];
    boot_name(name, sizeof name);
    printf("%s\n", name);
    return 0;
  }
  set_variable("PATH", 4, DEFAULT_PATH);
  if (!apply_envdir(argv[2])) {
    printf("hand over\n");
    return 0;
  }
  set_variable(BUNDLE_PARAM, strlen(BUNDLE_PARAM), "b");
  for (size_t i = 0; i < variables; i++) fwrite(environment[i], strlen(environment[i]) + 1, 1, stdout);
  return 0;
}
