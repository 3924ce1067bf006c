/*
 * imago-native: the system calls PID 1 needs and QuickJS's `os` module lacks,
 * registered as the ES module `imago:native`. The JavaScript contract, with
 * every function and constant, is init/src/sys/native.d.ts.
 *
 *   import * as native from 'imago:native';
 *   const fd = native.signalfd([native.SIGCHLD, native.SIGTERM]);
 *   os.setReadHandler(fd, () => handle(native.readSignal(fd)));
 *
 * Conventions:
 * - Calls are thin wrappers: they return 0 (or a non-negative result such as a
 *   file descriptor) on success and -errno on failure, like QuickJS's `os`.
 *   Only wrong argument types throw (a TypeError from the conversion).
 * - Every descriptor we create is close-on-exec, and must stay below 1024
 *   because QuickJS's event loop uses select(): a larger one is closed again
 *   and reported as -EMFILE.
 * - No NSS functions (getpwnam, getaddrinfo): they need dlopen in a static
 *   binary. Addresses are numeric literals parsed with inet_pton.
 */
#define _GNU_SOURCE   /* pipe2, accept4, struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>

#include "imago-native.h"
#include "imago-hash.h"
#include "imago-spawn.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* The select() limit of QuickJS's event loop (imago-spawn.c closes up to it too). */
#define MAX_LOOP_FD 1024

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

/* Turns a libc result (-1 and errno on failure) into the -errno convention. */
static JSValue result(JSContext *ctx, int ret)
{
    return JS_NewInt32(ctx, ret < 0 ? -errno : ret);
}

/* Keeps a new descriptor usable by the event loop (see the header comment). */
static int loop_fd(int fd)
{
    if (fd >= MAX_LOOP_FD) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    return fd;
}

/* Converts argument `i` to an int32, or returns JS_EXCEPTION from the caller. */
#define ARG_INT(var, i) \
    int32_t var; \
    if (JS_ToInt32(ctx, &var, argv[i])) return JS_EXCEPTION

/* Converts argument `i` to a C string that must be freed with JS_FreeCString. */
#define ARG_STR(var, i) \
    const char *var = JS_ToCString(ctx, argv[i]); \
    if (!var) return JS_EXCEPTION

/* The length of a JS array; returns -1 with a pending exception on error. */
static int array_length(JSContext *ctx, JSValueConst arr, uint32_t *len, const char *what)
{
    if (JS_IsArray(ctx, arr) != 1) {
        if (!JS_HasException(ctx))
            JS_ThrowTypeError(ctx, "%s must be an array", what);
        return -1;
    }
    JSValue v = JS_GetPropertyStr(ctx, arr, "length");
    int bad = JS_ToUint32(ctx, len, v);
    JS_FreeValue(ctx, v);
    return bad ? -1 : 0;
}

/*
 * A NULL-terminated C array copied from a JS array of strings. The strings are
 * strdup'ed so the array survives fork() without touching the JS heap.
 */
typedef struct {
    char **items;
    uint32_t count;
} StrList;

static void strlist_free(StrList *list)
{
    if (list->items) {
        for (uint32_t i = 0; i < list->count; i++)
            free(list->items[i]);
        free(list->items);
    }
    list->items = NULL;
    list->count = 0;
}

/* Fills `list` from the array `arr`; returns -1 with a pending exception on error. */
static int strlist_from(JSContext *ctx, StrList *list, JSValueConst arr, const char *what)
{
    uint32_t len;
    list->items = NULL;
    list->count = 0;
    if (array_length(ctx, arr, &len, what))
        return -1;
    list->items = calloc(len + 1, sizeof(char *));
    if (!list->items) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    for (uint32_t i = 0; i < len; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, arr, i);
        const char *s = JS_IsString(v) ? JS_ToCString(ctx, v) : NULL;
        JS_FreeValue(ctx, v);
        if (!s) {
            if (!JS_HasException(ctx))
                JS_ThrowTypeError(ctx, "%s[%d] must be a string", what, (int)i);
            strlist_free(list);
            return -1;
        }
        list->items[i] = strdup(s);
        JS_FreeCString(ctx, s);
        list->count = i + 1;
        if (!list->items[i]) {
            strlist_free(list);
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Process, clock and error helpers                                         */

static JSValue n_strerror(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(err, 0);
    return JS_NewString(ctx, strerror(err < 0 ? -err : err));
}

static JSValue n_getpid(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewInt32(ctx, getpid());
}

static double clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static JSValue n_monotonicMs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewFloat64(ctx, clock_ms(CLOCK_MONOTONIC));
}

/* Whole milliseconds, like Date.now(). */
static JSValue n_realtimeMs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return JS_NewFloat64(ctx, (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000));
}

/* Sets CLOCK_REALTIME to whole milliseconds since the epoch: the init moves a
   battery-less device's clock forward to the last time it knew at boot. */
static JSValue n_setRealtimeMs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    double ms;
    struct timespec ts;
    if (JS_ToFloat64(ctx, &ms, argv[0]))
        return JS_EXCEPTION;
    if (!(ms >= 0)) {
        errno = EINVAL;
        return result(ctx, -1);
    }
    ts.tv_sec = (time_t)(ms / 1000.0);
    ts.tv_nsec = (long)(ms - (double)ts.tv_sec * 1000.0) * 1000000L;
    return result(ctx, clock_settime(CLOCK_REALTIME, &ts));
}

/* ------------------------------------------------------------------------ */
/* System administration                                                    */

/* Empty `fstype` or `data` strings are passed as NULL (bind mounts, remounts). */
static JSValue n_mount(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue ret = JS_EXCEPTION;
    const char *source = NULL, *target = NULL, *fstype = NULL, *data = NULL;
    uint32_t flags;
    if (!(source = JS_ToCString(ctx, argv[0])) || !(target = JS_ToCString(ctx, argv[1])) ||
        !(fstype = JS_ToCString(ctx, argv[2])) || JS_ToUint32(ctx, &flags, argv[3]) ||
        !(data = JS_ToCString(ctx, argv[4])))
        goto done;
    ret = result(ctx, mount(*source ? source : NULL, target, *fstype ? fstype : NULL, flags,
                       *data ? data : NULL));
done:
    JS_FreeCString(ctx, source);
    JS_FreeCString(ctx, target);
    JS_FreeCString(ctx, fstype);
    JS_FreeCString(ctx, data);
    return ret;
}

static JSValue n_umount2(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(flags, 1);
    ARG_STR(target, 0);
    JSValue ret = result(ctx, umount2(target, flags));
    JS_FreeCString(ctx, target);
    return ret;
}

static JSValue n_reboot(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(cmd, 0);
    return result(ctx, reboot(cmd));
}

static JSValue n_sync(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    sync();
    return JS_UNDEFINED;
}

static JSValue n_sethostname(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *name = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    JSValue ret = result(ctx, sethostname(name, len));
    JS_FreeCString(ctx, name);
    return ret;
}

static JSValue n_setsid(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return result(ctx, setsid());
}

static JSValue n_setChildSubreaper(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int on = JS_ToBool(ctx, argv[0]);
    if (on < 0)
        return JS_EXCEPTION;
    return result(ctx, prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)on, 0, 0, 0));
}

/* One-path calls: chroot, unlink. */
static JSValue n_path_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    ARG_STR(path, 0);
    JSValue ret = result(ctx, magic == 0 ? chroot(path) : unlink(path));
    JS_FreeCString(ctx, path);
    return ret;
}

/* Two-path calls: symlink(target, path), rename(from, to). */
static JSValue n_path2_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    ARG_STR(a, 0);
    const char *b = JS_ToCString(ctx, argv[1]);
    if (!b) {
        JS_FreeCString(ctx, a);
        return JS_EXCEPTION;
    }
    JSValue ret = result(ctx, magic == 0 ? symlink(a, b) : rename(a, b));
    JS_FreeCString(ctx, a);
    JS_FreeCString(ctx, b);
    return ret;
}

/* Returns the previous mask. */
static JSValue n_umask(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(mask, 0);
    return JS_NewInt32(ctx, umask(mask & 0777));
}

/* Path-plus-mode calls: chmod, mkdir. */
static JSValue n_path_mode_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    ARG_INT(mode, 1);
    ARG_STR(path, 0);
    JSValue ret = result(ctx, magic == 0 ? chmod(path, mode) : mkdir(path, mode));
    JS_FreeCString(ctx, path);
    return ret;
}

/* chown(2), which follows symlinks; -1 leaves an id unchanged. */
static JSValue n_chown(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(uid, 1);
    ARG_INT(gid, 2);
    ARG_STR(path, 0);
    JSValue ret = result(ctx, chown(path, (uid_t)uid, (gid_t)gid));
    JS_FreeCString(ctx, path);
    return ret;
}

static JSValue n_mknod(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint32_t mode, major, minor;
    if (JS_ToUint32(ctx, &mode, argv[1]) || JS_ToUint32(ctx, &major, argv[2]) ||
        JS_ToUint32(ctx, &minor, argv[3]))
        return JS_EXCEPTION;
    ARG_STR(path, 0);
    JSValue ret = result(ctx, mknod(path, mode, makedev(major, minor)));
    JS_FreeCString(ctx, path);
    return ret;
}

static JSValue n_fsync(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(fd, 0);
    return result(ctx, fsync(fd));
}

/* glibc has no finit_module wrapper: open the file and use the raw syscall. */
static JSValue n_finitModule(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_STR(path, 0);
    const char *params = JS_ToCString(ctx, argv[1]);
    if (!params) {
        JS_FreeCString(ctx, path);
        return JS_EXCEPTION;
    }
    int ret = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ret = syscall(SYS_finit_module, fd, params, 0);
        int saved = errno;
        close(fd);
        errno = saved;
    }
    JS_FreeCString(ctx, path);
    JS_FreeCString(ctx, params);
    return result(ctx, ret);
}

/*
 * statfs(path).f_type. Magic numbers are 32-bit but some have the top bit set
 * (btrfs 0x9123683e), so they are returned unsigned to keep -errno distinct.
 */
static JSValue n_statfsType(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct statfs st;
    ARG_STR(path, 0);
    int ret = statfs(path, &st);
    JS_FreeCString(ctx, path);
    if (ret < 0)
        return JS_NewInt32(ctx, -errno);
    return JS_NewUint32(ctx, (uint32_t)st.f_type);
}

/*
 * Replaces the process image. The signal mask is cleared first (a blocked
 * signalfd set must not leak into the next program) and restored if the exec
 * fails; dispositions of caught signals are reset by exec itself.
 */
static JSValue n_execv(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    StrList args;
    sigset_t empty, old;
    ARG_STR(path, 0);
    if (strlist_from(ctx, &args, argv[1], "args")) {
        JS_FreeCString(ctx, path);
        return JS_EXCEPTION;
    }
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, &old);
    execv(path, args.items);
    int err = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    JS_FreeCString(ctx, path);
    strlist_free(&args);
    return JS_NewInt32(ctx, -err);
}

/* ------------------------------------------------------------------------ */
/* Signals                                                                  */

/* Blocks the signals and returns a non-blocking, close-on-exec signalfd for them. */
static JSValue n_signalfd(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    sigset_t set;
    uint32_t len;
    sigemptyset(&set);
    if (array_length(ctx, argv[0], &len, "signals"))
        return JS_EXCEPTION;
    for (uint32_t i = 0; i < len; i++) {
        int32_t sig;
        JSValue v = JS_GetPropertyUint32(ctx, argv[0], i);
        int bad = JS_ToInt32(ctx, &sig, v);
        JS_FreeValue(ctx, v);
        if (bad)
            return JS_EXCEPTION;
        if (sigaddset(&set, sig) < 0)
            return JS_NewInt32(ctx, -errno);
    }
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return JS_NewInt32(ctx, -errno);
    return result(ctx, loop_fd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)));
}

/* One pending signal's number, -EAGAIN when none is pending. */
static JSValue n_readSignal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct signalfd_siginfo info;
    ARG_INT(fd, 0);
    ssize_t n = read(fd, &info, sizeof(info));
    if (n < 0)
        return JS_NewInt32(ctx, -errno);
    if (n != sizeof(info))
        return JS_NewInt32(ctx, -EIO);
    return JS_NewInt32(ctx, (int32_t)info.ssi_signo);
}

/* ------------------------------------------------------------------------ */
/* spawn: options for fork + exec of services (imago-spawn.c)               */

/* A request for imago-spawn.c and the lists it points into, converted before
   fork() so the child never touches JS. */
typedef struct {
    imago_spawn_request req;
    StrList args, env;
} SpawnPlan;

static void plan_free(SpawnPlan *p)
{
    free(p->req.file);
    free(p->req.cwd);
    free(p->req.cgroup_procs);
    free(p->req.groups);
    strlist_free(&p->args);
    strlist_free(&p->env);
}

/* Reads optional property `name`; *present says whether it was given (not undefined). */
static int opt_int(JSContext *ctx, JSValueConst obj, const char *name, int32_t *out, int *present)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    *present = 0;
    if (JS_IsException(v))
        return -1;
    if (JS_IsUndefined(v))
        return 0;
    int bad = JS_ToInt32(ctx, out, v);
    JS_FreeValue(ctx, v);
    *present = !bad;
    return bad ? -1 : 0;
}

static int opt_str(JSContext *ctx, JSValueConst obj, const char *name, char **out, int required)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    *out = NULL;
    if (JS_IsException(v))
        return -1;
    if (JS_IsUndefined(v)) {
        JS_FreeValue(ctx, v);
        if (required) {
            JS_ThrowTypeError(ctx, "spawn: %s is required", name);
            return -1;
        }
        return 0;
    }
    const char *s = JS_ToCString(ctx, v);
    JS_FreeValue(ctx, v);
    if (!s)
        return -1;
    *out = strdup(s);
    JS_FreeCString(ctx, s);
    if (!*out) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    return 0;
}

static int opt_strlist(JSContext *ctx, JSValueConst obj, const char *name, StrList *out)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    if (JS_IsException(v))
        return -1;
    int ret = strlist_from(ctx, out, v, name);
    JS_FreeValue(ctx, v);
    return ret;
}

static int plan_from(JSContext *ctx, SpawnPlan *p, JSValueConst opts)
{
    static const char *const std_names[3] = { "stdin", "stdout", "stderr" };
    int32_t n;
    int present;
    imago_spawn_request *r = &p->req;

    memset(p, 0, sizeof(*p));
    if (!JS_IsObject(opts)) {
        JS_ThrowTypeError(ctx, "spawn: options must be an object");
        return -1;
    }
    if (opt_str(ctx, opts, "file", &r->file, 1) || opt_strlist(ctx, opts, "args", &p->args) ||
        opt_strlist(ctx, opts, "env", &p->env) || opt_str(ctx, opts, "cwd", &r->cwd, 0))
        return -1;
    r->args = p->args.items;
    r->env = p->env.items;
    for (int i = 0; i < 3; i++) {
        if (opt_int(ctx, opts, std_names[i], &n, &present))
            return -1;
        r->std_fds[i] = present ? (n < 0 ? -1 : n) : -2;
    }
    JSValue v = JS_GetPropertyStr(ctx, opts, "setsid");
    r->setsid = JS_ToBool(ctx, v);
    JS_FreeValue(ctx, v);
    if (r->setsid < 0)
        return -1;
    if (opt_int(ctx, opts, "uid", &n, &r->has_uid))
        return -1;
    r->uid = (uid_t)n;
    if (opt_int(ctx, opts, "gid", &n, &r->has_gid))
        return -1;
    r->gid = (gid_t)n;
    if (opt_int(ctx, opts, "umask", &n, &r->has_umask))
        return -1;
    r->umask = (mode_t)n & 0777;

    char *cgroup = NULL;
    if (opt_str(ctx, opts, "cgroup", &cgroup, 0))
        return -1;
    if (cgroup) {
        size_t size = strlen(cgroup) + sizeof("/cgroup.procs");
        r->cgroup_procs = malloc(size);
        if (!r->cgroup_procs) {
            free(cgroup);
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
        snprintf(r->cgroup_procs, size, "%s/cgroup.procs", cgroup);
        free(cgroup);
    }

    v = JS_GetPropertyStr(ctx, opts, "groups");
    if (JS_IsException(v))
        return -1;
    if (!JS_IsUndefined(v)) {
        uint32_t len;
        r->has_groups = 1;
        if (array_length(ctx, v, &len, "groups")) {
            JS_FreeValue(ctx, v);
            return -1;
        }
        r->groups = calloc(len + 1, sizeof(gid_t));
        if (!r->groups) {
            JS_FreeValue(ctx, v);
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
        for (uint32_t i = 0; i < len; i++) {
            JSValue g = JS_GetPropertyUint32(ctx, v, i);
            int bad = JS_ToInt32(ctx, &n, g);
            JS_FreeValue(ctx, g);
            if (bad) {
                JS_FreeValue(ctx, v);
                return -1;
            }
            r->groups[r->ngroups++] = (gid_t)n;
        }
    }
    JS_FreeValue(ctx, v);
    return 0;
}

/* Returns the child's pid, or -errno when fork failed. See SpawnOptions. */
static JSValue n_spawn(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    SpawnPlan plan;
    if (plan_from(ctx, &plan, argv[0])) {
        plan_free(&plan);
        return JS_EXCEPTION;
    }
    pid_t pid = imago_spawn(&plan.req);
    int err = errno;
    plan_free(&plan);
    return JS_NewInt32(ctx, pid < 0 ? -err : pid);
}

/* ------------------------------------------------------------------------ */
/* Descriptors                                                              */

/* Sets or clears a flag: magic 0 = O_NONBLOCK (F_GETFL/F_SETFL), 1 = FD_CLOEXEC (F_GETFD/F_SETFD). */
static JSValue n_set_fd_flag(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    ARG_INT(fd, 0);
    int on = JS_ToBool(ctx, argv[1]);
    if (on < 0)
        return JS_EXCEPTION;
    int get = magic ? F_GETFD : F_GETFL, set = magic ? F_SETFD : F_SETFL;
    int bit = magic ? FD_CLOEXEC : O_NONBLOCK;
    int flags = fcntl(fd, get);
    if (flags < 0)
        return JS_NewInt32(ctx, -errno);
    flags = on ? (flags | bit) : (flags & ~bit);
    return result(ctx, fcntl(fd, set, flags));
}

static JSValue n_pipe(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return JS_NewInt32(ctx, -errno);
    if (fds[0] >= MAX_LOOP_FD || fds[1] >= MAX_LOOP_FD) {
        close(fds[0]);
        close(fds[1]);
        return JS_NewInt32(ctx, -EMFILE);
    }
    JSValue arr = JS_NewArray(ctx);
    if (JS_IsException(arr))
        return arr;
    JS_SetPropertyUint32(ctx, arr, 0, JS_NewInt32(ctx, fds[0]));
    JS_SetPropertyUint32(ctx, arr, 1, JS_NewInt32(ctx, fds[1]));
    return arr;
}

static void free_buffer(JSRuntime *rt, void *opaque, void *ptr)
{
    js_free_rt(rt, ptr);
}

/* read(2) into a new ArrayBuffer of the bytes read (empty at end of file). */
static JSValue n_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(fd, 0);
    ARG_INT(max, 1);
    if (max < 0)
        return JS_NewInt32(ctx, -EINVAL);
    uint8_t *buf = js_malloc(ctx, max > 0 ? max : 1);
    if (!buf)
        return JS_EXCEPTION;
    ssize_t n = read(fd, buf, max);
    if (n < 0) {
        int err = errno;
        js_free(ctx, buf);
        return JS_NewInt32(ctx, -err);
    }
    /* Shrink large, mostly empty buffers rather than keep `max` bytes alive. */
    if (n < max / 2) {
        uint8_t *small = js_realloc(ctx, buf, n > 0 ? n : 1);
        if (small)
            buf = small;
    }
    return JS_NewArrayBuffer(ctx, buf, n, free_buffer, NULL, 0);
}

/* write(2) of a string (as UTF-8), an ArrayBuffer, or a typed array's bytes. */
static JSValue n_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(fd, 0);
    if (JS_IsString(argv[1])) {
        size_t len;
        const char *s = JS_ToCStringLen(ctx, &len, argv[1]);
        if (!s)
            return JS_EXCEPTION;
        ssize_t n = write(fd, s, len);
        int err = errno;
        JS_FreeCString(ctx, s);
        return JS_NewInt32(ctx, n < 0 ? -err : (int32_t)n);
    }
    size_t size, offset = 0, len;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, argv[1]);
    if (data) {
        len = size;
    } else {
        JS_FreeValue(ctx, JS_GetException(ctx));
        size_t elem;
        JSValue ab = JS_GetTypedArrayBuffer(ctx, argv[1], &offset, &len, &elem);
        if (JS_IsException(ab)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            return JS_ThrowTypeError(ctx, "write: data must be a string, ArrayBuffer or typed array");
        }
        data = JS_GetArrayBuffer(ctx, &size, ab);
        JS_FreeValue(ctx, ab);
        if (!data)
            return JS_EXCEPTION;
    }
    ssize_t n = write(fd, data + offset, len);
    return JS_NewInt32(ctx, n < 0 ? -errno : (int32_t)n);
}

static JSValue n_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(fd, 0);
    return result(ctx, close(fd));
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                  */

/* Parses an IPv4 or IPv6 literal into `sa`; returns its length, or 0 if invalid. */
static socklen_t parse_inet(const char *address, int port, struct sockaddr_storage *sa)
{
    memset(sa, 0, sizeof(*sa));
    struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
    if (port < 0 || port > 65535)
        return 0;
    if (inet_pton(AF_INET, address, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        return sizeof(*in4);
    }
    if (inet_pton(AF_INET6, address, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        return sizeof(*in6);
    }
    return 0;
}

/* Fills a Unix socket address; returns its length, or 0 if the path is too long. */
static socklen_t unix_address(const char *path, struct sockaddr_un *sa)
{
    size_t len = strlen(path);
    memset(sa, 0, sizeof(*sa));
    if (len == 0 || len >= sizeof(sa->sun_path))
        return 0;
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, path, len + 1);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

static int new_socket(int family)
{
    return loop_fd(socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

/* Closes `fd` keeping errno; returns -errno for the caller. */
static int fail_close(int fd)
{
    int err = errno;
    close(fd);
    return -err;
}

/* A non-blocking connect: the fd while it is in progress or done, else -errno. */
static int connect_nonblocking(const struct sockaddr *sa, socklen_t len)
{
    int fd = new_socket(sa->sa_family);
    if (fd < 0)
        return -errno;
    if (connect(fd, sa, len) < 0 && errno != EINPROGRESS)
        return fail_close(fd);
    return fd;
}

/* Binds and listens, with SO_REUSEADDR for TCP so restarts do not hit TIME_WAIT. */
static int listen_on(const struct sockaddr *sa, socklen_t len, int backlog)
{
    int one = 1;
    int fd = new_socket(sa->sa_family);
    if (fd < 0)
        return -errno;
    if (sa->sa_family != AF_UNIX && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
        return fail_close(fd);
    if (bind(fd, sa, len) < 0 || listen(fd, backlog) < 0)
        return fail_close(fd);
    return fd;
}

/* TCP connect (magic 0) or listen (magic 1) on an address literal. */
static JSValue n_tcp(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    struct sockaddr_storage sa;
    ARG_INT(port, 1);
    int32_t backlog = 0;
    if (magic && JS_ToInt32(ctx, &backlog, argv[2]))
        return JS_EXCEPTION;
    ARG_STR(address, 0);
    socklen_t len = parse_inet(address, port, &sa);
    JS_FreeCString(ctx, address);
    if (!len)
        return JS_NewInt32(ctx, -EINVAL);
    int fd = magic ? listen_on((struct sockaddr *)&sa, len, backlog)
                   : connect_nonblocking((struct sockaddr *)&sa, len);
    return JS_NewInt32(ctx, fd);
}

/* Listening Unix socket; a stale socket file at `path` (only a socket) is removed first. */
static JSValue n_unixListen(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct sockaddr_un sa;
    struct stat st;
    ARG_INT(backlog, 1);
    ARG_STR(path, 0);
    socklen_t len = unix_address(path, &sa);
    if (len && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    JS_FreeCString(ctx, path);
    if (!len)
        return JS_NewInt32(ctx, -ENAMETOOLONG);
    return JS_NewInt32(ctx, listen_on((struct sockaddr *)&sa, len, backlog));
}

static JSValue n_unixConnect(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct sockaddr_un sa;
    ARG_STR(path, 0);
    socklen_t len = unix_address(path, &sa);
    JS_FreeCString(ctx, path);
    if (!len)
        return JS_NewInt32(ctx, -ENAMETOOLONG);
    return JS_NewInt32(ctx, connect_nonblocking((struct sockaddr *)&sa, len));
}

static JSValue n_accept(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    ARG_INT(fd, 0);
    int conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    return result(ctx, loop_fd(conn));
}

/* SO_ERROR: 0 once a non-blocking connect succeeded, else a positive errno. */
static JSValue n_socketError(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int err = 0;
    socklen_t len = sizeof(err);
    ARG_INT(fd, 0);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    return JS_NewInt32(ctx, err);
}

/*
 * SO_PEERCRED: who is at the other end of a Unix socket, as [pid, uid, gid]
 * taken by the kernel when the peer called connect(), so a client cannot
 * claim another identity; -errno on failure. Supplementary groups are not
 * part of it (the init reads them from /proc/<pid>/status).
 */
static JSValue n_peerCredentials(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    ARG_INT(fd, 0);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return JS_NewInt32(ctx, -errno);
    JSValue arr = JS_NewArray(ctx);
    if (JS_IsException(arr))
        return arr;
    JS_SetPropertyUint32(ctx, arr, 0, JS_NewInt32(ctx, (int32_t)cred.pid));
    JS_SetPropertyUint32(ctx, arr, 1, JS_NewUint32(ctx, (uint32_t)cred.uid));
    JS_SetPropertyUint32(ctx, arr, 2, JS_NewUint32(ctx, (uint32_t)cred.gid));
    return arr;
}

/* SIOCGIFFLAGS / SIOCSIFFLAGS on any socket: sets or clears IFF_UP. */
static JSValue n_setInterfaceUp(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct ifreq ifr;
    int up = JS_ToBool(ctx, argv[1]);
    if (up < 0)
        return JS_EXCEPTION;
    ARG_STR(name, 0);
    size_t len = strlen(name);
    memset(&ifr, 0, sizeof(ifr));
    if (len == 0 || len >= IFNAMSIZ) {
        JS_FreeCString(ctx, name);
        return JS_NewInt32(ctx, -EINVAL);
    }
    memcpy(ifr.ifr_name, name, len);
    JS_FreeCString(ctx, name);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return JS_NewInt32(ctx, -errno);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        return JS_NewInt32(ctx, fail_close(fd));
    if (up)
        ifr.ifr_flags |= IFF_UP;
    else
        ifr.ifr_flags &= ~IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        return JS_NewInt32(ctx, fail_close(fd));
    close(fd);
    return JS_NewInt32(ctx, 0);
}

/* ------------------------------------------------------------------------ */
/* Hashes for the update agent (imago-hash.c)                               */

/* sha256Init(): a context as an ArrayBuffer, updated in place by sha256Update. */
static JSValue n_sha256Init(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    imago_sha256 c;
    imago_sha256_init(&c);
    return JS_NewArrayBufferCopy(ctx, (const uint8_t *)&c, sizeof c);
}

static imago_sha256 *sha256_context(JSContext *ctx, JSValueConst value)
{
    size_t size;
    uint8_t *p = JS_GetArrayBuffer(ctx, &size, value);
    if (!p || size != sizeof(imago_sha256)) {
        JS_ThrowTypeError(ctx, "expected a context from sha256Init");
        return NULL;
    }
    return (imago_sha256 *)p;
}

/* sha256Update(context, data[, length]): hashes the first `length` bytes of data. */
static JSValue n_sha256Update(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    imago_sha256 *c = sha256_context(ctx, argv[0]);
    if (!c)
        return JS_EXCEPTION;
    size_t size;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, argv[1]);
    if (!data)
        return JS_EXCEPTION;
    if (argc > 2 && !JS_IsUndefined(argv[2])) {
        int64_t length;
        if (JS_ToInt64(ctx, &length, argv[2]) < 0)
            return JS_EXCEPTION;
        if (length >= 0 && (size_t)length < size)
            size = (size_t)length;
    }
    imago_sha256_update(c, data, size);
    return JS_UNDEFINED;
}

/* sha256Final(context): the 32-byte digest. */
static JSValue n_sha256Final(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    imago_sha256 *c = sha256_context(ctx, argv[0]);
    if (!c)
        return JS_EXCEPTION;
    uint8_t out[32];
    imago_sha256_final(c, out);
    return JS_NewArrayBufferCopy(ctx, out, sizeof out);
}

/* sha512(data): the 64-byte digest, for Ed25519 verification. */
static JSValue n_sha512(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t size;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, argv[0]);
    if (!data)
        return JS_EXCEPTION;
    uint8_t out[64];
    imago_sha512(data, size, out);
    return JS_NewArrayBufferCopy(ctx, out, sizeof out);
}

/* ------------------------------------------------------------------------ */
/* Module definition                                                        */

#define CONST(x) JS_PROP_INT32_DEF(#x, x, 0)

static const JSCFunctionListEntry native_funcs[] = {
    CONST(MS_RDONLY), CONST(MS_NOSUID), CONST(MS_NODEV), CONST(MS_NOEXEC),
    CONST(MS_REMOUNT), CONST(MS_BIND), CONST(MS_MOVE), CONST(MS_REC),
    CONST(MS_PRIVATE), CONST(MS_RELATIME),
    CONST(MNT_DETACH),
    CONST(RB_AUTOBOOT), CONST(RB_HALT_SYSTEM), CONST(RB_POWER_OFF),
    CONST(SIGHUP), CONST(SIGINT), CONST(SIGQUIT), CONST(SIGKILL), CONST(SIGUSR1),
    CONST(SIGUSR2), CONST(SIGPIPE), CONST(SIGTERM), CONST(SIGCHLD), CONST(SIGCONT),
    CONST(SIGSTOP), CONST(SIGPWR),
    CONST(EAGAIN), CONST(EINTR), CONST(ECHILD), CONST(EEXIST), CONST(ENOENT),
    CONST(EINPROGRESS), CONST(EBUSY), CONST(EPIPE), CONST(ESRCH),
    /* open(2) flags QuickJS's os module lacks; their values differ on MIPS. */
    CONST(O_NOCTTY), CONST(O_NONBLOCK),

    JS_CFUNC_DEF("strerror", 1, n_strerror),
    JS_CFUNC_DEF("getpid", 0, n_getpid),
    JS_CFUNC_DEF("monotonicMs", 0, n_monotonicMs),
    JS_CFUNC_DEF("realtimeMs", 0, n_realtimeMs),
    JS_CFUNC_DEF("setRealtimeMs", 1, n_setRealtimeMs),

    JS_CFUNC_DEF("mount", 5, n_mount),
    JS_CFUNC_DEF("umount2", 2, n_umount2),
    JS_CFUNC_DEF("reboot", 1, n_reboot),
    JS_CFUNC_DEF("sync", 0, n_sync),
    JS_CFUNC_DEF("sethostname", 1, n_sethostname),
    JS_CFUNC_DEF("setsid", 0, n_setsid),
    JS_CFUNC_DEF("setChildSubreaper", 1, n_setChildSubreaper),
    JS_CFUNC_MAGIC_DEF("chroot", 1, n_path_call, 0),
    JS_CFUNC_DEF("umask", 1, n_umask),
    JS_CFUNC_MAGIC_DEF("chmod", 2, n_path_mode_call, 0),
    JS_CFUNC_DEF("chown", 3, n_chown),
    JS_CFUNC_DEF("mknod", 4, n_mknod),
    JS_CFUNC_MAGIC_DEF("mkdir", 2, n_path_mode_call, 1),
    JS_CFUNC_MAGIC_DEF("symlink", 2, n_path2_call, 0),
    JS_CFUNC_MAGIC_DEF("unlink", 1, n_path_call, 1),
    JS_CFUNC_MAGIC_DEF("rename", 2, n_path2_call, 1),
    JS_CFUNC_DEF("fsync", 1, n_fsync),
    JS_CFUNC_DEF("finitModule", 2, n_finitModule),
    JS_CFUNC_DEF("statfsType", 1, n_statfsType),
    JS_CFUNC_DEF("execv", 2, n_execv),

    JS_CFUNC_DEF("signalfd", 1, n_signalfd),
    JS_CFUNC_DEF("readSignal", 1, n_readSignal),
    JS_CFUNC_DEF("spawn", 1, n_spawn),

    JS_CFUNC_MAGIC_DEF("setNonblock", 2, n_set_fd_flag, 0),
    JS_CFUNC_MAGIC_DEF("setCloexec", 2, n_set_fd_flag, 1),
    JS_CFUNC_DEF("pipe", 0, n_pipe),
    JS_CFUNC_DEF("read", 2, n_read),
    JS_CFUNC_DEF("write", 2, n_write),
    JS_CFUNC_DEF("close", 1, n_close),

    JS_CFUNC_MAGIC_DEF("tcpConnect", 2, n_tcp, 0),
    JS_CFUNC_MAGIC_DEF("tcpListen", 3, n_tcp, 1),
    JS_CFUNC_DEF("unixListen", 2, n_unixListen),
    JS_CFUNC_DEF("unixConnect", 1, n_unixConnect),
    JS_CFUNC_DEF("accept", 1, n_accept),
    JS_CFUNC_DEF("socketError", 1, n_socketError),
    JS_CFUNC_DEF("peerCredentials", 1, n_peerCredentials),
    JS_CFUNC_DEF("setInterfaceUp", 2, n_setInterfaceUp),
    JS_CFUNC_DEF("sha256Init", 0, n_sha256Init),
    JS_CFUNC_DEF("sha256Update", 3, n_sha256Update),
    JS_CFUNC_DEF("sha256Final", 1, n_sha256Final),
    JS_CFUNC_DEF("sha512", 1, n_sha512),
    CONST(O_SYNC),
};

static int native_init(JSContext *ctx, JSModuleDef *m)
{
    return JS_SetModuleExportList(ctx, m, native_funcs, countof(native_funcs));
}

JSModuleDef *js_init_module_imago_native(JSContext *ctx, const char *module_name)
{
    JSModuleDef *m = JS_NewCModule(ctx, module_name, native_init);
    if (!m)
        return NULL;
    if (JS_AddModuleExportList(ctx, m, native_funcs, countof(native_funcs)) < 0)
        return NULL;
    return m;
}
