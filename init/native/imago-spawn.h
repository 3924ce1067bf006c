/*
 * Starting a service: fork, set the child up, exec. imago-native.c converts
 * the JavaScript SpawnOptions (init/src/sys/native.d.ts) into an
 * imago_spawn_request and calls imago_spawn; the child never touches the JS
 * heap. Plain C: the request's memory belongs to the caller.
 *
 *   imago_spawn_request req = { .file = "sleep", .args = argv, .env = envp,
 *                               .std_fds = { -1, -2, -2 } };
 *   pid_t pid = imago_spawn(&req);
 */
#ifndef IMAGO_SPAWN_H
#define IMAGO_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

typedef struct {
    char *file;          /* a path, or a name looked up in the child's PATH */
    char **args;         /* NULL-terminated argv */
    char **env;          /* NULL-terminated environment */
    char *cwd;           /* directory to run in, or NULL */
    char *cgroup_procs;  /* <cgroup>/cgroup.procs to join before exec, or NULL */
    int std_fds[3];      /* -2: inherit, -1: /dev/null, else the fd to dup */
    int setsid;
    int has_uid, has_gid, has_groups, has_umask;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    uint32_t ngroups;
    mode_t umask;
} imago_spawn_request;

/*
 * Forks and runs `req` in the child. Returns the child's pid, or -1 with errno
 * set when fork failed. A failure in the child is written to its stderr as
 * `imago: <step> <file>: <error>` and ends it with status 127.
 */
pid_t imago_spawn(const imago_spawn_request *req);

#endif /* IMAGO_SPAWN_H */
