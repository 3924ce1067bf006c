/*
 * The init binary's main(): runs the bundled TypeScript init (QuickJS bytecode
 * produced by `qjsc -c -N init_bytecode`, linked in as `init_bytecode`) with
 * the `std`, `os` and `imago:native` modules, and never returns as PID 1.
 *
 * Why our own main() rather than qjsc's: qjsc's main() returns once the event
 * loop has no file handlers or timers left, and it exits on an uncaught
 * exception or an unhandled promise rejection. As PID 1 either would panic the
 * kernel. Here:
 *
 * - As PID 1: errors are logged to stderr and the loop is re-entered; when it
 *   has nothing left to wait for, main() reaps orphans forever (waking once a
 *   second to let JavaScript signal handlers set up with os.signal run).
 *   Only JavaScript can end the process (std.exit), so that decision is its own.
 * - Not PID 1 (tests on the build host): behaves like `qjs`: an uncaught error
 *   in the main module or an unhandled rejection exits with status 1, and an
 *   empty event loop exits with status 0.
 *
 * scriptArgs is the full argv, including argv[0].
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "quickjs-libc.h"
#include "imago-native.h"

/* Emitted by `qjsc -c -m -N init_bytecode`. */
extern const uint8_t init_bytecode[];
extern const uint32_t init_bytecode_size;

static int is_pid1;

/* A context with every intrinsic plus our three modules (also used for workers). */
static JSContext *new_context(JSRuntime *rt)
{
    JSContext *ctx = JS_NewContext(rt);
    if (!ctx)
        return NULL;
    if (!js_init_module_std(ctx, "std") || !js_init_module_os(ctx, "os") ||
        !js_init_module_imago_native(ctx, "imago:native")) {
        JS_FreeContext(ctx);
        return NULL;
    }
    return ctx;
}

/* Prints the pending exception to stderr with its stack and flushes. */
static void log_exception(JSContext *ctx, const char *what)
{
    fprintf(stderr, "init: error: %s: ", what);
    js_std_dump_error(ctx);
    fflush(NULL);
}

/* The reason last reported, held so its address cannot be reused by another
   (set to undefined in main(): JS_UNDEFINED is not a constant expression everywhere). */
static JSValue last_reason;

/*
 * Unlike js_std_promise_rejection_tracker, exits only when we are not PID 1.
 * A module that throws rejects two promises (its own and its evaluation's)
 * with the same reason: that is reported once.
 */
static void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    if (is_handled)
        return;
    if (JS_IsObject(reason) && JS_IsObject(last_reason) &&
        JS_VALUE_GET_PTR(reason) == JS_VALUE_GET_PTR(last_reason))
        return;
    JS_FreeValue(ctx, last_reason);
    last_reason = JS_DupValue(ctx, reason);
    JS_Throw(ctx, JS_DupValue(ctx, reason));
    log_exception(ctx, "unhandled promise rejection");
    if (!is_pid1)
        exit(1);
}

/*
 * Loads and starts the main module. With top-level await its evaluation
 * continues inside the event loop. Returns 0, or -1 after logging when the
 * bytecode could not be loaded or linked (e.g. an unknown import).
 */
static int start_main_module(JSContext *ctx)
{
    JSValue obj = JS_ReadObject(ctx, init_bytecode, init_bytecode_size, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(obj))
        goto fail;
    if (JS_VALUE_GET_TAG(obj) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, obj);
        JS_ThrowTypeError(ctx, "the embedded bytecode is not a module");
        goto fail;
    }
    if (JS_ResolveModule(ctx, obj) < 0) {
        JS_FreeValue(ctx, obj);
        goto fail;
    }
    js_module_set_import_meta(ctx, obj, 0, 1);
    /* The result is the module's promise. When the module throws, even
       synchronously, that promise is rejected with no handler attached, so
       rejection_tracker reports it. */
    JSValue promise = JS_EvalFunction(ctx, obj);
    if (JS_IsException(promise))
        goto fail;
    JS_FreeValue(ctx, promise);
    return 0;
fail:
    log_exception(ctx, "main module failed");
    return -1;
}

/* PID 1 with an empty event loop: reap orphans and give signal handlers a chance, forever. */
static void __attribute__((noreturn)) idle_forever(JSContext *ctx)
{
    fprintf(stderr, "init: warning: event loop is empty; only reaping orphans now\n");
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        fflush(NULL);
        sleep(1);             /* cut short by a signal that has a handler */
        js_std_loop(ctx);     /* runs pending os.signal handlers, and anything they start */
    }
}

int main(int argc, char **argv)
{
    is_pid1 = getpid() == 1;
    last_reason = JS_UNDEFINED;
    /* A write to a closed pipe or socket must be an EPIPE error, not death.
       Children get default dispositions back (spawn resets them). */
    signal(SIGPIPE, SIG_IGN);

    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = rt ? (js_std_set_worker_new_context_func(new_context),
                           js_std_init_handlers(rt), new_context(rt))
                        : NULL;
    if (!ctx) {
        /* Out of memory before any JavaScript ran: nothing sensible is left. */
        fprintf(stderr, "init: fatal: unable to create the JavaScript runtime\n");
        if (!is_pid1)
            return 1;
        for (;;)
            pause();
    }
    JS_SetHostPromiseRejectionTracker(rt, rejection_tracker, NULL);
    js_std_add_helpers(ctx, argc, argv);

    if (start_main_module(ctx) < 0 && !is_pid1) {
        return 1;
    }
    /* js_std_loop logs exceptions from handlers and jobs itself and goes on. */
    js_std_loop(ctx);
    if (!is_pid1) {
        fflush(NULL);
        return 0;
    }
    idle_forever(ctx);
}
