/*
 * mkdir -p, for the init shim and the file maker: path and each folder
 * above it made with mode (less the umask) where none is there. 0, or -1
 * with errno, path then cut at the folder that could not be made.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static inline int make_dirs(char *path, mode_t mode)
{
  for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
    if (slash) *slash = 0;
    struct stat st;
    if (mkdir(path, mode) == -1 && !(errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) return -1;
    if (!slash) return 0;
    *slash = '/';
  }
}
