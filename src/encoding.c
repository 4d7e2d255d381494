/*
 * encoding.c -- telling UTF-8 from the legacy Cyrillic code pages that
 * Kazakhstan's statistics still arrive in, and converting on request.
 *
 * aimaq never guesses silently: a file that is not UTF-8 is refused with a
 * message naming the line and the likely encoding, unless the user names
 * the encoding (--encoding CP1251 or KZ-1048), because importing mojibake
 * would poison every later name match.
 */
#include "aq_int.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

bool aq__utf8_valid(const char *buf, size_t len, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        /* Skip ASCII eight bytes at a time: most of a table is ASCII. */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        size_t n;
        uint32_t min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4, min = 0x10000;
        } else {
            goto bad;
        }
        if (i + n > len)
            goto bad;
        uint32_t cp = c & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += n;
    }
    return true;
bad:
    if (bad_offset)
        *bad_offset = i;
    return false;
}

/* Bytes that KZ-1048 (STRK1048-2002) assigns to Kazakh letters where CP1251
 * has Serbian, Macedonian and Ukrainian letters; found by decoding every
 * byte in both with iconv. */
static bool kz1048_letter(unsigned char c)
{
    static const unsigned char kz[] = {0x8D, 0x8E, 0x9D, 0x9E, 0xA1, 0xA2, 0xA3, 0xA5,
                                       0xAA, 0xAF, 0xB4, 0xBA, 0xBC, 0xBD, 0xBE, 0xBF};
    return memchr(kz, c, sizeof kz) != NULL;
}

const char *aq__guess_cyrillic(const char *buf, size_t len)
{
    size_t letters = 0, kazakh = 0, other = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c >= 0xC0)
            letters++;
        else if (kz1048_letter(c))
            kazakh++;
        else if (c >= 0x80 && c != 0xA0 && c != 0xAB && c != 0xBB && c != 0xB9 && c != 0xB2 &&
                 c != 0xB3 && c != 0xA8 && c != 0xB8 && c != 0x96 && c != 0x97)
            other++;
    }
    if (letters == 0 || letters < 4 * other)
        return NULL;
    /* Kazakh text in KZ-1048 uses its own letters often (қ alone is one
     * letter in twenty); in CP1251 those bytes are rare Balkan letters. */
    return kazakh * 50 >= letters ? "KZ-1048" : "CP1251";
}

/* iconv knows KZ-1048 as RK1048; accept the names people use. */
static const char *iconv_name(const char *encoding)
{
    if (strcasecmp(encoding, "KZ-1048") == 0 || strcasecmp(encoding, "KZ1048") == 0 ||
        strcasecmp(encoding, "STRK1048-2002") == 0)
        return "RK1048";
    if (strcasecmp(encoding, "windows-1251") == 0 || strcasecmp(encoding, "cp-1251") == 0)
        return "CP1251";
    return encoding;
}

int aq__to_utf8(aq_ctx *ctx, const char *path, const char *encoding, const char *buf,
                size_t len, char **out, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name(encoding));
    if (cd == (iconv_t)-1)
        return aq__err(ctx, AQ_EUSAGE, "unknown encoding '%s' (try CP1251 or KZ-1048)", encoding);
    size_t cap = len * 2 + 16; /* every single-byte Cyrillic letter takes two bytes */
    char *dst = aq__malloc(cap + 1);
    if (!dst) {
        iconv_close(cd);
        return aq__oom(ctx);
    }
    char *in = (char *)buf, *o = dst;
    size_t inleft = len, outleft = cap;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(o - dst);
                cap *= 2;
                char *nd = aq__realloc(dst, cap + 1);
                if (!nd) {
                    aq__free(dst);
                    iconv_close(cd);
                    return aq__oom(ctx);
                }
                dst = nd;
                o = dst + used;
                outleft = cap - used;
                continue;
            }
            size_t off = (size_t)(in - buf), line = 1;
            for (size_t i = 0; i < off; i++)
                line += buf[i] == '\n';
            aq__free(dst);
            iconv_close(cd);
            return aq__err(ctx, AQ_EINPUT, "cannot read '%s' as %s: line %zu, byte 0x%02X is not a character of that encoding",
                           path, encoding, line, (unsigned char)buf[off]);
        }
    }
    iconv_close(cd);
    *o = '\0';
    *out = dst;
    *outlen = (size_t)(o - dst);
    return AQ_OK;
}
