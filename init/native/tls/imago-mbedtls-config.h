/*
 * mbed TLS configuration of the fleet agent (selected with
 * -DMBEDTLS_CONFIG_FILE): only what a TLS 1.2/1.3 client with an ECDSA P-256
 * identity needs. Everything else stays out so the agent binary stays small
 * and a flaw in an unused feature cannot be reached.
 *
 * No filesystem (certificates come from the agent as PEM text), no threads
 * (one event loop), no server side, no DTLS, no RSA (the fleet CA and every
 * certificate it signs are ECDSA P-256). No MBEDTLS_HAVE_ASM: the portable C
 * is endian-clean on big-endian MIPS, where the inline assembly is untested.
 */
#ifndef IMAGO_MBEDTLS_CONFIG_H
#define IMAGO_MBEDTLS_CONFIG_H

/* The clock: certificate validity is checked against the device's time. */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE

/* Randomness: getrandom(), falling back to /dev/urandom (entropy_poll.c). */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C

/* Primitives. */
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC

/* TLS 1.3 in mbed TLS 3.6 runs its key schedule through PSA. */
#define MBEDTLS_PSA_CRYPTO_C

/* Encodings, keys and certificates. */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CSR_WRITE_C

/* TLS: client only, 1.2 (ECDHE-ECDSA) and 1.3 (ephemeral key exchange). */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
/* Servers send TLS 1.3 tickets after the handshake; without this they are a protocol error. */
#define MBEDTLS_SSL_SESSION_TICKETS

/* errorText: words for error codes. */
#define MBEDTLS_ERROR_C

#endif /* IMAGO_MBEDTLS_CONFIG_H */
