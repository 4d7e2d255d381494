/*
 * names.h -- internals of name matching (names.c) and transliteration
 * (translit.c), shared with the matcher (match.c).
 *
 * Two keys are made from a name. The strict key (aq_name_key in aimaq.h)
 * only removes differences that never distinguish two places: Unicode
 * form, case, look-alike letters of the other script, quotes, dashes and
 * spaces. The loose key below also drops what the strict key must keep:
 * the Kazakh letters typed as their Russian-keyboard fallbacks (қ as к ...)
 * and the administrative words around a name (с., а.о., ауданы, район ...).
 * It merges distinct names (Қарасу and Карасу are both real), so a matcher
 * tries it only after the strict key and reports every loose match.
 * docs/names.md explains both keys and the transliteration table.
 */
#ifndef AQ_NAMES_H
#define AQ_NAMES_H

#include "aq_int.h"

#include <stdint.h>

/* Code points of one name. Short names live in `small`, so decoding a name
 * allocates nothing; longer ones get one heap block. */
typedef struct aq__cps {
    int32_t *cp;      /* cp == small, or a heap block of cap entries */
    size_t n, cap;
    int32_t small[256];
} aq__cps;

/* Decodes LEN bytes of UTF-8 into B (initialised here) and normalises them
 * to NFC. Invalid UTF-8 is AQ_EINPUT with the byte offset in the message;
 * AQ_ENOMEM. Release B with aq__cps_free whatever the result. */
int aq__cps_decode(aq_ctx *ctx, const char *s, size_t len, aq__cps *b);
void aq__cps_free(aq__cps *b);

/* Folds look-alike letters in place, keeping case: a word whose letters
 * are Cyrillic except for Latin look-alikes (Еңбекшiлдер with Latin i)
 * becomes all Cyrillic, and the reverse; a word made only of look-alikes
 * (the Latin I of "Бірлік I") takes the script of the rest of the name.
 * In Cyrillic words the palochka becomes і and the letters of KZ-1048 text
 * read as CP1251 (ќ ў ј ї ...) become the Kazakh letters they encode.
 * Returns the number of code points changed. */
int aq__fold_lookalikes(int32_t *cp, size_t n);

/* Appends the strict key of NAME (LEN bytes) to OUT, which the caller may
 * reuse between names (set out->len = 0) so a matching loop allocates
 * nothing per name. *changes (may be NULL) receives the look-alike count.
 * Returns AQ_OK, AQ_EINPUT (invalid UTF-8), AQ_ENOMEM. */
int aq__name_key_append(aq_ctx *ctx, const char *name, size_t len, aq_buf *out,
                        int *changes);

/* The loose key: the strict key, then Kazakh letters to their Russian-
 * keyboard fallbacks (ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и) and the Latin
 * letters with diacritics to plain ones (ä→a ğ→g ñ→n ö→o ū→u ü→u ş→s ç→c,
 * q→k), administrative affixes stripped (aq__name_strip_affixes), and
 * '.', '-', '№', ',' and brackets turned into spaces. *out is allocated
 * (aq__free / aq_free). Returns AQ_OK, AQ_EINPUT, AQ_ENOMEM. */
int aq__name_loose_key(aq_ctx *ctx, const char *name, char **out);
/* The same, appended to a reusable buffer. */
int aq__name_loose_append(aq_ctx *ctx, const char *name, size_t len, aq_buf *out);

/* Removes, in place, the administrative abbreviations and words that KATO
 * and the statistics tables put before or after a name: "с.", "г.", "п.",
 * "а.", "қ.", "к.", "с.о.", "а.о.", "г.а.", "Г.А.", "қ.ә.", "ауданы",
 * "район", "облысы", "область", "қаласы", "сельский округ", "region" ...,
 * standing alone or glued to the name ("с.Жамбыл", "атын.а."). KEY must be
 * a strict or loose key (lower case, one space between words). A name is
 * never stripped to nothing. Returns the new length; key[len] is set to 0. */
size_t aq__name_strip_affixes(char *key, size_t len);

/* What a name's administrative words say it is: "г.", "қ.", "Қ.Ә.", "Г.А.",
 * "қаласы", "city" a city (or its administration); "ауданы", "район",
 * "district" and the Russian adjectival ending (-ский, -skiy) a district;
 * else nothing. K is a strict key of N bytes. */
enum { AQ__KIND_ANY = 0, AQ__KIND_CITY = 1, AQ__KIND_DISTRICT = 2 };
int aq__name_kind(const char *k, size_t n);

/* Appends the romanisation key of NAME (names_roman.c, docs/names.md): the
 * strict key without its administrative affixes and bracketed parts,
 * Cyrillic written in Latin and every common romanisation of Russian and
 * Kazakh folded to one skeleton, so that "Аксуский район", "Aksuskiy" and
 * "Aqsuskiy" agree. *kind (may be NULL) gets aq__name_kind of the name.
 * Returns AQ_OK, AQ_EINPUT (invalid UTF-8), AQ_ENOMEM. */
int aq__name_roman_append(aq_ctx *ctx, const char *name, size_t len, aq_buf *out, int *kind);

/* Cuts a romanisation key K (N bytes) to its stem in place: the Russian
 * adjectival ending (-ский) and the final vowels and n that differ between
 * "Аршалы", "Аршалынский" and "Arshalynskiy". Returns the new length. */
size_t aq__name_stem(char *k, size_t n);

/* Levenshtein distance of A and B, or MAX + 1 once it exceeds MAX. */
size_t aq__name_distance(const char *a, const char *b, size_t max);

#endif
