/*
 * pam_goetia: a login's session under goetia, in PAM's session stack
 * (session optional pam_goetia.so [tree=NAME|tree=service]). Opening runs
 * `/usr/lib/goetia/session open USER TREE PID` (the runtime directory, the
 * user's tree) and sets XDG_RUNTIME_DIR=/run/user/UID in the session;
 * closing runs `session close ...`. The tree is `main`, the one named by
 * tree=, the PAM service's name for tree=service, and in any case the one
 * in the user's ~/.config/goetia/session-tree if there is one. PID is the
 * login's own process, which opens and closes its session. A failure is
 * logged and never refuses the login: the module always succeeds.
 *
 * Everything of the user's is read as data that could be hostile: the
 * setting only if it is a small regular file of theirs (a fifo would block
 * root for ever), its name only if it fits a tree's rule (tree-name.h), and
 * the helper is waited for a limited time: a login never waits on
 * something the user controls. Accounts that cannot log in (a nologin or
 * false shell: postgres, www-data) get no tree, unless all-accounts is given.
 */
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define PAM_SM_SESSION
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "tree-name.h"

/* The helper; helper=PATH in the PAM configuration names another (root's file: for tests). */
static char const *helper = "/usr/lib/goetia/session";

/* How long a login waits for the helper, in milliseconds: past it, the login goes on and the helper finishes alone. */
#define HELPER_LIMIT_MS 20000

/* Whether the account has a shell to log in with: not nologin, not false. */
static int can_log_in(struct passwd const *pw)
{
  char const *shell = pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
  char const *base = strrchr(shell, '/');
  base = base ? base + 1 : shell;
  return strcmp(base, "nologin") != 0 && strcmp(base, "false") != 0;
}

/* The tree: the user's own setting, else tree= (service: the PAM service's name), else main. */
static void tree_of(pam_handle_t *pamh, struct passwd const *pw, int argc, char const **argv, char *tree, size_t size)
{
  snprintf(tree, size, "main");
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "tree=", 5) != 0) continue;
    char const *value = argv[i] + 5;
    void const *service = 0;
    if (strcmp(value, "service") == 0 && pam_get_item(pamh, PAM_SERVICE, &service) == PAM_SUCCESS && service) value = service;
    if (tree_name_fits(value)) snprintf(tree, size, "%s", value);
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/.config/goetia/session-tree", pw->pw_dir);
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  char own[80] = { 0 };
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == pw->pw_uid && st.st_size < (off_t)sizeof own && read(fd, own, sizeof own - 1) > 0) {
    own[strcspn(own, "\n")] = 0;
    if (tree_name_fits(own)) snprintf(tree, size, "%s", own);
    else pam_syslog(pamh, LOG_WARNING, "%s: not a tree's name: the login goes on with %s", path, tree);
  }
  close(fd);
}

/* Runs the helper; its exit code, -1 when it could not run, -2 when it took longer than the limit (it goes on alone). */
static int run(char const *action, char const *user, char const *tree)
{
  char pid[32];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    char *const args[] = { (char *)helper, (char *)action, (char *)user, (char *)tree, pid, 0 };
    char *const env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 0 };
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
    }
    umask(022);
    execve(helper, args, env);
    _exit(127);
  }
  int status;
  struct timespec const nap = { 0, 20 * 1000 * 1000 };
  for (int waited = 0; waited < HELPER_LIMIT_MS; waited += 20) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (done < 0 && errno != EINTR) return -1;
    nanosleep(&nap, 0);
  }
  return -2;
}

/* Whether the module's arguments hold word. */
static int given(int argc, char const **argv, char const *word)
{
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], word) == 0) return 1;
  return 0;
}

static int session(pam_handle_t *pamh, char const *action, int argc, char const **argv)
{
  char const *user = 0;
  if (pam_get_user(pamh, &user, 0) != PAM_SUCCESS || !user) return PAM_SUCCESS;
  struct passwd const *pw = getpwnam(user);
  if (!pw || pw->pw_uid == 0) return PAM_SUCCESS;
  if (!can_log_in(pw) && !given(argc, argv, "all-accounts")) return PAM_SUCCESS;
  for (int i = 0; i < argc; i++)
    if (strncmp(argv[i], "helper=", 7) == 0) helper = argv[i] + 7;
  char tree[80];
  tree_of(pamh, pw, argc, argv, tree, sizeof tree);
  if (access(helper, X_OK) != 0) return PAM_SUCCESS; /* goetia is not installed here (any more) */
  int code = run(action, user, tree);
  if (code != 0) pam_syslog(pamh, LOG_WARNING, "%s %s %s %s failed (%d): the login goes on", helper, action, user, tree, code);
  if (strcmp(action, "open") == 0) {
    char runtime[64];
    snprintf(runtime, sizeof runtime, "/run/user/%u", (unsigned)pw->pw_uid);
    struct stat st;
    if (stat(runtime, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == pw->pw_uid) {
      char variable[96];
      snprintf(variable, sizeof variable, "XDG_RUNTIME_DIR=%s", runtime);
      pam_putenv(pamh, variable);
    }
  }
  return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, char const **argv)
{
  (void)flags;
  return session(pamh, "open", argc, argv);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, char const **argv)
{
  (void)flags;
  return session(pamh, "close", argc, argv);
}
