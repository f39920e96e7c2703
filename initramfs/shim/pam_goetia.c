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
 */
#include <errno.h>
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

static char const helper[] = "/usr/lib/goetia/session";

/* Whether name can be a tree's: not empty, no slash, colon or leading dot. */
static int fits(char const *name)
{
  return name[0] && name[0] != '.' && !strpbrk(name, "/:\n") && strlen(name) < 64;
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
    if (fits(value)) snprintf(tree, size, "%s", value);
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/.config/goetia/session-tree", pw->pw_dir);
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  struct stat st;
  char own[64] = { 0 };
  if (fstat(fd, &st) == 0 && st.st_uid == pw->pw_uid && read(fd, own, sizeof own - 1) > 0) {
    own[strcspn(own, "\n")] = 0;
    if (fits(own)) snprintf(tree, size, "%s", own);
  }
  close(fd);
}

/* Runs the helper; its exit code, or -1 when it could not run. */
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
    execve(helper, args, env);
    _exit(127);
  }
  int status;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int session(pam_handle_t *pamh, char const *action, int argc, char const **argv)
{
  char const *user = 0;
  if (pam_get_user(pamh, &user, 0) != PAM_SUCCESS || !user) return PAM_SUCCESS;
  struct passwd const *pw = getpwnam(user);
  if (!pw || pw->pw_uid == 0) return PAM_SUCCESS;
  char tree[64];
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
