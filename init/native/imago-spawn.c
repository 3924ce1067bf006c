/*
 * The fork/exec path of native.spawn: everything between fork() and exec in
 * the child that runs a service, kept apart from the JavaScript bindings the
 * way dinit keeps run-child-proc.cc apart. Code here runs in a forked copy of
 * PID 1, so it follows the child's rules: no JS heap, no allocation, no stdio;
 * a failed step is reported on fd 2 and ends the child with status 127 (see
 * imago-spawn.h). The order of the steps is the contract:
 *
 *   signal dispositions and mask -> setsid -> cgroup -> stdio, close the rest
 *   -> chdir -> umask -> groups, gid, uid -> exec (with a PATH search)
 */
#define _GNU_SOURCE   /* syscall, setgroups */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include "imago-spawn.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* The select() limit of QuickJS's event loop: imago-native.c (MAX_LOOP_FD)
   keeps every descriptor it creates below it, so closing up to it is enough. */
#define MAX_LOOP_FD 1024

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Writes `imago: <what> <file>: <strerror(err)>` to fd 2 (async-signal-safe enough after fork). */
static void child_report(const char *what, const char *file, int err)
{
    const char *msg = strerror(err);
    const char *parts[] = { "imago: ", what, " ", file, ": ", msg, "\n" };
    for (size_t i = 0; i < countof(parts); i++) {
        ssize_t ignored = write(2, parts[i], strlen(parts[i]));
        (void)ignored;
    }
}

static void __attribute__((noreturn)) child_fail(const char *what, const char *file)
{
    child_report(what, file, errno);
    _exit(127);
}

/* execve with a PATH search in the child's own environment (execvpe would use ours). */
static void child_exec(const imago_spawn_request *p)
{
    if (strchr(p->file, '/')) {
        execve(p->file, p->args, p->env);
        return;
    }
    const char *path = DEFAULT_PATH;
    for (char **e = p->env; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            path = *e + 5;
    int saw_eacces = 0;
    size_t flen = strlen(p->file);
    for (const char *dir = path;; dir++) {
        const char *end = strchr(dir, ':');
        size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
        char buf[PATH_MAX];
        if (dlen + 1 + flen < sizeof(buf)) {
            memcpy(buf, dir, dlen);
            /* An empty PATH element means the current directory. */
            if (dlen == 0)
                buf[dlen++] = '.';
            buf[dlen] = '/';
            memcpy(buf + dlen + 1, p->file, flen + 1);
            execve(buf, p->args, p->env);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR)
                return;
        }
        if (!end)
            break;
        dir = end;
    }
    errno = saw_eacces ? EACCES : ENOENT;
}

/* Closes every descriptor from 3 up: close_range(2), else a loop to the select() limit. */
static void close_from_3(void)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3, ~0U, 0) == 0)
        return;
#endif
    for (int fd = 3; fd < MAX_LOOP_FD; fd++)
        close(fd);
}

/* The child between fork and exec; never returns. */
static void __attribute__((noreturn)) child_run(const imago_spawn_request *p)
{
    /* Dispositions first (while still masked), then the mask: no handler of
       ours can run in the child, and it starts with the default state. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigaction(sig, &dfl, NULL) == 0 || sig == SIGKILL || sig == SIGSTOP)
            continue;
        /* glibc refuses its reserved real-time signals (32, 33), yet an ignored
           one is inherited through exec from whoever started us. A zeroed kernel
           sigaction means SIG_DFL whatever the architecture's layout; the kernel
           sigset is 8 bytes, or 16 on MIPS. */
        unsigned long zero[16] = { 0 };
        if (syscall(SYS_rt_sigaction, sig, zero, NULL, 8) < 0)
            syscall(SYS_rt_sigaction, sig, zero, NULL, 16);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);

    if (p->setsid && setsid() < 0)
        child_fail("setsid for", p->file);

    /* Join the service's cgroup before anything else runs, so no process the
       service forks can start outside it (and escape limits or cgroup.kill). */
    if (p->cgroup_procs) {
        int fd = open(p->cgroup_procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0\n", 2) != 2)
            child_fail("join the cgroup of", p->file);
        close(fd);
    }

    /* Move the chosen descriptors above 2 first, so that installing one as
       fd 0..2 cannot clobber another that still has to be installed. */
    int moved[3];
    for (int i = 0; i < 3; i++) {
        moved[i] = -2;
        if (p->std_fds[i] == -1) {
            /* Without /dev (very early boot) the descriptor just stays closed. */
            int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (null_fd >= 0) {
                moved[i] = fcntl(null_fd, F_DUPFD_CLOEXEC, 3);
                close(null_fd);
            } else {
                moved[i] = -1;
            }
        } else if (p->std_fds[i] >= 0)
            moved[i] = fcntl(p->std_fds[i], F_DUPFD_CLOEXEC, 3);
        if (p->std_fds[i] >= 0 && moved[i] < 0)
            child_fail("set up stdio for", p->file);
    }
    for (int i = 0; i < 3; i++) {
        if (moved[i] >= 0) {
            if (dup2(moved[i], i) < 0)
                child_fail("set up stdio for", p->file);
        } else if (moved[i] == -1) {
            close(i);
        }
    }
    close_from_3();

    if (p->cwd && chdir(p->cwd) < 0)
        child_fail("chdir for", p->file);
    if (p->has_umask)
        umask(p->umask);

    /* Supplementary groups, then the group, then the user: after setuid we
       could no longer change the others. Without explicit groups, a root
       parent's groups are dropped rather than leaked to a lesser user. */
    if (p->has_groups) {
        if (setgroups(p->ngroups, p->groups) < 0)
            child_fail("setgroups for", p->file);
    } else if ((p->has_uid || p->has_gid) && geteuid() == 0) {
        if (setgroups(0, NULL) < 0)
            child_fail("setgroups for", p->file);
    }
    if (p->has_gid && setgid(p->gid) < 0)
        child_fail("setgid for", p->file);
    if (p->has_uid && setuid(p->uid) < 0)
        child_fail("setuid for", p->file);

    child_exec(p);
    child_fail("exec", p->file);
}

/* fork() keeps its errno for the caller; the child never returns from child_run. */
pid_t imago_spawn(const imago_spawn_request *req)
{
    pid_t pid = fork();
    if (pid == 0)
        child_run(req);
    return pid;
}
