/*
 * The fleet agent's main(): an ordinary process (never PID 1) that runs the
 * bundled agent (QuickJS bytecode from `qjsc -c -N agent_bytecode`) with the
 * `std`, `os`, `imago:native` and `imago:tls` modules.
 *
 * Like `qjs`: an uncaught error in the main module or an unhandled promise
 * rejection prints the error to stderr and exits with status 1, so the init
 * that supervises the agent sees it fail and restarts it; an empty event loop
 * exits with status 0. scriptArgs is the full argv, including argv[0].
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "quickjs-libc.h"
#include "imago-native.h"
#include "imago-tls.h"

/* Emitted by `qjsc -c -m -N agent_bytecode`. */
extern const uint8_t agent_bytecode[];
extern const uint32_t agent_bytecode_size;

static JSContext *new_context(JSRuntime *rt)
{
    JSContext *ctx = JS_NewContext(rt);
    if (!ctx)
        return NULL;
    if (!js_init_module_std(ctx, "std") || !js_init_module_os(ctx, "os") ||
        !js_init_module_imago_native(ctx, "imago:native") || !js_init_module_imago_tls(ctx, "imago:tls")) {
        JS_FreeContext(ctx);
        return NULL;
    }
    return ctx;
}

static void __attribute__((noreturn)) die_with_exception(JSContext *ctx, const char *what)
{
    fprintf(stderr, "agent: error: %s: ", what);
    js_std_dump_error(ctx);
    fflush(NULL);
    exit(1);
}

static void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    if (is_handled)
        return;
    JS_Throw(ctx, JS_DupValue(ctx, reason));
    die_with_exception(ctx, "unhandled promise rejection");
}

int main(int argc, char **argv)
{
    /* A write to a closed socket must be an EPIPE error, not death. */
    signal(SIGPIPE, SIG_IGN);
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = rt ? (js_std_set_worker_new_context_func(new_context),
                           js_std_init_handlers(rt), new_context(rt))
                        : NULL;
    if (!ctx) {
        fprintf(stderr, "agent: fatal: unable to create the JavaScript runtime\n");
        return 1;
    }
    JS_SetHostPromiseRejectionTracker(rt, rejection_tracker, NULL);
    js_std_add_helpers(ctx, argc, argv);

    JSValue obj = JS_ReadObject(ctx, agent_bytecode, agent_bytecode_size, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(obj))
        die_with_exception(ctx, "cannot load the agent");
    if (JS_VALUE_GET_TAG(obj) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, obj);
        JS_ThrowTypeError(ctx, "the embedded bytecode is not a module");
        die_with_exception(ctx, "cannot load the agent");
    }
    if (JS_ResolveModule(ctx, obj) < 0) {
        JS_FreeValue(ctx, obj);
        die_with_exception(ctx, "cannot link the agent");
    }
    js_module_set_import_meta(ctx, obj, 0, 1);
    /* A throwing module rejects its promise: rejection_tracker reports it and exits. */
    JSValue promise = JS_EvalFunction(ctx, obj);
    if (JS_IsException(promise))
        die_with_exception(ctx, "main module failed");
    JS_FreeValue(ctx, promise);
    js_std_loop(ctx);
    fflush(NULL);
    return 0;
}
