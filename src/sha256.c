/*
 * sha256.c -- file checksums for dataset provenance (libsodium's SHA-256).
 */
#include "aq_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int aq__sha256_file(aq_ctx *ctx, const char *path, char hex[65])
{
    int rc = aq__input_regular(ctx, path);
    if (rc)
        return rc;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot open '%s': %s", path, strerror(errno));
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&st, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return aq__err(ctx, AQ_EIO, "cannot read '%s'", path);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(hex, 65, digest, sizeof digest);
    return AQ_OK;
}
