/*
 * mapping.h -- how the columns of an imported table map onto the store:
 * roles (code, period, names, ...), the shape of the table, and indicator
 * metadata. Found from column names by default, or read from a YAML
 * mapping file (see docs/import.md).
 */
#ifndef AQ_MAPPING_H
#define AQ_MAPPING_H

#include "aq_int.h"

/* Column roles. Only ever appended (role_names in mapping.c follows). */
enum aq__role {
    AQ_ROLE_CODE, AQ_ROLE_PARENT, AQ_ROLE_LEVEL, AQ_ROLE_KIND,
    AQ_ROLE_NAME_KK, AQ_ROLE_NAME_RU, AQ_ROLE_NAME_EN,
    AQ_ROLE_VALID_FROM, AQ_ROLE_VALID_TO, AQ_ROLE_CLASSIFIER,
    AQ_ROLE_PERIOD, AQ_ROLE_INDICATOR, AQ_ROLE_VALUE, AQ_ROLE_FLAGS,
    AQ_ROLE_FROM, AQ_ROLE_TO, AQ_ROLE_DATE, AQ_ROLE_SHARE,
    AQ_ROLE_MEASURE, AQ_ROLE_DIRECTION, AQ_ROLE_DESCRIPTION, AQ_ROLE_SOURCE,
    AQ_ROLE_COUNT
};

enum aq__shape { AQ_SHAPE_AUTO, AQ_SHAPE_WIDE, AQ_SHAPE_LONG, AQ_SHAPE_UNITS, AQ_SHAPE_LINKS, AQ_SHAPE_INDICATORS,
                 AQ_SHAPE_COUNT_SENTINEL };

/* Metadata of one indicator, declared in a mapping. */
typedef struct aq__indicator_meta {
    char *column;  /* column (wide) or code as written in the file (long) */
    char *code;    /* code in the store; NULL = same as column            */
    char *name_kk, *name_ru, *name_en, *measure, *description, *source;
    int direction; /* 1 higher is better, -1 worse, 0 neutral/unknown     */
    bool has_direction;
} aq__indicator_meta;

typedef struct aq__mapping {
    char *columns[AQ_ROLE_COUNT]; /* column name per role, or NULL     */
    enum aq__shape shape;
    char *period, *level, *classifier;
    char *indicator;              /* the indicator of a year-per-column table */
    char **ignore;                /* columns to leave out              */
    size_t nignore;
    aq__indicator_meta *indicators;
    size_t nindicators;
    char *path;                   /* the mapping file, for messages    */
} aq__mapping;

/* Reads a YAML mapping file. Errors name the file and line. */
int aq__mapping_load(aq_ctx *ctx, const char *path, aq__mapping *m);
void aq__mapping_free(aq__mapping *m);
const char *aq__role_name(enum aq__role r);
const char *aq__shape_name(enum aq__shape s);

/* Role columns resolved against a table: index per role, or -1. */
typedef struct aq__roles {
    long col[AQ_ROLE_COUNT];
    enum aq__shape shape;
} aq__roles;

/* Finds the role columns of T: the mapping's names first (an absent column
 * is an error naming the mapping), then the default names. Decides the
 * shape when the mapping does not say. */
int aq__roles_resolve(aq_ctx *ctx, const aq_table *t, const aq__mapping *m, aq__roles *r);
/* Is column J one of the roles or ignored by the mapping? */
bool aq__roles_claims(const aq__roles *r, const aq__mapping *m, const aq_table *t, size_t j);

#endif
