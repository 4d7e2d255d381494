/*
 * translit.c -- Kazakh Cyrillic to the Kazakh Latin alphabet of 2021, for
 * display and search.
 *
 * The table is the one the Wikipedia article "Kazakh alphabets" uses for
 * its 2021 transliteration example ("бір ... кісі" -> "bır ... kısı",
 * "үйіне" -> "üiıne", "сый" -> "syi"): і is dotless ı with capital I, и and
 * й are dotted i with capital İ. The 2021 letter set has no letters for the
 * Russian ц ч щ ё ю я ъ ь э; the choices made for them are in docs/names.md.
 * Look-alike letters are folded first (aq__fold_lookalikes), so the Latin i
 * typed inside "Еңбекшiлдер" comes out as ı like its neighbours.
 */
#include "names.h"

#include <string.h>
#include <utf8proc.h>

typedef struct latin_form {
    int32_t cyr;                     /* the lower-case Cyrillic letter    */
    const char *lower, *title, *upper; /* "" for the signs that vanish    */
} latin_form;

/* Ordered by code point for the binary search. */
static const latin_form table[] = {
    {0x430, "a", "A", "A"},     /* а */
    {0x431, "b", "B", "B"},     /* б */
    {0x432, "v", "V", "V"},     /* в */
    {0x433, "g", "G", "G"},     /* г */
    {0x434, "d", "D", "D"},     /* д */
    {0x435, "e", "E", "E"},     /* е */
    {0x436, "j", "J", "J"},     /* ж */
    {0x437, "z", "Z", "Z"},     /* з */
    {0x438, "i", "İ", "İ"},     /* и */
    {0x439, "i", "İ", "İ"},     /* й */
    {0x43A, "k", "K", "K"},     /* к */
    {0x43B, "l", "L", "L"},     /* л */
    {0x43C, "m", "M", "M"},     /* м */
    {0x43D, "n", "N", "N"},     /* н */
    {0x43E, "o", "O", "O"},     /* о */
    {0x43F, "p", "P", "P"},     /* п */
    {0x440, "r", "R", "R"},     /* р */
    {0x441, "s", "S", "S"},     /* с */
    {0x442, "t", "T", "T"},     /* т */
    {0x443, "u", "U", "U"},     /* у */
    {0x444, "f", "F", "F"},     /* ф */
    {0x445, "h", "H", "H"},     /* х */
    {0x446, "ts", "Ts", "TS"},  /* ц */
    {0x447, "ç", "Ç", "Ç"},     /* ч */
    {0x448, "ş", "Ş", "Ş"},     /* ш */
    {0x449, "şş", "Şş", "ŞŞ"},  /* щ */
    {0x44A, "", "", ""},        /* ъ */
    {0x44B, "y", "Y", "Y"},     /* ы */
    {0x44C, "", "", ""},        /* ь */
    {0x44D, "e", "E", "E"},     /* э */
    {0x44E, "iu", "İu", "İU"},  /* ю */
    {0x44F, "ia", "İa", "İA"},  /* я */
    {0x451, "io", "İo", "İO"},  /* ё */
    {0x456, "ı", "I", "I"},     /* і */
    {0x493, "ğ", "Ğ", "Ğ"},     /* ғ */
    {0x49B, "q", "Q", "Q"},     /* қ */
    {0x4A3, "ñ", "Ñ", "Ñ"},     /* ң */
    {0x4AF, "ü", "Ü", "Ü"},     /* ү */
    {0x4B1, "ū", "Ū", "Ū"},     /* ұ */
    {0x4BB, "h", "H", "H"},     /* һ */
    {0x4D9, "ä", "Ä", "Ä"},     /* ә */
    {0x4E9, "ö", "Ö", "Ö"},     /* ө */
};

static const latin_form *lookup(int32_t lower)
{
    size_t lo = 0, hi = sizeof table / sizeof table[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (table[mid].cyr == lower)
            return &table[mid];
        if (table[mid].cyr < lower)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool is_letter(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

/* Is the word around an upper-case letter at I written in capitals? Decided
 * by the next letter, or at the end of a word by the previous one, so that
 * "Юрта" gives "İurta" and "ЮРТА" gives "İURTA". */
static bool caps_context(const int32_t *cp, size_t n, size_t i)
{
    if (i + 1 < n && is_letter(cp[i + 1]))
        return utf8proc_isupper(cp[i + 1]);
    return i > 0 && is_letter(cp[i - 1]) && utf8proc_isupper(cp[i - 1]);
}

int aq_translit_latin(aq_ctx *ctx, const char *name, char **out)
{
    if (!name || !out)
        return aq__err(ctx, AQ_EUSAGE, "aq_translit_latin: name and out must not be NULL");
    size_t len = strlen(name);
    aq__cps b;
    int rc = aq__cps_decode(ctx, name, len, &b);
    if (rc) {
        aq__cps_free(&b);
        return rc;
    }
    aq__fold_lookalikes(b.cp, b.n);
    /* a Cyrillic letter (2 bytes) becomes at most 4 bytes ("şş"), anything
     * else keeps its length, so 4 bytes a code point always suffice */
    char *s = aq__malloc(b.n * 4 + 1);
    if (!s) {
        aq__cps_free(&b);
        return aq__oom(ctx);
    }
    size_t w = 0;
    for (size_t i = 0; i < b.n; i++) {
        int32_t c = b.cp[i];
        const latin_form *f = NULL;
        bool upper = false;
        if (c >= 0x400 && c <= 0x4FF) {
            int32_t lower = utf8proc_tolower(c);
            f = lookup(lower);
            upper = lower != c;
        }
        if (!f) {
            w += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)s + w);
            continue;
        }
        const char *t = !upper ? f->lower : caps_context(b.cp, b.n, i) ? f->upper : f->title;
        size_t tn = strlen(t);
        memcpy(s + w, t, tn);
        w += tn;
    }
    s[w] = '\0';
    aq__cps_free(&b);
    *out = s;
    return AQ_OK;
}
