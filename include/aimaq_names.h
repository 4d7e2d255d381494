/*
 * aimaq_names.h -- name matching beyond aimaq.h: the loose key.
 *
 * aimaq.h declares the strict key (aq_name_key) and the transliteration
 * (aq_translit_latin). The loose key here is for a second matching pass
 * after the strict key has failed, the romanisation key for a third; see
 * docs/names.md.
 * Conventions are those of aimaq.h.
 */
#ifndef AIMAQ_NAMES_H
#define AIMAQ_NAMES_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes the loose matching key of NAME: the strict key of aq_name_key,
 * then the Kazakh letters replaced by the Russian-keyboard letters typed
 * for them (ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и), Latin letters stripped
 * of diacritics and q→k (so "Aqtöbe" meets "Aktobe"), the administrative
 * abbreviations and words around the name removed ("с.", "а.о.", "Г.А.",
 * "Қ.Ә.", "ауданы", "район", "облысы", "область", "қаласы", "region" ...),
 * and '.', '-', ',', '/', brackets and '№' turned into single spaces.
 * The loose key merges names that differ (Қарасу and Карасу are distinct
 * villages), so a match found with it must be reported as such.
 * *out is allocated; free it with aq_free.
 * Returns AQ_OK, AQ_EINPUT (NAME is not valid UTF-8; the message gives the
 * byte offset), AQ_EUSAGE (NULL argument), AQ_ENOMEM. */
int aq_name_loose_key(aq_ctx *ctx, const char *name, char **out);

/* Makes the romanisation key of NAME, the key of the matcher's third pass
 * (docs/names.md): administrative words and bracketed parts dropped, then
 * Cyrillic and the common romanisations of Russian and Kazakh (BGN/PCGN,
 * GOST 7.79 / ISO 9, ICAO Doc 9303, the 2021 Kazakh Latin) folded to one
 * ASCII skeleton, so that "Aksuskiy", "Aqsuskiy" and "Аксуский район" all
 * give "aksuski". With STEM nonzero, the key's stem: the Russian
 * adjectival ending and the final vowels and n cut ("Zhambylskiy" and
 * "Жамбыл ауданы" both give "Jambil"). The key merges distinct names far
 * more than the loose key (Шу and Чу, Қарасу and Карасу), so aimaq uses it
 * only within a parent with few units. *out is allocated; free it with
 * aq_free. Returns AQ_OK, AQ_EINPUT (invalid UTF-8), AQ_EUSAGE (NULL
 * argument), AQ_ENOMEM. */
int aq_name_roman_key(aq_ctx *ctx, const char *name, int stem, char **out);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_NAMES_H */
