/* hstop: SIGINT/SIGTERM during a certification run.  See hstop.h. */
#define _GNU_SOURCE
#include "run/hstop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t installed;
static char work_dir[PATH_MAX];  /* written before the handler is installed, read-only after */
static char empty_dir[PATH_MAX]; /* changed only with the signals blocked */
static volatile pid_t children[HSTOP_MAX_CHILDREN];

/* Removes the files of dir and dir itself with system calls only. */
static void remove_dir_raw(const char *dir) {
  if (!dir[0])
    return;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[4096] __attribute__((aligned(8)));
    for (int rounds = 0; rounds < 1000; rounds++) {
      long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0)
        break;
      for (long off = 0; off < n;) {
        /* struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name */
        unsigned short reclen;
        memcpy(&reclen, buf + off + 16, sizeof reclen);
        const char *name = buf + off + 19;
        if (strcmp(name, ".") && strcmp(name, ".."))
          unlinkat(fd, name, 0);
        if (!reclen)
          break;
        off += reclen;
      }
    }
    close(fd);
  }
  rmdir(dir);
}

static void on_signal(int sig) {
  int saved = errno;
  if (stop_sig) {
    /* the second signal: stop now */
    for (int i = 0; i < HSTOP_MAX_CHILDREN; i++)
      if (children[i])
        kill(children[i], SIGKILL);
    remove_dir_raw(work_dir);
    if (empty_dir[0])
      rmdir(empty_dir);
    static const char msg[] = "\napiharness certify: interrupted twice: stopped at once\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(HSTOP_EXIT);
  }
  stop_sig = sig;
  static const char msg[] =
      "\napiharness certify: interrupted: stopping (a second signal stops at once)\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  errno = saved;
}

int hstop_install(const char *work) {
  size_t n = work ? strlen(work) : 0;
  if (n >= sizeof work_dir) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(work_dir, work ? work : "", n + 1);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = 0; /* no SA_RESTART: blocking waits see EINTR and look at the flag */
  if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
    return -1;
  installed = 1;
  return 0;
}

static void block(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, old);
}

void hstop_set_empty_dir(const char *dir) {
  sigset_t old;
  block(&old);
  size_t n = dir ? strlen(dir) : 0;
  if (n < sizeof empty_dir)
    memcpy(empty_dir, dir ? dir : "", n + 1);
  sigprocmask(SIG_SETMASK, &old, NULL);
}

void hstop_uninstall(void) {
  if (!installed)
    return;
  sigset_t old;
  block(&old);
  work_dir[0] = '\0';
  empty_dir[0] = '\0';
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  installed = 0;
  sigprocmask(SIG_SETMASK, &old, NULL);
}

int hstop_requested(void) { return (int)stop_sig; }

void hstop_child_reset(void) {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

int hstop_child_add(pid_t pid) {
  for (int i = 0; i < HSTOP_MAX_CHILDREN; i++)
    if (!children[i]) {
      children[i] = pid;
      return i;
    }
  return -1;
}

void hstop_child_remove(int slot) {
  if (slot >= 0 && slot < HSTOP_MAX_CHILDREN)
    children[slot] = 0;
}
