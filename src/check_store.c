/*
 * check_store.c -- the data checks run over the store: the unit hierarchy
 * (units without a parent, parents at a lower level than their children),
 * the units' geometries, every indicator's values, with the same rules
 * as for a file, and the audit log's hash chain.
 */
#include "aimaq_workspace.h"
#include "check.h"
#include "store.h"

#include <math.h>
#include <stdio.h>

int aq_check_store(aq_store *s, aq_findings **out)
{
    aq_findings *f;
    int rc = aq__findings_new(s->ctx, &f);
    if (rc)
        return rc;
    aq_db_stmt *st;
    rc = aq__store_prepare(s,
        "SELECT u.code, u.level, p.code, p.level, lu.rank, lp.rank FROM units u"
        " LEFT JOIN units p ON p.code = u.parent"
        " LEFT JOIN levels lu ON lu.name = u.level LEFT JOIN levels lp ON lp.name = p.level"
        " ORDER BY u.code", &st);
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        const char *code = aq__db_column_text(st, 0);
        const char *level = aq__db_column_text(st, 1);
        bool has_parent = aq__db_column_type(st, 2) != AQ_DB_NULL;
        if (!has_parent && aq__db_column_type(st, 4) != AQ_DB_NULL && (int)aq__db_column_int64(st, 4) > 1)
            rc = aq__finding_add(s->ctx, f, AQ_SEV_WARNING, "orphan", code, NULL, NULL, NAN, 0,
                                 "unit '%s' (level %s) has no parent", code, level ? level : "?");
        else if (has_parent && aq__db_column_type(st, 4) != AQ_DB_NULL && aq__db_column_type(st, 5) != AQ_DB_NULL &&
                 (int)aq__db_column_int64(st, 5) >= (int)aq__db_column_int64(st, 4))
            rc = aq__finding_add(s->ctx, f, AQ_SEV_ERROR, "hierarchy", code, NULL, NULL, NAN, 0,
                                 "unit '%s' (level %s) has parent '%s' at level %s, not above it", code, level,
                                 aq__db_column_text(st, 2), aq__db_column_text(st, 3));
    }
    aq__db_finalize(st);
    st = NULL;
    /* The values files marked as missing, each with its reason. */
    if (rc == AQ_OK)
        rc = aq__store_prepare(s,
            "SELECT u.code, i.code, m.period, m.reason, m.marker FROM missing_values m JOIN units u ON u.id = m.unit_id"
            " JOIN indicators i ON i.id = m.indicator_id JOIN datasets d ON d.id = m.dataset_id"
            " WHERE d.status = 'live' ORDER BY i.code, m.period, u.code", &st);
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        const char *code = aq__db_column_text(st, 0), *ind = aq__db_column_text(st, 1);
        rc = aq__finding_add(s->ctx, f, AQ_SEV_WARNING, "missing", code, ind, aq__db_column_text(st, 2), NAN, 0,
                             "'%s' of '%s' is missing (%s: '%s')", ind, code, aq__db_column_text(st, 3),
                             aq__db_column_text(st, 4));
    }
    aq__db_finalize(st);
    st = NULL;
    /* Each unit's boundary, once (a selection would repeat it per indicator). */
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, "SELECT code, geom FROM units WHERE geom IS NOT NULL ORDER BY code", &st);
    while (rc == AQ_OK && aq__store_row(s, st, &rc))
        rc = aq__check_geometry(s->ctx, f, aq__db_column_text(st, 0), aq__db_column_blob(st, 1),
                                (size_t)aq__db_column_bytes(st, 1), 0);
    aq__db_finalize(st);
    /* Each indicator on its own: a wide selection of all of them would
     * count every unit without that indicator as a missing value. */
    aq_table *inds = NULL;
    if (rc == AQ_OK)
        rc = aq_store_indicators(s, &inds);
    for (size_t k = 0; rc == AQ_OK && k < aq_table_nrows(inds); k++) {
        const char *codes[] = {aq_table_text(inds, 0, k), NULL};
        aq_selection sel = {.indicators = codes};
        aq_table *t = NULL;
        rc = aq_store_select(s, &sel, &t);
        if (rc == AQ_OK)
            rc = aq__check_table_into(s->ctx, t, true, f);
        aq_table_free(t);
    }
    aq_table_free(inds);
    /* The audit log: a record rewritten, removed or slipped in past the
     * schema's triggers breaks the chain at the first record after it. */
    long long bad = 0, count = 0;
    if (rc == AQ_OK && (rc = aq_ws_audit_verify(s, &bad, &count, NULL)) == AQ_EINPUT) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", aq_errmsg(s->ctx));
        aq_clear_error(s->ctx);
        rc = aq__finding_add(s->ctx, f, AQ_SEV_ERROR, "audit-chain", NULL, NULL, NULL, (double)bad, 0, "%s", msg);
    }
    if (rc) {
        aq_findings_free(f);
        return rc;
    }
    *out = f;
    return AQ_OK;
}
