/*
 * store_history.c -- the units as they were at a dataset horizon.
 *
 * units holds the current state only, so the hot reads (listings, maps,
 * selections of now) stay one table. Each change to a unit leaves the
 * values it replaced in unit_history, keyed by the dataset that made the
 * change (the trigger of schema version 4, store_schema.c); since_dataset
 * says which dataset added the unit. At horizon H a unit therefore has:
 * nothing, if it was added after H; else the values of its oldest history
 * row replaced after H; else its current row. A store older than version 4
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

void aq__units_at(aq_buf *sql, const char *h)
{
    aq__buf_printf(sql,
        "(SELECT u.id, u.code, u.parent, u.level, u.kind, u.name_kk, u.name_ru, u.name_en, u.valid_from, u.valid_to,"
        "   u.classifier, u.crs, u.geom FROM units u"
        " WHERE (u.since_dataset IS NULL OR u.since_dataset <= %s)"
        "   AND NOT EXISTS (SELECT 1 FROM unit_history h WHERE h.unit_id = u.id AND h.until_dataset > %s)"
        " UNION ALL"
        " SELECT u.id, u.code, h.parent, h.level, h.kind, h.name_kk, h.name_ru, h.name_en, h.valid_from, h.valid_to,"
        "   h.classifier, h.crs, h.geom FROM unit_history h JOIN units u ON u.id = h.unit_id"
        " WHERE (u.since_dataset IS NULL OR u.since_dataset <= %s)"
        "   AND h.until_dataset = (SELECT min(e.until_dataset) FROM unit_history e"
        "     WHERE e.unit_id = h.unit_id AND e.until_dataset > %s))",
        h, h, h, h);
}
