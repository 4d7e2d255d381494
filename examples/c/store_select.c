/*
 * store_select.c -- open an aimaq store and list one indicator's values,
 * through the installed library:
 *
 *   cc store_select.c $(pkg-config --cflags --libs aimaq) -o store_select
 *   ./store_select kz.db grp_pc_kzt_thousand region 2022
 *   ./store_select 'postgresql://aimaq@db.example.kz/kz' population region 2023
 *
 * The store is a SQLite file or a PostgreSQL URI. It is opened read-only
 * and reports its errors on the context it was opened with. Prints code,
 * Russian name and value, tab-separated, in code order.
 */
#include <aimaq.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s STORE INDICATOR LEVEL PERIOD\n", argv[0]);
        return 1;
    }
    aq_ctx *ctx = aq_ctx_new();
    if (!ctx)
        return 3;
    aq_store *s = NULL;
    aq_table *t = NULL;
    const char *indicators[] = {argv[2], NULL};
    aq_selection sel = {.indicators = indicators, .level = argv[3], .period = argv[4]};
    int rc = aq_store_open(ctx, argv[1], AQ_STORE_READONLY, &s);
    if (rc == AQ_OK)
        rc = aq_store_select(s, &sel, &t);
    if (rc == AQ_OK) {
        /* aq_store_select's columns: code, name_kk, name_ru, ..., one per indicator. */
        long code = aq_table_find(t, "code"), name = aq_table_find(t, "name_ru"), value = aq_table_find(t, argv[2]);
        for (size_t i = 0; i < aq_table_nrows(t); i++) {
            char buf[64];
            const char *label = aq_table_text(t, (size_t)name, i);
            printf("%s\t%s\t%s\n", aq_table_text(t, (size_t)code, i), label ? label : "",
                   aq_table_cell(t, (size_t)value, i, buf, sizeof buf));
        }
    } else {
        fprintf(stderr, "store_select: %s\n", aq_errmsg(ctx));
    }
    aq_table_free(t);
    aq_store_close(s);
    aq_ctx_free(ctx);
    return rc == AQ_OK ? 0 : rc == AQ_EUSAGE ? 1 : 2;
}
