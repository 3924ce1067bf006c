/*
 * imago-tls: the C module registered as `imago:tls` in the fleet agent only
 * (see init/src/sys/tls.d.ts for the JavaScript contract).
 */
#ifndef IMAGO_TLS_H
#define IMAGO_TLS_H

#include "quickjs.h"

/* Creates the module `module_name` in `ctx` and declares its exports. */
JSModuleDef *js_init_module_imago_tls(JSContext *ctx, const char *module_name);

#endif /* IMAGO_TLS_H */
