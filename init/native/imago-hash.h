/*
 * SHA-256 (streaming) and SHA-512 (one shot) for the update agent: bundle
 * payloads are hashed as they are written, and Ed25519 verification (done in
 * TypeScript, init/src/update/ed25519.ts) needs SHA-512 of the signed message.
 * Plain C, no allocation: the context lives in memory the caller owns.
 */
#ifndef IMAGO_HASH_H
#define IMAGO_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length;      /* bytes hashed so far */
    uint8_t buffer[64];
    uint32_t used;        /* bytes waiting in buffer */
} imago_sha256;

void imago_sha256_init(imago_sha256 *c);
void imago_sha256_update(imago_sha256 *c, const uint8_t *data, size_t len);
void imago_sha256_final(imago_sha256 *c, uint8_t out[32]);

/* SHA-512 of one buffer. */
void imago_sha512(const uint8_t *data, size_t len, uint8_t out[64]);

#endif /* IMAGO_HASH_H */
