/*
 * names.c -- matching keys for names of places written in Kazakh, Russian
 * and English.
 *
 * Real Kazakhstan data spells one name many ways: Latin i typed for the
 * Kazakh і (Еңбекшiлдер), no-break spaces inside KATO names, « » quotes,
 * KZ-1048 text read as CP1251 (Ќоянды for Қоянды), capitals in one file and
 * not in another. The strict key removes exactly those differences; the
 * loose key (names.h) goes further for a second matching pass. The rules and
 * the counts found in the shipped data are in docs/names.md.
 *
 * Speed matters: every name of a table is keyed against 15,600 KATO units.
 * A name is decoded once into code points on the stack, folded in place and
 * encoded once; only the returned string is allocated.
 */
#include "names.h"

#include "aimaq_names.h"

#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

/* Can NFC leave C unchanged whatever surrounds it? True for the letters
 * names are written in (ASCII, Latin-1 and Latin Extended precomposed
 * letters, Cyrillic) and general punctuation, so the common name skips
 * utf8proc entirely. Combining marks and everything else take the slow,
 * exact path. */
static bool nfc_quick(int32_t c)
{
    return c < 0x300 || (c >= 0x400 && c <= 0x482) || (c >= 0x48A && c <= 0x52F) ||
           (c >= 0x2002 && c <= 0x206F) || c == 0x2116;
}

static int bad_utf8(aq_ctx *ctx, const char *s, size_t off, const char *why)
{
    return aq__err(ctx, AQ_EINPUT, "name is not valid UTF-8: %s at byte offset %zu (byte 0x%02X)",
                   why, off, (unsigned)(unsigned char)s[off]);
}

void aq__cps_free(aq__cps *b)
{
    if (b->cp && b->cp != b->small)
        aq__free(b->cp);
    b->cp = b->small;
    b->n = 0;
    b->cap = sizeof b->small / sizeof b->small[0];
}

static int cps_reserve(aq_ctx *ctx, aq__cps *b, size_t need)
{
    if (need <= b->cap)
        return AQ_OK;
    int32_t *p = aq__malloc(need * sizeof *p);
    if (!p)
        return aq__oom(ctx);
    if (b->cp != b->small)
        aq__free(b->cp);
    b->cp = p;
    b->cap = need;
    return AQ_OK;
}

/* Composes B again from the original bytes with utf8proc, which also puts
 * combining marks in canonical order. Decomposition can be longer than the
 * input, so the buffer grows once if utf8proc asks for more. */
static int nfc_slow(aq_ctx *ctx, const char *s, size_t len, aq__cps *b)
{
    for (;;) {
        utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                                b->cp, (utf8proc_ssize_t)b->cap, UTF8PROC_COMPOSE);
        if (n < 0)
            return aq__err(ctx, AQ_EINPUT, "name cannot be normalised: %s", utf8proc_errmsg(n));
        if ((size_t)n > b->cap) {
            int rc = cps_reserve(ctx, b, (size_t)n);
            if (rc)
                return rc;
            continue;
        }
        n = utf8proc_normalize_utf32(b->cp, n, UTF8PROC_COMPOSE);
        if (n < 0)
            return aq__err(ctx, AQ_EINPUT, "name cannot be normalised: %s", utf8proc_errmsg(n));
        b->n = (size_t)n;
        return AQ_OK;
    }
}

int aq__cps_decode(aq_ctx *ctx, const char *s, size_t len, aq__cps *b)
{
    b->cp = b->small;
    b->n = 0;
    b->cap = sizeof b->small / sizeof b->small[0];
    int rc = cps_reserve(ctx, b, len); /* never more code points than bytes */
    if (rc)
        return rc;
    const unsigned char *u = (const unsigned char *)s;
    bool quick = true;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        int32_t cp;
        size_t k;
        if (c < 0x80) {
            b->cp[n++] = (int32_t)c;
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 2, cp = (int32_t)(c & 0x1F);
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 3, cp = (int32_t)(c & 0x0F);
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 4, cp = (int32_t)(c & 0x07);
        } else {
            return bad_utf8(ctx, s, i, c >= 0x80 && c < 0xC0 ? "stray continuation byte"
                                                             : "impossible lead byte");
        }
        if (len - i < k)
            return bad_utf8(ctx, s, i, "truncated sequence");
        for (size_t j = 1; j < k; j++) {
            if ((u[i + j] & 0xC0) != 0x80)
                return bad_utf8(ctx, s, i + j, "missing continuation byte");
            cp = (cp << 6) | (int32_t)(u[i + j] & 0x3F);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000))
            return bad_utf8(ctx, s, i, "overlong encoding");
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return bad_utf8(ctx, s, i, "encoded surrogate or code point beyond U+10FFFF");
        quick = quick && nfc_quick(cp);
        b->cp[n++] = cp;
        i += k;
    }
    b->n = n;
    return quick ? AQ_OK : nfc_slow(ctx, s, len, b);
}

/* ------------------------------------------------------------------ */
/* Scripts and look-alikes                                             */
/* ------------------------------------------------------------------ */

enum { SC_OTHER = 0, SC_LATIN = 1, SC_CYRILLIC = 2, SC_MARK = 3 };

static int script_of(int32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return SC_LATIN;
    if (c < 0xC0)
        return SC_OTHER;
    if ((c >= 0x400 && c <= 0x481) || (c >= 0x48A && c <= 0x52F))
        return SC_CYRILLIC;
    if ((c <= 0x2AF && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF))
        return SC_LATIN;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return SC_MARK;
    default:
        return SC_OTHER;
    }
}

/* A Latin letter inside a Cyrillic word -> the Cyrillic letter it imitates,
 * or 0. Case is kept: lower-case h imitates һ, capital H imitates Н. Y is Ү
 * in a Kazakh word (one with a Kazakh letter, e.g. "Yмiт" for Үміт) and У
 * otherwise. */
static int32_t latin_to_cyrillic(int32_t c, bool kazakh)
{
    switch (c) {
    case 'A': return 0x410; case 'a': return 0x430;
    case 'B': return 0x412;
    case 'C': return 0x421; case 'c': return 0x441;
    case 'E': return 0x415; case 'e': return 0x435;
    case 'H': return 0x41D; case 'h': return 0x4BB;
    case 'I': return 0x406; case 'i': return 0x456;
    case 'K': return 0x41A; case 'k': return 0x43A;
    case 'M': return 0x41C;
    case 'O': return 0x41E; case 'o': return 0x43E;
    case 'P': return 0x420; case 'p': return 0x440;
    case 'T': return 0x422;
    case 'X': return 0x425; case 'x': return 0x445;
    case 'Y': return kazakh ? 0x4AE : 0x423; case 'y': return 0x443;
    case 0xCB: return 0x401; case 0xEB: return 0x451;   /* Ë ë -> Ё ё */
    case 0x18F: return 0x4D8; case 0x259: return 0x4D9; /* Ə ə -> Ә ә */
    case 0x19F: return 0x4E8; case 0x275: return 0x4E9; /* Ɵ ɵ -> Ө ө */
    default: return 0;
    }
}

/* A Cyrillic letter inside a Latin word -> the Latin letter it imitates,
 * or 0 (Таrgap in OSM's name:en has Cyrillic Т and а). */
static int32_t cyrillic_to_latin(int32_t c)
{
    switch (c) {
    case 0x410: return 'A'; case 0x430: return 'a';
    case 0x412: return 'B';
    case 0x421: return 'C'; case 0x441: return 'c';
    case 0x415: return 'E'; case 0x435: return 'e';
    case 0x41D: return 'H'; case 0x4BA: return 'H'; case 0x4BB: return 'h';
    case 0x406: return 'I'; case 0x456: return 'i'; case 0x4C0: return 'I'; case 0x4CF: return 'l';
    case 0x408: return 'J'; case 0x458: return 'j';
    case 0x41A: return 'K'; case 0x43A: return 'k';
    case 0x41C: return 'M';
    case 0x41E: return 'O'; case 0x43E: return 'o';
    case 0x420: return 'P'; case 0x440: return 'p';
    case 0x405: return 'S'; case 0x455: return 's';
    case 0x422: return 'T';
    case 0x425: return 'X'; case 0x445: return 'x';
    case 0x423: return 'Y'; case 0x443: return 'y';
    case 0x4AE: return 'Y'; case 0x4AF: return 'y';
    case 0x51A: return 'Q'; case 0x51B: return 'q';
    case 0x51C: return 'W'; case 0x51D: return 'w';
    case 0x4D8: return 0x18F; case 0x4D9: return 0x259;
    case 0x4E8: return 0x19F; case 0x4E9: return 0x275;
    default: return 0;
    }
}

/* Letters that are not Kazakh or Russian but stand for a Kazakh letter:
 * the palochka, and the CP1251 reading of the KZ-1048 bytes (0x8D Ќ for Қ,
 * 0xA2 ў for ұ, ...), which KATO itself contains ("с.\"Ќоянды\"",
 * "Кјркес а."). The pairs are the 16 bytes where the two code pages differ
 * (Python's cp1251 and kz1048 codecs). Ukrainian є ї ґ are among them; a
 * Ukrainian name in Kazakhstan data is rarer than a mis-decoded Kazakh one. */
static int32_t cyrillic_stand_in(int32_t c)
{
    switch (c) {
    case 0x4C0: return 0x406; case 0x4CF: return 0x456; /* Ӏ ӏ palochka -> І і */
    case 0x40C: return 0x49A; case 0x45C: return 0x49B; /* Ќ ќ -> Қ қ */
    case 0x40B: return 0x4BA; case 0x45B: return 0x4BB; /* Ћ ћ -> Һ һ */
    case 0x40E: return 0x4B0; case 0x45E: return 0x4B1; /* Ў ў -> Ұ ұ */
    case 0x408: return 0x4D8; case 0x458: return 0x4D9; /* Ј ј -> Ә ә */
    case 0x490: return 0x4E8; case 0x491: return 0x4E9; /* Ґ ґ -> Ө ө */
    case 0x404: return 0x492; case 0x454: return 0x493; /* Є є -> Ғ ғ */
    case 0x407: return 0x4AE; case 0x457: return 0x4AF; /* Ї ї -> Ү ү */
    case 0x405: return 0x4A2; case 0x455: return 0x4A3; /* Ѕ ѕ -> Ң ң */
    default: return 0;
    }
}

/* Does C (before folding) tell that its word is Kazakh? The nine Kazakh
 * letters, and what folding turns into one of them. */
static bool kazakh_hint(int32_t c)
{
    switch (c) {
    case 0x4D8: case 0x4D9: case 0x492: case 0x493: case 0x49A: case 0x49B:
    case 0x4A2: case 0x4A3: case 0x4E8: case 0x4E9: case 0x4B0: case 0x4B1:
    case 0x4AE: case 0x4AF: case 0x4BA: case 0x4BB: case 0x406: case 0x456:
    case 'i': case 'h': case 0x18F: case 0x259: case 0x19F: case 0x275:
        return true;
    default:
        return cyrillic_stand_in(c) != 0;
    }
}

typedef struct word_stats {
    size_t latin, cyrillic;       /* letters of each script              */
    size_t latin_own, cyrillic_own; /* of which have no look-alike        */
} word_stats;

static size_t word_end(const int32_t *cp, size_t i, size_t n)
{
    while (i < n && script_of(cp[i]) != SC_OTHER)
        i++;
    return i;
}

static word_stats measure(const int32_t *cp, size_t from, size_t to)
{
    word_stats w = {0, 0, 0, 0};
    for (size_t i = from; i < to; i++) {
        int s = script_of(cp[i]);
        if (s == SC_LATIN) {
            w.latin++;
            w.latin_own += latin_to_cyrillic(cp[i], true) == 0;
        } else if (s == SC_CYRILLIC) {
            w.cyrillic++;
            w.cyrillic_own += cyrillic_to_latin(cp[i]) == 0 && cyrillic_stand_in(cp[i]) == 0;
        }
    }
    return w;
}

/* Which script a word is folded to. A mixed word goes to the script that
 * has letters of its own there (no look-alike in the other); a word of
 * look-alikes only follows the rest of the name. A word with letters of
 * its own in both scripts is left alone: it is not a look-alike accident. */
static int target_script(word_stats w, size_t name_latin_own, size_t name_cyrillic_own)
{
    if (w.latin && w.cyrillic) {
        if (w.cyrillic_own && !w.latin_own)
            return SC_CYRILLIC;
        if (w.latin_own && !w.cyrillic_own)
            return SC_LATIN;
        if (!w.latin_own && !w.cyrillic_own)
            return w.cyrillic >= w.latin ? SC_CYRILLIC : SC_LATIN;
        return SC_OTHER;
    }
    if (!w.latin_own && !w.cyrillic_own && (w.latin || w.cyrillic)) {
        if (name_cyrillic_own && !name_latin_own)
            return SC_CYRILLIC;
        if (name_latin_own && !name_cyrillic_own)
            return SC_LATIN;
    }
    return w.cyrillic ? SC_CYRILLIC : SC_OTHER;
}

static int fold_word(int32_t *cp, size_t from, size_t to, int target)
{
    int changes = 0;
    if (target == SC_CYRILLIC) {
        bool kazakh = false;
        for (size_t i = from; i < to && !kazakh; i++)
            kazakh = kazakh_hint(cp[i]);
        for (size_t i = from; i < to; i++) {
            int32_t r = script_of(cp[i]) == SC_LATIN ? latin_to_cyrillic(cp[i], kazakh)
                                                     : cyrillic_stand_in(cp[i]);
            if (r) {
                cp[i] = r;
                changes++;
            }
        }
    } else if (target == SC_LATIN) {
        for (size_t i = from; i < to; i++) {
            int32_t r = script_of(cp[i]) == SC_CYRILLIC ? cyrillic_to_latin(cp[i]) : 0;
            if (r) {
                cp[i] = r;
                changes++;
            }
        }
    }
    return changes;
}

int aq__fold_lookalikes(int32_t *cp, size_t n)
{
    size_t latin_own = 0, cyrillic_own = 0, latin = 0, cyrillic = 0;
    bool stand_in = false;
    for (size_t i = 0; i < n;) {
        if (script_of(cp[i]) == SC_OTHER) {
            i++;
            continue;
        }
        size_t e = word_end(cp, i, n);
        word_stats w = measure(cp, i, e);
        latin_own += w.latin_own;
        cyrillic_own += w.cyrillic_own;
        latin += w.latin;
        cyrillic += w.cyrillic;
        for (size_t j = i; j < e && !stand_in; j++)
            stand_in = cyrillic_stand_in(cp[j]) != 0;
        i = e;
    }
    /* the common case, a name in one script with no stand-in letter, has
     * nothing to fold: one pass only */
    if (!stand_in && (!latin || !cyrillic))
        return 0;
    int changes = 0;
    for (size_t i = 0; i < n;) {
        if (script_of(cp[i]) == SC_OTHER) {
            i++;
            continue;
        }
        size_t e = word_end(cp, i, n);
        changes += fold_word(cp, i, e, target_script(measure(cp, i, e), latin_own, cyrillic_own));
        i = e;
    }
    return changes;
}

/* ------------------------------------------------------------------ */
/* The strict key                                                      */
/* ------------------------------------------------------------------ */

enum { K_KEEP, K_SPACE, K_DASH, K_DROP };

/* How the key treats a non-letter: every Unicode space (no-break, narrow,
 * ideographic, tabs, line ends) is a space; every hyphen, dash and minus is
 * '-'; quotes and apostrophes of every kind, invisible format characters
 * (zero-width space, soft hyphen, BOM, direction marks) and control
 * characters are dropped. */
static int key_class(int32_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0D))
        return K_SPACE;
    if (c == '-')
        return K_DASH;
    if (c == '"' || c == '\'' || c == '`')
        return K_DROP;
    if (c < 0x20 || c == 0x7F)
        return K_DROP;
    if (c < 0x80)
        return K_KEEP;
    switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
        return K_SPACE;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0x2043: case 0xFE58: case 0xFE63: case 0xFF0D:
        return K_DASH;
    case 0xAB: case 0xBB: case 0xB4: case 0x2018: case 0x2019: case 0x201A: case 0x201B:
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2039: case 0x203A:
    case 0x2032: case 0x2033: case 0x02B9: case 0x02BA: case 0x02BB: case 0x02BC:
    case 0xFF02: case 0xFF07: case 0xAD: case 0xFEFF: case 0x2060: case 0x2061:
    case 0x2062: case 0x2063: case 0x2064:
        return K_DROP;
    default:
        break;
    }
    if (c >= 0x2000 && c <= 0x200A)
        return K_SPACE;
    if ((c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
        (c >= 0x2066 && c <= 0x2069) || (c >= 0x80 && c < 0xA0))
        return K_DROP;
    return K_KEEP;
}

/* Lower case as the key wants it: Unicode simple lower-casing (which
 * covers the nine Kazakh letters), then ё -> е, and the Latin dotless ı
 * and dotted İ both to i, because upper-casing has already lost the
 * difference in every all-capitals Latin name ("BIRLIK"). */
static int32_t key_lower(int32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= 0x410 && c <= 0x42F)
        c += 0x20;
    else if (c >= 0x400 && c <= 0x40F)
        c += 0x50;
    else if (c < 0x430 || c > 0x44F)
        c = utf8proc_tolower(c);
    if (c == 0x451)
        return 0x435;
    if (c == 0x131)
        return 'i';
    return c;
}

static size_t put_utf8(char *d, int32_t c)
{
    return (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)d);
}

/* Writes the key of the folded code points into DST (at least 4 bytes per
 * code point + 1) and returns its length. */
static size_t emit_key(const int32_t *cp, size_t n, char *dst)
{
    size_t len = 0;
    bool space = false; /* a space is pending, written before the next char */
    for (size_t i = 0; i < n; i++) {
        int cls = key_class(cp[i]);
        if (cls == K_DROP)
            continue;
        if (cls == K_SPACE) {
            space = len > 0 && dst[len - 1] != '-';
            continue;
        }
        if (cls == K_DASH) {
            dst[len++] = '-'; /* "Оралман – Мешіт" and "Оралман-Мешіт" agree */
            space = false;
            continue;
        }
        if (space)
            dst[len++] = ' ';
        space = false;
        len += put_utf8(dst + len, key_lower(cp[i]));
    }
    dst[len] = '\0';
    return len;
}

static int key_into(aq_ctx *ctx, const char *name, size_t len, aq_buf *out, int *changes)
{
    aq__cps b;
    int rc = aq__cps_decode(ctx, name, len, &b);
    if (rc) {
        aq__cps_free(&b);
        return rc;
    }
    int folded = aq__fold_lookalikes(b.cp, b.n);
    size_t need = b.n * 4 + 1;
    size_t start = out->len;
    /* reserve, then write in place: one growth at most per name */
    if (out->cap < start + need) {
        size_t ncap = out->cap ? out->cap : 64;
        while (ncap < start + need)
            ncap *= 2;
        char *p = aq__realloc(out->data, ncap);
        if (!p) {
            aq__cps_free(&b);
            out->failed = true;
            return aq__oom(ctx);
        }
        out->data = p;
        out->cap = ncap;
    }
    out->len = start + emit_key(b.cp, b.n, out->data + start);
    aq__cps_free(&b);
    /* Dropping quotes and control characters can join what were separate
     * words, whose look-alikes then fold differently: key the key again
     * until it stands still, so that key(key(x)) == key(x). Shrinking or
     * equal each time (a fold never lengthens), so two rounds suffice in
     * practice; four is a bound, not a hope. */
    for (int round = 0; round < 4; round++) {
        size_t klen = out->len - start;
        if ((rc = aq__cps_decode(ctx, out->data + start, klen, &b)) != AQ_OK) {
            aq__cps_free(&b);
            return rc;
        }
        folded += aq__fold_lookalikes(b.cp, b.n);
        char small[1024];
        char *tmp = b.n * 4 + 1 <= sizeof small ? small : aq__malloc(b.n * 4 + 1);
        if (!tmp) {
            aq__cps_free(&b);
            return aq__oom(ctx);
        }
        size_t n = emit_key(b.cp, b.n, tmp);
        aq__cps_free(&b);
        bool same = n == klen && memcmp(tmp, out->data + start, n) == 0;
        if (n > klen) /* the buffer holds what the first pass reserved */
            same = true;
        else if (!same) {
            memcpy(out->data + start, tmp, n);
            out->data[start + n] = '\0';
            out->len = start + n;
        }
        if (tmp != small)
            aq__free(tmp);
        if (same)
            break;
    }
    if (changes)
        *changes = folded;
    return AQ_OK;
}

int aq__name_key_append(aq_ctx *ctx, const char *name, size_t len, aq_buf *out, int *changes)
{
    if (!name || !out)
        return aq__err(ctx, AQ_EUSAGE, "aq_name_key: name and output must not be NULL");
    if (out->failed)
        return aq__oom(ctx);
    return key_into(ctx, name, len, out, changes);
}

int aq_name_key(aq_ctx *ctx, const char *name, char **out, int *changes)
{
    if (!name || !out)
        return aq__err(ctx, AQ_EUSAGE, "aq_name_key: name and out must not be NULL");
    /* key_into reserves 4 bytes a code point in one allocation, which is
     * handed over as it is: one allocation per key, no copy */
    aq_buf b = {NULL, 0, 0, false};
    int c = 0;
    int rc = key_into(ctx, name, strlen(name), &b, &c);
    if (rc) {
        aq__buf_free(&b);
        return rc;
    }
    *out = b.data;
    if (changes)
        *changes = c;
    return AQ_OK;
}

/* ------------------------------------------------------------------ */
/* The loose key                                                       */
/* ------------------------------------------------------------------ */

/* Kazakh letters -> the Russian-keyboard letter typed for them; Latin
 * letters with diacritics -> the plain letter (ğ -> g ...); q -> k so that
 * "Aqtöbe" meets "Aktobe". Input is a key, so lower case only. */
static int32_t loose_letter(int32_t c)
{
    switch (c) {
    case 0x4D9: return 0x430; /* ә -> а */
    case 0x493: return 0x433; /* ғ -> г */
    case 0x49B: return 0x43A; /* қ -> к */
    case 0x4A3: return 0x43D; /* ң -> н */
    case 0x4E9: return 0x43E; /* ө -> о */
    case 0x4B1: return 0x443; /* ұ -> у */
    case 0x4AF: return 0x443; /* ү -> у */
    case 0x4BB: return 0x445; /* һ -> х */
    case 0x456: return 0x438; /* і -> и */
    case 'q': return 'k';
    case 0x259: return 'a';   /* ə */
    case 0x275: return 'o';   /* ɵ */
    default: break;
    }
    if (c >= 0xC0 && c <= 0x24F) {
        utf8proc_int32_t d[4];
        int bound = 0;
        utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE, &bound);
        if (n >= 1 && n <= 4 && d[0] < 0x80)
            return d[0];
    }
    return c;
}

static bool loose_space(unsigned char c)
{
    return c == '.' || c == '-' || c == ',' || c == '(' || c == ')' || c == '/' || c == ';' ||
           c == ':' || c == ' ';
}

/* Rewrites the key S[0..len) in place into the loose key; returns the new
 * length. Every replacement is no longer than the original, so the write
 * position never passes the read position. */
static size_t loosen(char *s, size_t len)
{
    size_t w = 0;
    for (size_t r = 0; r < len;) {
        int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + r,
                                              (utf8proc_ssize_t)(len - r), &c);
        if (k <= 0) { /* cannot happen on a key; copy the byte */
            s[w++] = s[r++];
            continue;
        }
        r += (size_t)k;
        w += put_utf8(s + w, loose_letter(c));
    }
    len = aq__name_strip_affixes(s, w);
    /* punctuation between words becomes a space; № goes */
    w = 0;
    bool space = false;
    for (size_t r = 0; r < len; r++) {
        unsigned char c = (unsigned char)s[r];
        if (c == 0xE2 && r + 2 < len && (unsigned char)s[r + 1] == 0x84 &&
            (unsigned char)s[r + 2] == 0x96) { /* U+2116 № */
            r += 2;
            space = w > 0;
            continue;
        }
        if (loose_space(c)) {
            space = w > 0;
            continue;
        }
        if (space)
            s[w++] = ' ';
        space = false;
        s[w++] = (char)c;
    }
    s[w] = '\0';
    return w;
}

int aq__name_loose_append(aq_ctx *ctx, const char *name, size_t len, aq_buf *out)
{
    size_t start = out ? out->len : 0;
    int rc = aq__name_key_append(ctx, name, len, out, NULL);
    if (rc)
        return rc;
    out->len = start + loosen(out->data + start, out->len - start);
    return AQ_OK;
}

int aq__name_loose_key(aq_ctx *ctx, const char *name, char **out)
{
    if (!out)
        return aq__err(ctx, AQ_EUSAGE, "aq__name_loose_key: out must not be NULL");
    char *key = NULL;
    int rc = aq_name_key(ctx, name, &key, NULL);
    if (rc)
        return rc;
    loosen(key, strlen(key));
    *out = key;
    return AQ_OK;
}

int aq_name_loose_key(aq_ctx *ctx, const char *name, char **out)
{
    if (!name)
        return aq__err(ctx, AQ_EUSAGE, "aq_name_loose_key: name must not be NULL");
    return aq__name_loose_key(ctx, name, out);
}

/* ------------------------------------------------------------------ */
/* Administrative affixes                                              */
/* ------------------------------------------------------------------ */

/* The words and abbreviations KATO (kz-kato/kato.csv, counted there) and
 * the statistics tables (kz-population) put around names, in key form
 * (lower case) and, where it differs, in loose form (ә->а, қ->к ...).
 * Russian: с. село, г. город, п. посёлок, с.о. сельский округ, с.а./п.а./
 * г.а. сельская/поселковая/городская администрация. Kazakh: а. ауыл, қ.
 * қала, к. кент, а.о. ауылдық округ, а.ә./к.ә./қ.ә. ауылдық/кенттік/
 * қалалық әкімдік. "с.о" without its last dot occurs 13 times in KATO. */
typedef struct affix {
    const char *s;
    size_t n;
} affix;
#define A(lit) {lit, sizeof lit - 1}
static const affix affixes[] = {
    /* Russian */
    A("с."), A("г."), A("п."), A("пгт"), A("пгт."), A("пос."), A("с.о."), A("с.о"),
    A("с.а."), A("п.а."), A("г.а."), A("г.а"), A("р.а."), A("село"), A("город"),
    A("поселок"), A("район"), A("района"), A("р-н"), A("область"), A("области"), A("обл."),
    A("сельский округ"), A("городская администрация"), A("поселковая администрация"),
    /* Kazakh, key form */
    A("а."), A("а.о."), A("а.о"), A("а.ә."), A("а.ә"), A("қ."), A("к."), A("к.ә."),
    A("қ.ә."), A("ауданы"), A("облысы"), A("қаласы"), A("ауылы"), A("кенті"),
    A("ауылдық округі"), A("ауылдық округ"),
    /* Kazakh, loose form */
    A("а.а."), A("а.а"), A("к.а."), A("каласы"), A("кенти"), A("ауылдык округи"),
    A("ауылдык округ"),
    /* English */
    A("region"), A("district"), A("oblast"), A("city"), A("town"), A("village"),
    A("province"), A("rayon"),
};
#undef A
#define NAFFIXES (sizeof affixes / sizeof affixes[0])

/* Is what follows a glued prefix a word of two or more characters
 * ("с.жамбыл", "с.60 жылдык"), not the rest of an abbreviation ("с.о.")? */
static bool glued_word(const char *s, size_t len)
{
    size_t chars = 0;
    for (size_t i = 0; i < len && s[i] != '.' && s[i] != ' '; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars >= 2;
}

/* Length of the longest affix that S[0..len) starts with as a whole word
 * (followed by a space) or, for an abbreviation ending in '.', glued to
 * the name ("с.жамбыл"). 0 if none, or if nothing would remain. */
static size_t prefix_affix(const char *s, size_t len, size_t *skip)
{
    size_t best = 0, best_skip = 0;
    for (size_t k = 0; k < NAFFIXES; k++) {
        size_t n = affixes[k].n;
        if (n >= len || memcmp(s, affixes[k].s, n) != 0)
            continue;
        if (s[n] == ' ' && n + 1 < len && n + 1 > best_skip) {
            best = n, best_skip = n + 1;
        } else if (affixes[k].s[n - 1] == '.' && s[n] != ' ' && glued_word(s + n, len - n) &&
                   n > best_skip) {
            best = n, best_skip = n;
        }
    }
    *skip = best_skip;
    return best;
}

/* Does S[0..len), which ends with '.', end with a word of two or more
 * characters ("атын." before "а."), not an initial ("к." of "к.с.")? */
static bool glued_before(const char *s, size_t len)
{
    size_t chars = 0, i = len - 1; /* s[i] is the '.' */
    while (i > 0 && s[i - 1] != '.' && s[i - 1] != ' ') {
        i--;
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return chars >= 2;
}

/* Length to cut from the end: an affix standing as the last word, or an
 * abbreviation glued after a dot ("атын.а."). 0 if none. */
static size_t suffix_affix(const char *s, size_t len)
{
    size_t best = 0;
    for (size_t k = 0; k < NAFFIXES; k++) {
        size_t n = affixes[k].n;
        if (n >= len || memcmp(s + len - n, affixes[k].s, n) != 0)
            continue;
        char before = s[len - n - 1];
        if (before == ' ' && n + 1 < len && n + 1 > best)
            best = n + 1;
        else if (before == '.' && glued_before(s, len - n) && n > best)
            best = n;
    }
    return best;
}

size_t aq__name_strip_affixes(char *key, size_t len)
{
    size_t start = 0;
    /* a name has at most a type word before it and one or two after it
     * ("Кенгірбай би а.о."); three rounds a side are plenty and keep an
     * unlucky name from being eaten word by word */
    for (int round = 0; round < 3; round++) {
        size_t skip;
        if (!prefix_affix(key + start, len - start, &skip))
            break;
        start += skip;
    }
    for (int round = 0; round < 3; round++) {
        size_t cut = suffix_affix(key + start, len - start);
        if (!cut)
            break;
        len -= cut;
    }
    while (len > start && key[len - 1] == ' ')
        len--;
    if (start)
        memmove(key, key + start, len - start);
    len -= start;
    key[len] = '\0';
    return len;
}
