/*
 * names_roman.c -- one key for a name whatever alphabet and romanisation it
 * was written in, the stem of Russian adjectival district names, the kind
 * of unit a name's administrative words announce, and a bounded edit
 * distance for the last matching pass.
 *
 * Kazakhstan's districts reach us as "Аксуский район", "Ақсу ауданы",
 * "Aksuskiy", "Aqsu" and "Zhambylskiy", "Jambyl", "Žambyl". Turning Latin
 * back into Cyrillic is ambiguous (is "ts" ц or т+с? is "y" ы or й?), so
 * both scripts are brought to one skeleton instead: Cyrillic is written
 * out in BGN/PCGN-like Latin, then every romanisation (BGN/PCGN, GOST
 * 7.79 / ISO 9, the ICAO passport table, the 2021 Kazakh Latin) is folded
 * to the same letters: ш ş š sh → W, ж ž j zh dzh → J, х h kh x → H,
 * ц ч c ç č ts ch → C, қ q → k, ғ gh ğ → g, ы й і и y ı → i, я ya â → ia,
 * ... and repeated letters collapse. The rules and their sources are in
 * docs/names.md. The key merges names that are different (Қарасу and
 * Карасу, Шу and Чу), so the matcher uses it only after the strict and
 * loose keys, within a parent, and says so.
 */
#include "names.h"

#include "aimaq_names.h"

#include <string.h>
#include <utf8proc.h>

/* BGN/PCGN-like Latin for the lower-case Cyrillic letters of Russian and
 * Kazakh; NULL for letters that vanish (ъ ь). */
static const char *cyr_latin(int32_t c)
{
    static const char *const ru[] = {
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", /* а-п */
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"}; /* р-я */
    if (c >= 0x430 && c <= 0x44F)
        return ru[c - 0x430];
    switch (c) {
    case 0x451: return "yo"; /* ё */
    case 0x456: return "i";  /* і */
    case 0x4D9: return "a";  /* ә */
    case 0x493: return "g";  /* ғ */
    case 0x49B: return "k";  /* қ */
    case 0x4A3: return "n";  /* ң */
    case 0x4E9: return "o";  /* ө */
    case 0x4B1: return "u";  /* ұ */
    case 0x4AF: return "u";  /* ү */
    case 0x4BB: return "h";  /* һ */
    default: return NULL;
    }
}

/* Latin letters with diacritics that stand for one Russian or Kazakh
 * letter in some romanisation: the 2021 Kazakh Latin (ä ö ü ū ı ş ç ğ ñ),
 * ISO 9 / GOST 7.79 system A (ž š č ë â û ĭ), and the common accents. */
static const char *latin_mark(int32_t c)
{
    switch (c) {
    case 0x161: case 0x15F: return "sh"; /* š ş */
    case 0x15D: return "shch";           /* ŝ: ISO 9 щ */
    case 0x10D: case 0xE7: return "ch";  /* č ç */
    case 0x17E: return "zh";             /* ž */
    case 0xEB: return "yo";              /* ë */
    case 0xE2: return "ya";              /* â */
    case 0xFB: return "yu";              /* û */
    case 0x16D: return "u";              /* ŭ */
    case 0x12D: return "y";              /* ĭ */
    case 0x131: return "i";              /* ı */
    case 0x11F: return "g";              /* ğ */
    case 0xF1: return "n";               /* ñ */
    case 0x16B: return "u";              /* ū */
    case 0x259: return "a";              /* ə */
    case 0x275: return "o";              /* ɵ */
    default: break;
    }
    if (c >= 0xC0 && c <= 0x24F) {
        utf8proc_int32_t d[4];
        int bound = 0;
        utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE, &bound);
        static const char letters[] = "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0n\0o\0p\0q\0r\0s\0t\0u\0v\0w\0x\0y\0z";
        if (n >= 1 && d[0] >= 'a' && d[0] <= 'z')
            return letters + 2 * (d[0] - 'a');
    }
    return NULL;
}

static bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

static bool starts(const char *s, size_t n, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i + k <= n && memcmp(s + i, lit, k) == 0;
}

/* Folds plain Latin S[0..n) (lower case ASCII) into the skeleton, written
 * to D (at most n bytes + 1); returns its length. */
static size_t canonical(const char *s, size_t n, char *d)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i], o;
        size_t k = 1;
        if (starts(s, n, i, "shch")) o = 'W', k = 4;
        else if (starts(s, n, i, "sch")) o = 'W', k = 3;
        else if (starts(s, n, i, "sh")) o = 'W', k = 2;
        else if (starts(s, n, i, "dzh")) o = 'J', k = 3;
        else if (starts(s, n, i, "zh")) o = 'J', k = 2;
        else if (starts(s, n, i, "kh")) o = 'H', k = 2;
        else if (starts(s, n, i, "gh")) o = 'g', k = 2;
        else if (starts(s, n, i, "ch") || starts(s, n, i, "ts") || starts(s, n, i, "cz")) o = 'C', k = 2;
        else if (c == 'j') o = 'J';
        else if (c == 'h' || c == 'x') o = 'H';
        else if (c == 'c') o = 'C';
        else if (c == 'q') o = 'k';
        else if (c == 'w') o = 'u';
        else if (c == 'y') {
            char next = i + 1 < n ? s[i + 1] : 0;
            bool after_consonant = w > 0 && !is_vowel(d[w - 1]);
            if (next == 'e') {            /* BGN's ye for е: Yesil = Есиль */
                o = 'e', k = 2;
            } else if (next == 'o' && after_consonant) { /* Fyodorov = Федоров */
                o = 'e', k = 2;
            } else {
                o = 'i';                  /* ы й and the i of я ю ё */
            }
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            o = c;
        } else {
            i++;
            continue;                     /* spaces, dashes, dots: gone */
        }
        if (w == 0 || d[w - 1] != o)      /* doubled letters collapse */
            d[w++] = o;
        i += k;
    }
    d[w] = '\0';
    return w;
}

/* Does the strict key K[0..n) end with LIT? */
static bool ends(const char *k, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m <= n && memcmp(k + n - m, lit, m) == 0;
}

int aq__name_kind(const char *k, size_t n)
{
    static const char *const city_pre[] = {"г.", "г ", "қ.", "город ", "city of ", NULL};
    static const char *const city_suf[] = {"қ.ә.", "қ.ә", "г.а.", "г.а", " қаласы", " қ.", " г.", " city", NULL};
    static const char *const dist_pre[] = {"район ", "р-н ", NULL};
    static const char *const dist_suf[] = {" ауданы", " район", " р-н", " district", " rayon", " raion",
                                           "ский", "ской", "skiy", "skii", "skij", "sky", "skoy", "skoi", NULL};
    for (int i = 0; city_pre[i]; i++)
        if (starts(k, n, 0, city_pre[i]) && n > strlen(city_pre[i]))
            return AQ__KIND_CITY;
    for (int i = 0; city_suf[i]; i++)
        if (ends(k, n, city_suf[i]))
            return AQ__KIND_CITY;
    for (int i = 0; dist_pre[i]; i++)
        if (starts(k, n, 0, dist_pre[i]))
            return AQ__KIND_DISTRICT;
    for (int i = 0; dist_suf[i]; i++)
        if (ends(k, n, dist_suf[i]))
            return AQ__KIND_DISTRICT;
    return AQ__KIND_ANY;
}

int aq__name_roman_append(aq_ctx *ctx, const char *name, size_t len, aq_buf *out, int *kind)
{
    size_t start = out ? out->len : 0;
    int rc = aq__name_key_append(ctx, name, len, out, NULL);
    if (rc)
        return rc;
    size_t klen = out->len - start;
    if (kind)
        *kind = aq__name_kind(out->data + start, klen);
    klen = aq__name_strip_affixes(out->data + start, klen);
    aq__cps b;
    rc = aq__cps_decode(ctx, out->data + start, klen, &b);
    if (rc) {
        aq__cps_free(&b);
        return rc;
    }
    /* at most 4 Latin letters a code point (щ = shch) */
    char small[1024];
    size_t need = b.n * 4 + 1;
    char *lat = need * 2 <= sizeof small ? small : aq__malloc(need * 2);
    if (!lat) {
        aq__cps_free(&b);
        return aq__oom(ctx);
    }
    size_t w = 0;
    int depth = 0; /* inside brackets: an old or other name, "Almaty (Alma-Ata)" */
    for (size_t i = 0; i < b.n; i++) {
        int32_t c = b.cp[i];
        if (c == '(' || c == '[') {
            depth++;
            continue;
        }
        if ((c == ')' || c == ']') && depth > 0) {
            depth--;
            continue;
        }
        if (depth)
            continue;
        const char *t = NULL;
        char one[2] = {0, 0};
        if (c < 0x80) {
            one[0] = (char)c;
            t = one;
        } else if (c >= 0x400 && c <= 0x4FF) {
            t = cyr_latin(c);
        } else {
            t = latin_mark(c);
        }
        if (!t)
            continue;
        size_t tn = strlen(t);
        memcpy(lat + w, t, tn);
        w += tn;
    }
    aq__cps_free(&b);
    char *skel = lat + need;
    size_t sn = canonical(lat, w, skel);
    out->len = start;
    aq__buf_append(out, skel, sn);
    if (lat != small)
        aq__free(lat);
    return out->failed ? aq__oom(ctx) : AQ_OK;
}

size_t aq__name_stem(char *k, size_t n)
{
    /* Russian adjectival names: Аксуский, Зерендинский, Луговской; "ts"
     * has already eaten the t of "Шетский" (WeCki), given back as t */
    static const char *const adj[] = {"skaia", "skoe", "skoi", "ski", NULL};
    bool cut = false;
    for (int i = 0; adj[i] && !cut; i++) {
        size_t m = strlen(adj[i]);
        if (n >= m + 2 && memcmp(k + n - m, adj[i], m) == 0)
            n -= m, cut = true;
    }
    if (!cut && n >= 5 && ends(k, n, "Cki"))
        k[n - 3] = 't', n -= 2;
    /* the endings that differ between a noun and its adjective or between
     * Kazakh and Russian forms: Аршалы / Аршалынский, Алға / Алгинский,
     * Жарқайың / Жаркаинский */
    while (n > 3 && (is_vowel(k[n - 1]) || k[n - 1] == 'n'))
        n--;
    k[n] = '\0';
    return n;
}

size_t aq__name_distance(const char *a, const char *b, size_t max)
{
    size_t na = strlen(a), nb = strlen(b);
    if ((na > nb ? na - nb : nb - na) > max || nb > 62 || max > 8)
        return max + 1; /* names are short; a long one is not a typo */
    /* Ukkonen's band: only cells within MAX of the diagonal can stay
     * within MAX, so each row costs 2 * MAX + 1 cells, not nb */
    const size_t big = max + 1;
    size_t row[64], prev[64];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j <= max ? j : big;
    for (size_t i = 1; i <= na; i++) {
        size_t lo = i > max ? i - max : 0, hi = i + max < nb ? i + max : nb, best = big;
        for (size_t j = 0; j <= nb; j++)
            row[j] = big;
        if (lo == 0)
            row[0] = i <= max ? i : big;
        for (size_t j = lo > 0 ? lo : 1; j <= hi; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v > big ? big : v;
        }
        for (size_t j = lo; j <= hi; j++)
            if (row[j] < best)
                best = row[j];
        if (best > max)
            return big;
        memcpy(prev, row, (nb + 1) * sizeof *row);
    }
    return prev[nb] <= max ? prev[nb] : big;
}

int aq_name_roman_key(aq_ctx *ctx, const char *name, int stem, char **out)
{
    if (!name || !out)
        return aq__err(ctx, AQ_EUSAGE, "aq_name_roman_key: name and out must not be NULL");
    aq_buf b = {NULL, 0, 0, false};
    int rc = aq__name_roman_append(ctx, name, strlen(name), &b, NULL);
    if (rc == AQ_OK && !b.data)
        aq__buf_append(&b, "", 0);
    if (rc == AQ_OK && b.failed)
        rc = aq__oom(ctx);
    if (rc) {
        aq__buf_free(&b);
        return rc;
    }
    if (stem)
        b.len = aq__name_stem(b.data, b.len);
    *out = b.data;
    return AQ_OK;
}
