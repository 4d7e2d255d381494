/*
 * ws_scope.c -- the territorial scope of a regional editor: its scope codes
 * and every unit under them, following units.parent.
 */
#include "ws_int.h"

#include <stdio.h>
#include <string.h>

int aq__ws_scope_split(const char *scope, char (*codes)[64], int max)
{
    int n = 0;
    const char *p = scope ? scope : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > a) {
            if (n >= max || (size_t)(b - a) > 63)
                return -1;
            memcpy(codes[n], a, (size_t)(b - a));
            codes[n][b - a] = '\0';
            n++;
        }
        p = end ? end + 1 : p + len;
    }
    return n;
}

int aq_ws_may_change(aq_store *s, const aq_account *actor, const char *unit_code)
{
    if (!actor)
        return aq__err(s->ctx, AQ_EDENIED, "nobody is logged in: changes need an account");
    if (actor->role == AQ_ROLE_VIEWER || !aq_role_name(actor->role))
        return aq__err(s->ctx, AQ_EDENIED, "'%s' is a %s: it may not change data", actor->name,
                       aq_role_name(actor->role) ? "viewer" : "account without a role");
    /* The unit and its ancestors, nearest first. */
    aq_db_stmt *st;
    int rc = aq__store_prepare(s,
        "WITH RECURSIVE up(code, parent, depth) AS (SELECT code, parent, 0 FROM units WHERE code = ?1"
        " UNION SELECT u.code, u.parent, up.depth + 1 FROM units u JOIN up ON u.code = up.parent WHERE up.depth < 64)"
        " SELECT code FROM up ORDER BY depth", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, unit_code);
    char codes[32][64];
    int n = actor->role == AQ_ROLE_REGIONAL ? aq__ws_scope_split(actor->scope, codes, 32) : 0;
    bool exists = false, inside = actor->role != AQ_ROLE_REGIONAL;
    int step;
    while ((step = aq__db_step(st)) == AQ_DB_ROW) {
        exists = true;
        const char *code = aq__db_column_text(st, 0);
        for (int i = 0; i < n && !inside; i++)
            inside = strcmp(code, codes[i]) == 0;
    }
    if (step != AQ_DB_DONE)
        rc = aq__store_fail(s, "cannot read the units");
    aq__db_finalize(st);
    if (rc)
        return rc;
    if (!exists)
        return aq__err(s->ctx, AQ_ENOTFOUND, "no unit '%s' in the store '%s'", unit_code ? unit_code : "", s->path);
    if (!inside)
        return aq__err(s->ctx, AQ_EDENIED, "'%s' (regional editor) may not change unit '%s': it is not within its scope %s",
                       actor->name, unit_code, actor->scope);
    return AQ_OK;
}

int aq__ws_scope_check_dataset(aq_store *s, const char *scope, const char *table, int64_t dataset_id)
{
    char codes[32][64];
    int n = aq__ws_scope_split(scope, codes, 32);
    if (n <= 0)
        return aq__err(s->ctx, AQ_EDENIED, n < 0 ? "scope '%s': at most 32 unit codes of up to 63 characters"
                                                 : "empty scope '%s': no unit may be changed", scope ? scope : "");
    /* Every unit under the scope codes, then the dataset's units outside it. */
    aq_buf sql = {0};
    aq__buf_puts(&sql, "WITH RECURSIVE sub(code) AS (SELECT code FROM units WHERE code IN (");
    for (int i = 0; i < n; i++)
        aq__buf_printf(&sql, "%s?%d", i ? "," : "", i + 2);
    aq__buf_printf(&sql, ") UNION SELECT u.code FROM units u JOIN sub ON u.parent = sub.code)"
                         " SELECT u.code FROM units u WHERE u.id IN (SELECT DISTINCT unit_id FROM %s WHERE dataset_id = ?1)"
                         " AND u.code NOT IN (SELECT code FROM sub) ORDER BY u.code LIMIT 6", table);
    if (sql.failed) {
        aq__buf_free(&sql);
        return aq__oom(s->ctx);
    }
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, sql.data, &st);
    aq__buf_free(&sql);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, dataset_id);
    for (int i = 0; i < n; i++)
        aq__db_bind_text(st, i + 2, codes[i]);
    aq_buf out = {0};
    int k = 0, step;
    while ((step = aq__db_step(st)) == AQ_DB_ROW) {
        if (k < 5)
            aq__buf_printf(&out, "%s%s", k ? ", " : "", aq__db_column_text(st, 0));
        k++;
    }
    if (step != AQ_DB_DONE)
        rc = aq__store_fail(s, "cannot check the scope");
    aq__db_finalize(st);
    if (rc == AQ_OK && k > 0)
        rc = aq__err(s->ctx, AQ_EDENIED, "unit%s %s%s %s outside the scope %s: nothing was imported", k > 1 ? "s" : "",
                     out.data ? out.data : "", k > 5 ? " and more" : "", k > 1 ? "are" : "is", scope);
    aq__buf_free(&out);
    return rc;
}
