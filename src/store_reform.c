/*
 * store_reform.c -- territorial reforms: links from a unit to its
 * successors with the share of population that moved, and series put on
 * one territorial basis across a reform.
 *
 * Kazakhstan split South Kazakhstan into Turkestan region and Shymkent city
 * in 2018 and carved Abai, Zhetysu and Ulytau out of three regions in 2022.
 * A count (people, tenge) of a unit that was split is divided among its
 * successors by the shares; a rate (per capita, per cent) is carried to
 * every successor unchanged, because a share of a rate is meaningless (a
 * unit formed by a merge gets the unweighted mean of its sources' rates:
 * weight them yourself when the populations are known).
 * Chains (A split, then its successor split again) are followed; a unit
 * that lives on after giving up part of its territory links to itself with
 * the share it kept (each link is followed once, after the previous one).
 */
#include "store.h"
#include "table.h"

#include <math.h>
#include <string.h>

int aq_store_link_units(aq_store *s, const char *from_code, const char *to_code, const char *date, double share)
{
    char norm[16];
    if (!(share >= 0 && share <= 1))
        return aq__err(s->ctx, AQ_EINPUT, "share %g of the link %s -> %s is not between 0 and 1", share, from_code, to_code);
    if (!date || !aq__period_normalise(date, norm))
        return aq__err(s->ctx, AQ_EINPUT, "'%s' is not a date (YYYY or YYYY-MM-DD)", date ? date : "");
    aq_db_stmt *st;
    int rc = aq__store_prepare(s,
        "INSERT INTO unit_links(from_id, to_id, date, share) SELECT f.id, t.id, ?3, ?4 FROM units f, units t"
        " WHERE f.code = ?1 AND t.code = ?2 ON CONFLICT(from_id, to_id, date) DO UPDATE SET share = excluded.share", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, from_code);
    aq__db_bind_text(st, 2, to_code);
    aq__db_bind_text(st, 3, norm);
    aq__db_bind_double(st, 4, share);
    if (aq__db_step(st) != AQ_DB_DONE)
        rc = aq__store_fail(s, "cannot store the link");
    else if (aq__db_changes(s->db) == 0)
        rc = aq__err(s->ctx, AQ_ENOTFOUND, "unit '%s' or '%s' is not in the store", from_code, to_code);
    aq__db_finalize(st);
    return rc;
}

int aq_store_rebase(aq_store *s, const char *indicator, const char *period, const char *date, int additive,
                    aq_table **out)
{
    char pnorm[16], dnorm[16];
    if (!period || !aq__period_normalise(period, pnorm))
        return aq__err(s->ctx, AQ_EINPUT, "'%s' is not a period", period ? period : "");
    if (!date || !aq__period_normalise(date, dnorm))
        return aq__err(s->ctx, AQ_EINPUT, "'%s' is not a date", date ? date : "");
    if (strlen(dnorm) == 4) /* a year as the basis means its end */
        memcpy(dnorm + 4, "-12-31", 7);
    /* Follow links dated after the period and up to the target date: each
     * path from an observed unit to a successor multiplies the shares. */
    const char *args[] = {indicator, pnorm, dnorm, additive ? "1" : "0", NULL};
    aq_table *t = NULL;
    int rc = aq__store_query_table(s,
        "WITH RECURSIVE vals(unit_id, value) AS ("
        "  SELECT o.unit_id, o.value FROM observations o JOIN indicators i ON i.id = o.indicator_id"
        "  WHERE i.code = ?1 AND o.period = ?2"
        "  AND o.dataset_id = (SELECT max(dataset_id) FROM observations o2 WHERE o2.unit_id = o.unit_id"
        "                      AND o2.indicator_id = o.indicator_id AND o2.period = o.period" AQ__LIVE_VALUES("o2") ")),"
        " path(unit_id, origin, factor, since) AS ("
        "  SELECT unit_id, unit_id, CAST(1 AS DOUBLE PRECISION), CAST(?2 AS TEXT) FROM vals"
        "  UNION ALL SELECT l.to_id, p.origin, p.factor * CASE WHEN ?4 = '1' THEN l.share ELSE 1.0 END, l.date"
        "  FROM path p JOIN unit_links l ON l.from_id = p.unit_id WHERE l.date > p.since AND l.date <= ?3)"
        " SELECT u.code AS code, CASE WHEN ?4 = '1' THEN sum(v.value * p.factor) ELSE avg(v.value) END AS value,"
        " count(*) AS sources"
        " FROM path p JOIN vals v ON v.unit_id = p.origin JOIN units u ON u.id = p.unit_id"
        " WHERE NOT EXISTS (SELECT 1 FROM unit_links l WHERE l.from_id = p.unit_id AND l.date > p.since AND l.date <= ?3)"
        " GROUP BY u.code ORDER BY u.code", args, &t);
    if (rc)
        return rc;
    if (aq_table_nrows(t) == 0) {
        aq_table_free(t);
        return aq__err(s->ctx, AQ_ENOTFOUND, "no values of '%s' for %s in the store", indicator, pnorm);
    }
    *out = t;
    return AQ_OK;
}
