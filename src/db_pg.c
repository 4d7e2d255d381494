/* db_pg.c -- the PostgreSQL driver under db.h (being written: until then a
 * postgresql:// target fails to open). */
#include "db_driver.h"
int aq__db_pg_open(const char *url, bool readonly, aq_db **out) { (void)url; (void)readonly; *out = NULL; return AQ_DB_ERROR; }
