/* hstop: SIGINT/SIGTERM during a certification run - below the CLI.
 *
 * hstop_install sets a handler (sigaction, no SA_RESTART so blocking waits
 * return EINTR) that only records the signal: the runner loops poll
 * hstop_requested() and wind down themselves (kill their case processes, stop
 * scheduling), and the command writes an "interrupted" report.  A second
 * signal exits at once (status 130): the handler kills the registered child
 * processes, removes the registered work directory with raw system calls
 * (open, getdents64, unlinkat, rmdir: all async-signal-safe) and calls _exit.
 * The embedded mock stops by itself when its lifeline pipe closes.
 *
 * Children forked after hstop_install call hstop_child_reset() first, so a
 * signal to the process group ends them instead of running this handler. */
#ifndef HSTOP_H
#define HSTOP_H

#include <sys/types.h>

#define HSTOP_EXIT 130 /* 128 + SIGINT: the run was interrupted */
#define HSTOP_MAX_CHILDREN 72

/* Installs the handler for SIGINT and SIGTERM; work: the run's work directory
 * (copied; removed by a second signal), or NULL.  0, or -1 (errno set). */
int hstop_install(const char *work);
/* A directory a second signal removes when it is empty (the report directory
 * this run created), or NULL. */
void hstop_set_empty_dir(const char *dir);
/* Restores the default dispositions (the caller's process, e.g. after the run). */
void hstop_uninstall(void);
/* The first signal received (SIGINT, SIGTERM), 0 when none. */
int hstop_requested(void);
/* In a freshly forked child: default dispositions for SIGINT and SIGTERM. */
void hstop_child_reset(void);

/* The children a second signal kills (a negative pid: a process group);
 * register returns a slot (-1: table full, the child is not tracked). */
int hstop_child_add(pid_t pid);
void hstop_child_remove(int slot);

#endif
