/*
 * imago-native: the C module registered as `imago:native` (see
 * init/src/sys/native.d.ts for the JavaScript contract).
 */
#ifndef IMAGO_NATIVE_H
#define IMAGO_NATIVE_H

#include "quickjs.h"

/* Creates the module `module_name` in `ctx` and declares its exports. */
JSModuleDef *js_init_module_imago_native(JSContext *ctx, const char *module_name);

#endif /* IMAGO_NATIVE_H */
