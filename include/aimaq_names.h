/*
 * aimaq_names.h -- name matching beyond aimaq.h: the loose key.
 *
 * aimaq.h declares the strict key (aq_name_key) and the transliteration
 * (aq_translit_latin). The loose key here is for a second matching pass
 * after the strict key has failed; see docs/names.md.
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

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_NAMES_H */
