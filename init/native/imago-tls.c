/*
 * imago-tls: TLS for the fleet agent on mbed TLS, registered as `imago:tls`
 * (contract: init/src/sys/tls.d.ts). PID 1 never links this file.
 *
 * Conventions:
 * - Results are numbers: >= 0 is success, WANT_READ/WANT_WRITE ask the
 *   caller's event loop to wait, other negatives are errors. A code with
 *   -code < 4096 is -errno (sockets); anything else is an mbed TLS code.
 *   errorText turns either into words.
 * - Text from JavaScript (PEM, names) is copied by QuickJS into a
 *   NUL-terminated buffer; buffers and offsets are checked against the
 *   ArrayBuffer's size after every conversion that could run JavaScript.
 * - Every error path frees what it set up; a session's contexts are freed by
 *   close() or, if the script forgets, by the object's finalizer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_csr.h"
#include "psa/crypto.h"

#include "imago-tls.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* The select() limit of QuickJS's event loop (as in imago-native.c). */
#define MAX_LOOP_FD 1024
/* Room for a PEM P-256 key, CSR or short text; certificates are never written. */
#define PEM_BUFFER 4096
/* Codes this small are -errno, not mbed TLS's (whose codes start higher for everything a session returns). */
#define ERRNO_LIMIT 4096

/* ------------------------------------------------------------------------ */
/* Randomness: one DRBG for the process, seeded on first use.               */

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static int random_ready;

/* Seeds the DRBG and PSA (TLS 1.3's key schedule) once; throws when the kernel's random source fails. */
static int need_random(JSContext *ctx)
{
    if (random_ready)
        return 0;
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    static const unsigned char personal[] = "imago-agent";
    int ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, personal, sizeof personal - 1);
    if (ret == 0 && psa_crypto_init() != PSA_SUCCESS)
        ret = MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    if (ret != 0) {
        mbedtls_ctr_drbg_free(&drbg);
        mbedtls_entropy_free(&entropy);
        char text[128];
        mbedtls_strerror(ret, text, sizeof text);
        JS_ThrowInternalError(ctx, "imago:tls: cannot seed the random generator: %s", text);
        return -1;
    }
    random_ready = 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static void throw_mbedtls(JSContext *ctx, const char *what, int code)
{
    char text[160];
    mbedtls_strerror(code, text, sizeof text);
    JS_ThrowTypeError(ctx, "imago:tls: %s: %s (-0x%04x)", what, text, (unsigned)-code);
}

/* A PEM argument as mbed TLS wants it: NUL-terminated, length counting the NUL. */
typedef struct {
    const char *text;
    size_t size;
} Pem;

static int arg_pem(JSContext *ctx, JSValueConst value, Pem *pem, const char *what)
{
    size_t len;
    pem->text = JS_ToCStringLen(ctx, &len, value);
    if (!pem->text)
        return -1;
    if (!strstr(pem->text, "-----BEGIN ")) {
        JS_FreeCString(ctx, pem->text);
        pem->text = NULL;
        JS_ThrowTypeError(ctx, "imago:tls: %s must be PEM text (-----BEGIN ...)", what);
        return -1;
    }
    pem->size = len + 1;
    return 0;
}

static void free_pem(JSContext *ctx, Pem *pem)
{
    if (pem->text)
        JS_FreeCString(ctx, pem->text);
    pem->text = NULL;
}

/* Why a certificate was refused, in the words of tls.d.ts; '' for no flags. */
static void verify_text(uint32_t flags, char *out, size_t size)
{
    static const struct { uint32_t flag; const char *text; } reasons[] = {
        { MBEDTLS_X509_BADCERT_EXPIRED, "expired" },
        { MBEDTLS_X509_BADCERT_FUTURE, "not yet valid" },
        { MBEDTLS_X509_BADCERT_NOT_TRUSTED, "not signed by the pinned CA" },
        { MBEDTLS_X509_BADCERT_CN_MISMATCH, "wrong name (the certificate does not carry the server's host name or address)" },
        { MBEDTLS_X509_BADCERT_REVOKED, "revoked" },
        { MBEDTLS_X509_BADCERT_BAD_KEY, "key not acceptable" },
        { MBEDTLS_X509_BADCERT_BAD_MD, "signature hash not acceptable" },
        { MBEDTLS_X509_BADCERT_BAD_PK, "key type not acceptable" },
        { MBEDTLS_X509_BADCERT_KEY_USAGE, "key usage does not allow it" },
        { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "extended key usage does not allow it" },
        { MBEDTLS_X509_BADCERT_MISSING, "no certificate" },
        { MBEDTLS_X509_BADCERT_SKIP_VERIFY, "not verified" },
        { MBEDTLS_X509_BADCRL_EXPIRED, "CRL expired" },
        { MBEDTLS_X509_BADCERT_OTHER, "refused" },
    };
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < countof(reasons); i++) {
        if (!(flags & reasons[i].flag))
            continue;
        int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", reasons[i].text);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
        flags &= ~reasons[i].flag;
    }
    if (flags && used + 32 < size)
        snprintf(out + used, size - used, "%srefused (flags 0x%x)", used ? ", " : "", (unsigned)flags);
}

/* An X.509 time as ms since the epoch (UTC; timegm ignores the TZ variable). */
static double x509_time_ms(const mbedtls_x509_time *t)
{
    struct tm tm = { 0 };
    tm.tm_year = t->year - 1900;
    tm.tm_mon = t->mon - 1;
    tm.tm_mday = t->day;
    tm.tm_hour = t->hour;
    tm.tm_min = t->min;
    tm.tm_sec = t->sec;
    return (double)timegm(&tm) * 1000.0;
}

/* ------------------------------------------------------------------------ */
/* Keys, requests and certificates                                          */

static JSValue js_generate_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (need_random(ctx))
        return JS_EXCEPTION;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    unsigned char *out = NULL;
    JSValue result = JS_EXCEPTION;
    int ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0)
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk), mbedtls_ctr_drbg_random, &drbg);
    if (ret == 0) {
        out = js_malloc(ctx, PEM_BUFFER);
        if (!out)
            goto done;
        ret = mbedtls_pk_write_key_pem(&pk, out, PEM_BUFFER);
    }
    if (ret != 0) {
        throw_mbedtls(ctx, "generateKey", ret);
        goto done;
    }
    result = JS_NewString(ctx, (const char *)out);
done:
    if (out) {
        mbedtls_platform_zeroize(out, PEM_BUFFER);   /* it held the private key */
        js_free(ctx, out);
    }
    mbedtls_pk_free(&pk);
    return result;
}

/* Parses a private key; throws with `what` on failure. */
static int parse_key(JSContext *ctx, mbedtls_pk_context *pk, JSValueConst value, const char *what)
{
    Pem pem = { 0 };
    if (arg_pem(ctx, value, &pem, what))
        return -1;
    int ret = mbedtls_pk_parse_key(pk, (const unsigned char *)pem.text, pem.size, NULL, 0, mbedtls_ctr_drbg_random, &drbg);
    free_pem(ctx, &pem);
    if (ret != 0) {
        throw_mbedtls(ctx, what, ret);
        return -1;
    }
    return 0;
}

/* Parses one or more certificates into `crt`; throws with `what` on failure. */
static int parse_certs(JSContext *ctx, mbedtls_x509_crt *crt, JSValueConst value, const char *what)
{
    Pem pem = { 0 };
    if (arg_pem(ctx, value, &pem, what))
        return -1;
    int ret = mbedtls_x509_crt_parse(crt, (const unsigned char *)pem.text, pem.size);
    free_pem(ctx, &pem);
    if (ret != 0) {
        /* A positive result counts certificates that failed to parse. */
        if (ret > 0)
            JS_ThrowTypeError(ctx, "imago:tls: %s: %d certificate(s) could not be parsed", what, ret);
        else
            throw_mbedtls(ctx, what, ret);
        return -1;
    }
    return 0;
}

static JSValue js_create_csr(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (need_random(ctx))
        return JS_EXCEPTION;
    mbedtls_pk_context pk;
    mbedtls_x509write_csr csr;
    mbedtls_pk_init(&pk);
    mbedtls_x509write_csr_init(&csr);
    const char *subject = NULL;
    unsigned char *out = NULL;
    JSValue result = JS_EXCEPTION;
    if (parse_key(ctx, &pk, argv[0], "createCsr: keyPem"))
        goto done;
    subject = JS_ToCString(ctx, argv[1]);
    if (!subject)
        goto done;
    int ret = mbedtls_x509write_csr_set_subject_name(&csr, subject);
    if (ret != 0) {
        throw_mbedtls(ctx, "createCsr: subject (expected e.g. CN=device,O=imago)", ret);
        goto done;
    }
    mbedtls_x509write_csr_set_key(&csr, &pk);
    mbedtls_x509write_csr_set_md_alg(&csr, MBEDTLS_MD_SHA256);
    out = js_malloc(ctx, PEM_BUFFER);
    if (!out)
        goto done;
    ret = mbedtls_x509write_csr_pem(&csr, out, PEM_BUFFER, mbedtls_ctr_drbg_random, &drbg);
    if (ret != 0) {
        throw_mbedtls(ctx, "createCsr", ret);
        goto done;
    }
    result = JS_NewString(ctx, (const char *)out);
done:
    js_free(ctx, out);
    if (subject)
        JS_FreeCString(ctx, subject);
    mbedtls_x509write_csr_free(&csr);
    mbedtls_pk_free(&pk);
    return result;
}

static JSValue js_certificate_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    JSValue result = JS_EXCEPTION;
    if (parse_certs(ctx, &crt, argv[0], "certificateInfo: pem"))
        goto done;
    char subject[512], issuer[512], serial[128];
    if (mbedtls_x509_dn_gets(subject, sizeof subject, &crt.subject) < 0 ||
        mbedtls_x509_dn_gets(issuer, sizeof issuer, &crt.issuer) < 0 ||
        mbedtls_x509_serial_gets(serial, sizeof serial, &crt.serial) < 0) {
        JS_ThrowRangeError(ctx, "imago:tls: certificateInfo: subject, issuer or serial longer than expected");
        goto done;
    }
    result = JS_NewObject(ctx);
    if (JS_IsException(result))
        goto done;
    JS_SetPropertyStr(ctx, result, "subject", JS_NewString(ctx, subject));
    JS_SetPropertyStr(ctx, result, "issuer", JS_NewString(ctx, issuer));
    JS_SetPropertyStr(ctx, result, "serial", JS_NewString(ctx, serial));
    JS_SetPropertyStr(ctx, result, "notBefore", JS_NewFloat64(ctx, x509_time_ms(&crt.valid_from)));
    JS_SetPropertyStr(ctx, result, "notAfter", JS_NewFloat64(ctx, x509_time_ms(&crt.valid_to)));
done:
    mbedtls_x509_crt_free(&crt);
    return result;
}

static JSValue js_verify_certificate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    mbedtls_x509_crt crt, ca;
    mbedtls_x509_crt_init(&crt);
    mbedtls_x509_crt_init(&ca);
    JSValue result = JS_EXCEPTION;
    if (parse_certs(ctx, &crt, argv[0], "verifyCertificate: certPem") ||
        parse_certs(ctx, &ca, argv[1], "verifyCertificate: caPem"))
        goto done;
    uint32_t flags = 0;
    int ret = mbedtls_x509_crt_verify(&crt, &ca, NULL, NULL, &flags, NULL, NULL);
    if (ret != 0 && flags == 0)
        flags = MBEDTLS_X509_BADCERT_OTHER;
    char text[512];
    verify_text(flags, text, sizeof text);
    result = JS_NewString(ctx, text);
done:
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&crt);
    return result;
}

/* Whether the certificate carries the public half of the key: a stored identity is used only when it does. */
static JSValue js_key_matches(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (need_random(ctx))
        return JS_EXCEPTION;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    JSValue result = JS_EXCEPTION;
    if (parse_certs(ctx, &crt, argv[0], "keyMatches: certPem") || parse_key(ctx, &key, argv[1], "keyMatches: keyPem"))
        goto done;
    result = JS_NewBool(ctx, mbedtls_pk_check_pair(&crt.pk, &key, mbedtls_ctr_drbg_random, &drbg) == 0);
done:
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&crt);
    return result;
}

/* ------------------------------------------------------------------------ */
/* TCP                                                                      */

/* Resolves host: numeric addresses without NSS; names through getaddrinfo. */
static int resolve(const char *host, int port, struct sockaddr_storage *addr, socklen_t *len)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    memset(addr, 0, sizeof *addr);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *found = NULL;
    int ret = getaddrinfo(host, NULL, &hints, &found);
    if (ret != 0 || !found)
        return -EHOSTUNREACH;
    if (found->ai_addrlen > sizeof *addr) {
        freeaddrinfo(found);
        return -EAFNOSUPPORT;
    }
    memcpy(addr, found->ai_addr, found->ai_addrlen);
    *len = found->ai_addrlen;
    freeaddrinfo(found);
    if (addr->ss_family == AF_INET)
        v4->sin_port = htons((uint16_t)port);
    else if (addr->ss_family == AF_INET6)
        v6->sin6_port = htons((uint16_t)port);
    else
        return -EAFNOSUPPORT;
    return 0;
}

static JSValue js_tcp_connect(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t port;
    if (JS_ToInt32(ctx, &port, argv[1]))
        return JS_EXCEPTION;
    if (port < 1 || port > 65535)
        return JS_ThrowRangeError(ctx, "imago:tls: tcpConnect: port must be 1-65535, got %d", port);
    const char *host = JS_ToCString(ctx, argv[0]);
    if (!host)
        return JS_EXCEPTION;
    struct sockaddr_storage addr;
    socklen_t len;
    int ret = resolve(host, port, &addr, &len);
    JS_FreeCString(ctx, host);
    if (ret < 0)
        return JS_NewInt32(ctx, ret);
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return JS_NewInt32(ctx, -errno);
    if (fd >= MAX_LOOP_FD) {
        close(fd);
        return JS_NewInt32(ctx, -EMFILE);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, len) < 0 && errno != EINPROGRESS) {
        int err = errno;
        close(fd);
        return JS_NewInt32(ctx, -err);
    }
    return JS_NewInt32(ctx, fd);
}

static JSValue js_connect_result(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t fd;
    if (JS_ToInt32(ctx, &fd, argv[0]))
        return JS_EXCEPTION;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return JS_NewInt32(ctx, -errno);
    return JS_NewInt32(ctx, -err);
}

/* ------------------------------------------------------------------------ */
/* Sessions                                                                 */

typedef struct {
    int fd;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
} Session;

static JSClassID session_class_id;

static void session_free(Session *s)
{
    mbedtls_ssl_free(&s->ssl);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->ca);
    mbedtls_x509_crt_free(&s->cert);
    mbedtls_pk_free(&s->key);
}

static void session_finalizer(JSRuntime *rt, JSValue val)
{
    Session *s = JS_GetOpaque(val, session_class_id);
    if (s) {
        session_free(s);
        js_free_rt(rt, s);
    }
}

static JSClassDef session_class = { "TlsSession", .finalizer = session_finalizer };

/* The session behind `this`, or NULL with a TypeError pending (wrong object or already closed). */
static Session *this_session(JSContext *ctx, JSValueConst this_val)
{
    if (JS_GetClassID(this_val) != session_class_id) {
        JS_ThrowTypeError(ctx, "imago:tls: not a TLS session");
        return NULL;
    }
    Session *s = JS_GetOpaque(this_val, session_class_id);
    if (!s)
        JS_ThrowTypeError(ctx, "imago:tls: the session is closed");
    return s;
}

/* mbed TLS's I/O over the non-blocking fd: EAGAIN becomes WANT_*, other errors -errno. */
static int bio_send(void *opaque, const unsigned char *buf, size_t len)
{
    Session *s = opaque;
    ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0)
        return (int)n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    return -errno;
}

static int bio_recv(void *opaque, unsigned char *buf, size_t len)
{
    Session *s = opaque;
    ssize_t n = recv(s->fd, buf, len, 0);
    if (n >= 0)
        return (int)n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return MBEDTLS_ERR_SSL_WANT_READ;
    return -errno;
}

/* A string property of `options`, or NULL when it is undefined; -1 with an exception pending on error. */
static int option_string(JSContext *ctx, JSValueConst options, const char *name, JSValue *out)
{
    *out = JS_GetPropertyStr(ctx, options, name);
    if (JS_IsException(*out))
        return -1;
    if (JS_IsUndefined(*out))
        return 0;
    if (!JS_IsString(*out)) {
        JS_FreeValue(ctx, *out);
        *out = JS_UNDEFINED;
        JS_ThrowTypeError(ctx, "imago:tls: newSession: options.%s must be a string", name);
        return -1;
    }
    return 0;
}

static JSValue js_new_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t fd;
    if (JS_ToInt32(ctx, &fd, argv[0]))
        return JS_EXCEPTION;
    if (fd < 0)
        return JS_ThrowRangeError(ctx, "imago:tls: newSession: fd must be a descriptor, got %d", fd);
    if (!JS_IsObject(argv[1]))
        return JS_ThrowTypeError(ctx, "imago:tls: newSession: options must be an object { ca, hostname, cert?, key? }");
    if (need_random(ctx))
        return JS_EXCEPTION;
    JSValue ca = JS_UNDEFINED, hostname = JS_UNDEFINED, cert = JS_UNDEFINED, key = JS_UNDEFINED;
    JSValue obj = JS_UNDEFINED;
    const char *host = NULL;
    Session *s = js_mallocz(ctx, sizeof *s);
    if (!s)
        return JS_EXCEPTION;
    s->fd = fd;
    mbedtls_ssl_init(&s->ssl);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_x509_crt_init(&s->ca);
    mbedtls_x509_crt_init(&s->cert);
    mbedtls_pk_init(&s->key);

    if (option_string(ctx, argv[1], "ca", &ca) || option_string(ctx, argv[1], "hostname", &hostname) ||
        option_string(ctx, argv[1], "cert", &cert) || option_string(ctx, argv[1], "key", &key))
        goto fail;
    if (JS_IsUndefined(ca) || JS_IsUndefined(hostname)) {
        JS_ThrowTypeError(ctx, "imago:tls: newSession: options.ca and options.hostname are required");
        goto fail;
    }
    if (JS_IsUndefined(cert) != JS_IsUndefined(key)) {
        JS_ThrowTypeError(ctx, "imago:tls: newSession: options.cert and options.key go together");
        goto fail;
    }
    if (parse_certs(ctx, &s->ca, ca, "newSession: options.ca"))
        goto fail;
    int ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        throw_mbedtls(ctx, "newSession", ret);
        goto fail;
    }
    /* The pinned CA is the only trust anchor, and a refused certificate ends the handshake. */
    mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &drbg);
    if (!JS_IsUndefined(cert)) {
        if (parse_certs(ctx, &s->cert, cert, "newSession: options.cert") ||
            parse_key(ctx, &s->key, key, "newSession: options.key"))
            goto fail;
        ret = mbedtls_pk_check_pair(&s->cert.pk, &s->key, mbedtls_ctr_drbg_random, &drbg);
        if (ret != 0) {
            throw_mbedtls(ctx, "newSession: options.key does not match options.cert", ret);
            goto fail;
        }
        ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->cert, &s->key);
        if (ret != 0) {
            throw_mbedtls(ctx, "newSession: options.cert", ret);
            goto fail;
        }
    }
    ret = mbedtls_ssl_setup(&s->ssl, &s->conf);
    if (ret != 0) {
        throw_mbedtls(ctx, "newSession", ret);
        goto fail;
    }
    host = JS_ToCString(ctx, hostname);
    if (!host)
        goto fail;
    /* Both SNI and the name checked against the certificate (DNS names and, for an address, iPAddress). */
    ret = mbedtls_ssl_set_hostname(&s->ssl, host);
    if (ret != 0) {
        throw_mbedtls(ctx, "newSession: options.hostname", ret);
        goto fail;
    }
    mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
    obj = JS_NewObjectClass(ctx, session_class_id);
    if (JS_IsException(obj))
        goto fail;
    JS_SetOpaque(obj, s);
    s = NULL;
fail:
    if (host)
        JS_FreeCString(ctx, host);
    JS_FreeValue(ctx, ca);
    JS_FreeValue(ctx, hostname);
    JS_FreeValue(ctx, cert);
    JS_FreeValue(ctx, key);
    if (s) {
        session_free(s);
        js_free(ctx, s);
        return JS_EXCEPTION;
    }
    return obj;
}

static JSValue js_session_handshake(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Session *s = this_session(ctx, this_val);
    if (!s)
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, mbedtls_ssl_handshake(&s->ssl));
}

/* The bytes [offset, offset+length) of an ArrayBuffer, checked; NULL with an exception pending. */
static uint8_t *buffer_range(JSContext *ctx, JSValueConst *argv, const char *what, size_t *length)
{
    int64_t offset, count;
    /* Convert the numbers first: a valueOf() could resize or detach the buffer. */
    if (JS_ToInt64(ctx, &offset, argv[1]) || JS_ToInt64(ctx, &count, argv[2]))
        return NULL;
    size_t size;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, argv[0]);
    if (!data)
        return NULL;
    if (offset < 0 || count < 0 || (uint64_t)offset > size || (uint64_t)count > size - (uint64_t)offset) {
        JS_ThrowRangeError(ctx, "imago:tls: %s: offset %lld and length %lld do not fit a buffer of %zu bytes",
                           what, (long long)offset, (long long)count, size);
        return NULL;
    }
    /* mbed TLS returns byte counts as int. */
    *length = count > 0x40000000 ? 0x40000000 : (size_t)count;
    return data + offset;
}

static JSValue js_session_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Session *s = this_session(ctx, this_val);
    if (!s)
        return JS_EXCEPTION;
    size_t length;
    uint8_t *data = buffer_range(ctx, argv, "read", &length);
    if (!data)
        return JS_EXCEPTION;
    if (length == 0)
        return JS_NewInt32(ctx, 0);
    int ret = mbedtls_ssl_read(&s->ssl, data, length);
    /* close_notify and a bare TCP close both mean the peer is done. */
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
        ret = 0;
    /* A TLS 1.3 ticket after the handshake is not data: ask the loop to wait for more. */
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        ret = MBEDTLS_ERR_SSL_WANT_READ;
    return JS_NewInt32(ctx, ret);
}

static JSValue js_session_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Session *s = this_session(ctx, this_val);
    if (!s)
        return JS_EXCEPTION;
    size_t length;
    uint8_t *data = buffer_range(ctx, argv, "write", &length);
    if (!data)
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, mbedtls_ssl_write(&s->ssl, data, length));
}

static JSValue js_session_verify_result(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Session *s = this_session(ctx, this_val);
    if (!s)
        return JS_EXCEPTION;
    uint32_t flags = mbedtls_ssl_get_verify_result(&s->ssl);
    /* Before the server's certificate arrived every flag is set: there is nothing to report yet. */
    if (flags == (uint32_t)-1)
        return JS_NewString(ctx, "");
    char text[512];
    verify_text(flags, text, sizeof text);
    return JS_NewString(ctx, text);
}

static JSValue js_session_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (JS_GetClassID(this_val) != session_class_id)
        return JS_ThrowTypeError(ctx, "imago:tls: not a TLS session");
    Session *s = JS_GetOpaque(this_val, session_class_id);
    if (!s)
        return JS_UNDEFINED;   /* closing twice is harmless */
    mbedtls_ssl_close_notify(&s->ssl);
    JS_SetOpaque(this_val, NULL);
    session_free(s);
    js_free(ctx, s);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry session_funcs[] = {
    JS_CFUNC_DEF("handshake", 0, js_session_handshake),
    JS_CFUNC_DEF("read", 3, js_session_read),
    JS_CFUNC_DEF("write", 3, js_session_write),
    JS_CFUNC_DEF("verifyResult", 0, js_session_verify_result),
    JS_CFUNC_DEF("close", 0, js_session_close),
};

/* ------------------------------------------------------------------------ */
/* Errors and the module                                                    */

static JSValue js_error_text(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t code;
    if (JS_ToInt32(ctx, &code, argv[0]))
        return JS_EXCEPTION;
    if (code >= 0)
        return JS_NewString(ctx, "no error");
    if (code > -ERRNO_LIMIT)
        return JS_NewString(ctx, strerror(-code));
    char text[200];
    mbedtls_strerror(code, text, sizeof text);
    return JS_NewString(ctx, text);
}

static const JSCFunctionListEntry tls_funcs[] = {
    JS_PROP_INT32_DEF("WANT_READ", MBEDTLS_ERR_SSL_WANT_READ, JS_PROP_ENUMERABLE),
    JS_PROP_INT32_DEF("WANT_WRITE", MBEDTLS_ERR_SSL_WANT_WRITE, JS_PROP_ENUMERABLE),
    JS_CFUNC_DEF("generateKey", 0, js_generate_key),
    JS_CFUNC_DEF("createCsr", 2, js_create_csr),
    JS_CFUNC_DEF("certificateInfo", 1, js_certificate_info),
    JS_CFUNC_DEF("verifyCertificate", 2, js_verify_certificate),
    JS_CFUNC_DEF("keyMatches", 2, js_key_matches),
    JS_CFUNC_DEF("tcpConnect", 2, js_tcp_connect),
    JS_CFUNC_DEF("connectResult", 1, js_connect_result),
    JS_CFUNC_DEF("newSession", 2, js_new_session),
    JS_CFUNC_DEF("errorText", 1, js_error_text),
};

static int tls_init(JSContext *ctx, JSModuleDef *m)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JS_NewClassID(&session_class_id);
    if (!JS_IsRegisteredClass(rt, session_class_id) && JS_NewClass(rt, session_class_id, &session_class) < 0)
        return -1;
    JSValue proto = JS_NewObject(ctx);
    if (JS_IsException(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, session_funcs, countof(session_funcs));
    JS_SetClassProto(ctx, session_class_id, proto);
    return JS_SetModuleExportList(ctx, m, tls_funcs, countof(tls_funcs));
}

JSModuleDef *js_init_module_imago_tls(JSContext *ctx, const char *module_name)
{
    JSModuleDef *m = JS_NewCModule(ctx, module_name, tls_init);
    if (!m)
        return NULL;
    if (JS_AddModuleExportList(ctx, m, tls_funcs, countof(tls_funcs)) < 0)
        return NULL;
    return m;
}
