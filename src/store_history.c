/*
 * store_history.c -- the units as they were at a dataset horizon.
 *
 * units holds the current state only, so the hot reads (listings, maps,
 * selections of now) stay one table. Each change to a unit leaves the
 * values it replaced in unit_history, keyed by the dataset that made the
 * change (the trigger of schema version 8, store_schema.c); since_dataset
 * says which dataset added the unit. At horizon H a unit therefore has:
 * nothing, if it was added after H; else the values of its oldest history
 * row replaced after H; else its current row. A store older than version 8
 * has no history: its units at migration are valid from the beginning.
 */
#include "store.h"

int aq__units_changed_after(aq_store *s, long long horizon, bool *changed)
{
    int64_t n = 0;
    int rc = aq__store_int(s, &n, "cannot read the units' history",
                           "SELECT CASE WHEN EXISTS (SELECT 1 FROM unit_history WHERE until_dataset > ?1)"
                           " OR EXISTS (SELECT 1 FROM units WHERE since_dataset > ?1) THEN 1 ELSE 0 END",
                           "i", horizon);
    if (rc == AQ_OK)
        *changed = n != 0;
    return rc;
}

/* One column of the unit at the horizon: its history row's, if it has one
 * replaced after the horizon, else the current row's. */
static void at(aq_buf *sql, const char *c)
{
    aq__buf_printf(sql, ", CASE WHEN uh.unit_id IS NULL THEN u.%s ELSE uh.%s END AS %s", c, c, c);
}

void aq__units_at(aq_buf *sql, const char *h)
{
    /* A join rather than a union: the engines flatten it into the query
     * around it, so a join on the unit's id stays an index lookup, and
     * only the columns read are assembled (no geometry copied for a
     * hierarchy). */
    static const char *const cols[] = {"parent", "level", "kind", "name_kk", "name_ru", "name_en", "valid_from",
                                       "valid_to", "classifier", "crs", "geom"};
    aq__buf_puts(sql, "(SELECT u.id, u.code");
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        at(sql, cols[k]);
    aq__buf_printf(sql, " FROM units u LEFT JOIN unit_history uh ON uh.unit_id = u.id AND uh.until_dataset ="
                        " (SELECT min(e.until_dataset) FROM unit_history e WHERE e.unit_id = u.id AND e.until_dataset > %s)"
                        " WHERE u.since_dataset IS NULL OR u.since_dataset <= %s)", h, h);
}

void aq__unit_tree_at(aq_buf *sql, const char *h)
{
    /* A union, unlike aq__units_at: SQLite indexes its materialization by
     * parent for each step of the walk (a flattened join it scans whole,
     * once per unit reached). */
    aq__buf_printf(sql,
        "(SELECT u.code, u.parent FROM units u"
        " WHERE (u.since_dataset IS NULL OR u.since_dataset <= %s)"
        "   AND NOT EXISTS (SELECT 1 FROM unit_history h WHERE h.unit_id = u.id AND h.until_dataset > %s)"
        " UNION ALL"
        " SELECT u.code, h.parent FROM unit_history h JOIN units u ON u.id = h.unit_id"
        " WHERE (u.since_dataset IS NULL OR u.since_dataset <= %s)"
        "   AND h.until_dataset = (SELECT min(e.until_dataset) FROM unit_history e"
        "     WHERE e.unit_id = h.unit_id AND e.until_dataset > %s))",
        h, h, h, h);
}
