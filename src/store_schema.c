/*
 * store_schema.c -- the store's schema, as migrations for each engine.
 *
 * Migration N takes the schema from version N-1 to N; each runs as one
 * transaction (DDL is transactional on both engines), so a store is never
 * half-migrated, and an older aimaq refuses a newer store instead of
 * damaging it. The lists are only ever appended to, in step: version N
 * means the same tables, columns and constraints on both engines.
 *
 * PostgreSQL's text differs only where the engines do (docs/postgresql.md):
 * INTEGER PRIMARY KEY is an identity column; other integers are BIGINT, as
 * SQLite's are 64-bit; REAL is DOUBLE PRECISION (PostgreSQL's REAL is 4
 * bytes); BLOB is BYTEA; timestamps default to the same text form through
 * to_char; WITHOUT ROWID has no equivalent; the audit log's append-only
 * triggers are one PL/pgSQL function, TRUNCATE included, and so is the
 * units' history trigger, whose WHEN compares row values; the version lives
 * in the table aimaq_schema instead of PRAGMA user_version; and instr(),
 * which the unit search uses, is defined.
 */
#include "store.h"

/* SQLite. */
static const char *const sqlite_migrations[] = {
    /* 1: the territorial model, indicators, observations, datasets */
    "CREATE TABLE levels(\n"
    "  name TEXT PRIMARY KEY,\n"
    "  rank INTEGER NOT NULL,\n"
    "  description TEXT);\n"
    "INSERT INTO levels VALUES ('country',0,'the country'),('region',1,'oblast or city of republican significance'),\n"
    "  ('district',2,'district or city of regional significance'),('rural_district',3,'rural or settlement okrug'),\n"
    "  ('settlement',4,'settlement');\n"
    "CREATE TABLE datasets(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  source TEXT,\n"
    "  checksum TEXT,\n"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  imported_by TEXT,\n"
    "  shape TEXT,\n"
    "  rows_read INTEGER NOT NULL DEFAULT 0,\n"
    "  rows_accepted INTEGER NOT NULL DEFAULT 0,\n"
    "  rows_rejected INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE units(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  parent TEXT REFERENCES units(code) DEFERRABLE INITIALLY DEFERRED,\n"
    "  level TEXT REFERENCES levels(name),\n"
    "  kind TEXT,\n"
    "  name_kk TEXT, name_ru TEXT, name_en TEXT,\n"
    "  valid_from TEXT, valid_to TEXT,\n"
    "  classifier TEXT,\n"
    "  crs TEXT, geom BLOB,\n"
    "  dataset_id INTEGER REFERENCES datasets(id));\n"
    "CREATE INDEX units_parent ON units(parent);\n"
    "CREATE TABLE unit_links(\n"
    "  from_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  to_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  date TEXT NOT NULL,\n"
    "  share REAL NOT NULL CHECK (share >= 0 AND share <= 1),\n"
    "  dataset_id INTEGER REFERENCES datasets(id),\n"
    "  PRIMARY KEY (from_id, to_id, date));\n"
    "CREATE TABLE indicators(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name_kk TEXT, name_ru TEXT, name_en TEXT,\n"
    "  measure TEXT,\n"
    "  direction INTEGER CHECK (direction IN (-1, 0, 1)),\n"
    "  description TEXT, source TEXT);\n"
    /* Keyed indicator first: selections ask for an indicator (and a
     * period), and imports write one indicator's values in unit order, so
     * inserts append to a few B-tree pages instead of scattering. */
    "CREATE TABLE observations(\n"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT NOT NULL,\n"
    "  dataset_id INTEGER NOT NULL REFERENCES datasets(id),\n"
    "  value REAL,\n"
    "  flags TEXT,\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id)) WITHOUT ROWID;\n",
    /* 2: the shared workspace (aimaq_workspace.h): accounts, sessions and
     * tokens (hashes only), submissions awaiting approval, the append-only
     * audit log, stored methodologies and recorded results. A pending
     * dataset's values wait in pending_observations, which no selection
     * reads, until approval moves them into observations. */
    "ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT 'live'\n"
    "  CHECK (status IN ('live', 'pending', 'rejected'));\n"
    "CREATE TABLE pending_observations(\n"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT NOT NULL,\n"
    "  dataset_id INTEGER NOT NULL,\n"
    "  value REAL,\n"
    "  flags TEXT,\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id)) WITHOUT ROWID;\n"
    "CREATE INDEX pending_observations_dataset ON pending_observations(dataset_id);\n"
    "CREATE TABLE accounts(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'central', 'regional', 'viewer')),\n"
    "  scope TEXT NOT NULL DEFAULT '',\n"
    "  pw_hash TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  disabled INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE sessions(\n"
    "  token_sha TEXT PRIMARY KEY,\n"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),\n"
    "  csrf TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  expires_at INTEGER NOT NULL);\n"
    "CREATE TABLE api_tokens(\n"
    "  token_sha TEXT PRIMARY KEY,\n"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),\n"
    "  label TEXT,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));\n"
    "CREATE TABLE login_failures(name TEXT, client TEXT, at INTEGER NOT NULL);\n"
    "CREATE INDEX login_failures_name ON login_failures(name, at);\n"
    "CREATE INDEX login_failures_client ON login_failures(client, at);\n"
    "CREATE TABLE submissions(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('file', 'edit')),\n"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),\n"
    "  account_id INTEGER NOT NULL,\n"
    "  submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  file TEXT,\n"
    "  dataset_id INTEGER,\n"
    "  unit_id INTEGER, indicator_id INTEGER, period TEXT,\n"
    "  value REAL, old_value REAL,\n"
    "  rows INTEGER,\n"
    "  decided_by INTEGER, decided_at TEXT,\n"
    "  comment TEXT);\n"
    "CREATE INDEX submissions_status ON submissions(status);\n"
    "CREATE TABLE audit(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),\n"
    "  account TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  object TEXT, old_value TEXT, new_value TEXT, client TEXT);\n"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TABLE methodologies(\n"
    "  sha256 TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),\n"
    "  stored_by TEXT);\n"
    "CREATE TABLE results(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  created_by TEXT,\n"
    "  params TEXT,\n"
    "  method_sha256 TEXT,\n"
    "  horizon INTEGER NOT NULL,\n"
    "  datasets TEXT,\n"
    "  output TEXT,\n"
    "  output_sha256 TEXT);\n",
    /* 3: pages of one level in code order (the server's listings, and
     * selections by level) read the index instead of every unit. */
    "CREATE INDEX units_level_code ON units(level, code);\n",
    /* 4: refused (rate-limited) logins counted per client address and
     * minute; the count goes to the append-only audit as one record when
     * the minute is over (ws_session.c), so a flood of refusals cannot
     * fill it. */
    "CREATE TABLE login_refusals(client TEXT NOT NULL PRIMARY KEY, since INTEGER NOT NULL,\n"
    "  refused INTEGER NOT NULL, last_name TEXT);\n",
    /* 5: the audit log's hash chain (ws_audit.c): each record's SHA-256 of
     * the previous record's hash and its own content. Records written
     * before have none and are covered by the first record written after
     * (aimaq computes it, SQL cannot). An INSERT OR REPLACE would delete
     * the record it replaces without the DELETE trigger firing (unless
     * recursive_triggers is on): a record whose id exists is refused before
     * the conflict is resolved, and so is a record without its hash. The
     * index finds an account's results, which a cap per account expires. */
    "ALTER TABLE audit ADD COLUMN sha256 TEXT;\n"
    "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit\n"
    "  WHEN NEW.sha256 IS NULL OR EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: a record cannot be replaced, and needs its hash');"
    " END;\n"
    "CREATE INDEX results_account ON results(created_by, id);\n",
    /* 6: the cells a file marks as having no value (x confidential, -
     * absent, ... or н/д unavailable), kept apart from observations so that
     * no selection ever reads one as a number. */
    "CREATE TABLE missing_values(\n"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT NOT NULL,\n"
    "  dataset_id INTEGER NOT NULL REFERENCES datasets(id),\n"
    "  reason TEXT NOT NULL CHECK (reason IN ('confidential', 'absent', 'unavailable')),\n"
    "  marker TEXT NOT NULL,\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id)) WITHOUT ROWID;\n",
    /* 7: what a published sheet says around its table: its title, the
     * unit of measure and the footnotes (docs/import.md); and the sheet
     * (layer) a dataset was read from: another sheet of a file already
     * imported is no repeat of it. */
    "ALTER TABLE datasets ADD COLUMN title TEXT;\n"
    "ALTER TABLE datasets ADD COLUMN measure TEXT;\n"
    "ALTER TABLE datasets ADD COLUMN notes TEXT;\n"
    "ALTER TABLE datasets ADD COLUMN layer TEXT;\n",
    /* 8: units keep their history, so a result recorded at dataset horizon
     * H recomputes from the units as they were when H was the newest
     * dataset. units stays the current state (its readers are unchanged);
     * a trigger keeps the values each change replaces in unit_history,
     * keyed by the dataset that replaced them (every writer of units sets
     * dataset_id; the trigger refuses a change that names none). A row
     * holds at horizons below until_dataset and at or above the previous
     * change. since_dataset is the dataset that added the unit; a store
     * from before has NULL there and no history: its current units are
     * the first version, valid from the beginning. */
    "ALTER TABLE units ADD COLUMN since_dataset INTEGER;\n"
    "CREATE TABLE unit_history(\n"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  until_dataset INTEGER NOT NULL,\n"
    "  parent TEXT, level TEXT, kind TEXT,\n"
    "  name_kk TEXT, name_ru TEXT, name_en TEXT,\n"
    "  valid_from TEXT, valid_to TEXT,\n"
    "  classifier TEXT,\n"
    "  crs TEXT, geom BLOB,\n"
    "  dataset_id INTEGER,\n"
    "  PRIMARY KEY (unit_id, until_dataset));\n"
    "CREATE INDEX unit_history_until ON unit_history(until_dataset);\n"
    "CREATE INDEX units_since ON units(since_dataset);\n"
    /* The first change a dataset makes to a unit is kept (DO NOTHING on
     * the key): later ones within the same dataset replace values no
     * horizon ever saw. */
    "CREATE TRIGGER units_keep_history AFTER UPDATE ON units\n"
    "  WHEN OLD.parent IS NOT NEW.parent OR OLD.level IS NOT NEW.level OR OLD.kind IS NOT NEW.kind\n"
    "    OR OLD.name_kk IS NOT NEW.name_kk OR OLD.name_ru IS NOT NEW.name_ru OR OLD.name_en IS NOT NEW.name_en\n"
    "    OR OLD.valid_from IS NOT NEW.valid_from OR OLD.valid_to IS NOT NEW.valid_to\n"
    "    OR OLD.classifier IS NOT NEW.classifier OR OLD.crs IS NOT NEW.crs OR OLD.geom IS NOT NEW.geom\n"
    "    OR OLD.code IS NOT NEW.code\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'a unit''s code never changes: the history keeps it once, as the unit''s')\n"
    "    WHERE OLD.code IS NOT NEW.code;\n"
    "  SELECT RAISE(ABORT, 'a change to a unit must name its dataset (units.dataset_id)')\n"
    "    WHERE NEW.dataset_id IS NULL;\n"
    "  INSERT INTO unit_history(unit_id, until_dataset, parent, level, kind, name_kk, name_ru, name_en,\n"
    "    valid_from, valid_to, classifier, crs, geom, dataset_id)\n"
    "  VALUES (OLD.id, NEW.dataset_id, OLD.parent, OLD.level, OLD.kind, OLD.name_kk, OLD.name_ru, OLD.name_en,\n"
    "    OLD.valid_from, OLD.valid_to, OLD.classifier, OLD.crs, OLD.geom, OLD.dataset_id)\n"
    "  ON CONFLICT(unit_id, until_dataset) DO NOTHING;\n"
    "END;\n",
    /* 9: the server's import queue (aq_ws_job_*): one row per upload, its
     * state and progress, so that a client follows it and a restart finds
     * what it interrupted. An import the server writes in many short
     * transactions marks the indicators it creates with its dataset until
     * the dataset is whole (staged_by), so that an interrupted one takes
     * them away again. */
    "CREATE TABLE jobs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('upload')),\n"
    "  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),\n"
    "  account_id INTEGER NOT NULL,\n"
    "  file TEXT,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  updated_at TEXT,\n"
    "  rows_read INTEGER NOT NULL DEFAULT 0,\n"
    "  rows_total INTEGER,\n"
    "  dataset_id INTEGER,\n"
    "  submission_id INTEGER,\n"
    "  code INTEGER,\n"
    "  error TEXT);\n"
    "ALTER TABLE indicators ADD COLUMN staged_by INTEGER;\n",
};


/* The UTC timestamps SQLite writes with strftime('%Y-%m-%dT%H:%M:%SZ') and
 * '...%fZ' (milliseconds); clock_timestamp where the default is per row,
 * as 'now' is per statement in SQLite and now() per transaction here. */
#define PG_NOW "(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
#define PG_NOW_MS "(to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"
#define PG_ID "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
/* Text compares and sorts bytewise, as under SQLite's BINARY collation,
 * whatever the database's locale: codes, names and periods list in the same
 * order on both engines, so outputs (and their hashes) agree. */

/* PostgreSQL. */
static const char *const pg_migrations[] = {
    /* 1 */
    "CREATE TABLE aimaq_schema(version INTEGER NOT NULL);\n"
    "INSERT INTO aimaq_schema VALUES (0);\n"
    "CREATE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\n"
    "  AS 'SELECT strpos($1, $2)';\n"
    "CREATE TABLE levels(name TEXT COLLATE \"C\" PRIMARY KEY, rank INTEGER NOT NULL, description TEXT COLLATE \"C\");\n"
    "INSERT INTO levels VALUES ('country',0,'the country'),('region',1,'oblast or city of republican significance'),\n"
    "  ('district',2,'district or city of regional significance'),('rural_district',3,'rural or settlement okrug'),\n"
    "  ('settlement',4,'settlement');\n"
    "CREATE TABLE datasets(\n"
    "  id " PG_ID ",\n"
    "  name TEXT COLLATE \"C\" NOT NULL,\n"
    "  source TEXT COLLATE \"C\",\n"
    "  checksum TEXT COLLATE \"C\",\n"
    "  imported_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ",\n"
    "  imported_by TEXT COLLATE \"C\",\n"
    "  shape TEXT COLLATE \"C\",\n"
    "  rows_read BIGINT NOT NULL DEFAULT 0,\n"
    "  rows_accepted BIGINT NOT NULL DEFAULT 0,\n"
    "  rows_rejected BIGINT NOT NULL DEFAULT 0);\n"
    "CREATE TABLE units(\n"
    "  id " PG_ID ",\n"
    "  code TEXT COLLATE \"C\" NOT NULL UNIQUE,\n"
    "  parent TEXT COLLATE \"C\" REFERENCES units(code) DEFERRABLE INITIALLY DEFERRED,\n"
    "  level TEXT COLLATE \"C\" REFERENCES levels(name),\n"
    "  kind TEXT COLLATE \"C\",\n"
    "  name_kk TEXT COLLATE \"C\", name_ru TEXT COLLATE \"C\", name_en TEXT COLLATE \"C\",\n"
    "  valid_from TEXT COLLATE \"C\", valid_to TEXT COLLATE \"C\",\n"
    "  classifier TEXT COLLATE \"C\",\n"
    "  crs TEXT COLLATE \"C\", geom BYTEA,\n"
    "  dataset_id BIGINT REFERENCES datasets(id));\n"
    "CREATE INDEX units_parent ON units(parent);\n"
    "CREATE TABLE unit_links(\n"
    "  from_id BIGINT NOT NULL REFERENCES units(id),\n"
    "  to_id BIGINT NOT NULL REFERENCES units(id),\n"
    "  date TEXT NOT NULL,\n" /* ISO dates sort alike in every collation */
    "  share DOUBLE PRECISION NOT NULL CHECK (share >= 0 AND share <= 1),\n"
    "  dataset_id BIGINT REFERENCES datasets(id),\n"
    "  PRIMARY KEY (from_id, to_id, date));\n"
    "CREATE TABLE indicators(\n"
    "  id " PG_ID ",\n"
    "  code TEXT COLLATE \"C\" NOT NULL UNIQUE,\n"
    "  name_kk TEXT COLLATE \"C\", name_ru TEXT COLLATE \"C\", name_en TEXT COLLATE \"C\",\n"
    "  measure TEXT COLLATE \"C\",\n"
    "  direction INTEGER CHECK (direction IN (-1, 0, 1)),\n"
    "  description TEXT COLLATE \"C\", source TEXT COLLATE \"C\");\n"
    "CREATE TABLE observations(\n"
    "  unit_id BIGINT NOT NULL REFERENCES units(id),\n"
    "  indicator_id BIGINT NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT COLLATE \"C\" NOT NULL,\n"
    "  dataset_id BIGINT NOT NULL REFERENCES datasets(id),\n"
    "  value DOUBLE PRECISION,\n"
    "  flags TEXT COLLATE \"C\",\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id));\n",
    /* 2 */
    "ALTER TABLE datasets ADD COLUMN status TEXT COLLATE \"C\" NOT NULL DEFAULT 'live'\n"
    "  CHECK (status IN ('live', 'pending', 'rejected'));\n"
    "CREATE TABLE pending_observations(\n"
    "  unit_id BIGINT NOT NULL REFERENCES units(id),\n"
    "  indicator_id BIGINT NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT COLLATE \"C\" NOT NULL,\n"
    "  dataset_id BIGINT NOT NULL,\n"
    "  value DOUBLE PRECISION,\n"
    "  flags TEXT COLLATE \"C\",\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id));\n"
    "CREATE INDEX pending_observations_dataset ON pending_observations(dataset_id);\n"
    "CREATE TABLE accounts(\n"
    "  id " PG_ID ",\n"
    "  name TEXT COLLATE \"C\" NOT NULL UNIQUE,\n"
    "  role TEXT COLLATE \"C\" NOT NULL CHECK (role IN ('admin', 'central', 'regional', 'viewer')),\n"
    "  scope TEXT COLLATE \"C\" NOT NULL DEFAULT '',\n"
    "  pw_hash TEXT COLLATE \"C\" NOT NULL,\n"
    "  created_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ",\n"
    "  disabled INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE sessions(\n"
    "  token_sha TEXT COLLATE \"C\" PRIMARY KEY,\n"
    "  account_id BIGINT NOT NULL REFERENCES accounts(id),\n"
    "  csrf TEXT COLLATE \"C\" NOT NULL,\n"
    "  created_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ",\n"
    "  expires_at BIGINT NOT NULL);\n"
    "CREATE TABLE api_tokens(\n"
    "  token_sha TEXT COLLATE \"C\" PRIMARY KEY,\n"
    "  account_id BIGINT NOT NULL REFERENCES accounts(id),\n"
    "  label TEXT COLLATE \"C\",\n"
    "  created_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ");\n"
    "CREATE TABLE login_failures(name TEXT COLLATE \"C\", client TEXT COLLATE \"C\", at BIGINT NOT NULL);\n"
    "CREATE INDEX login_failures_name ON login_failures(name, at);\n"
    "CREATE INDEX login_failures_client ON login_failures(client, at);\n"
    "CREATE TABLE submissions(\n"
    "  id " PG_ID ",\n"
    "  kind TEXT COLLATE \"C\" NOT NULL CHECK (kind IN ('file', 'edit')),\n"
    "  status TEXT COLLATE \"C\" NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),\n"
    "  account_id BIGINT NOT NULL,\n"
    "  submitted_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ",\n"
    "  file TEXT COLLATE \"C\",\n"
    "  dataset_id BIGINT,\n"
    "  unit_id BIGINT, indicator_id BIGINT, period TEXT COLLATE \"C\",\n"
    "  value DOUBLE PRECISION, old_value DOUBLE PRECISION,\n"
    "  rows BIGINT,\n"
    "  decided_by BIGINT, decided_at TEXT COLLATE \"C\",\n"
    "  comment TEXT COLLATE \"C\");\n"
    "CREATE INDEX submissions_status ON submissions(status);\n"
    "CREATE TABLE audit(\n"
    "  id " PG_ID ",\n"
    "  at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW_MS ",\n"
    "  account TEXT COLLATE \"C\",\n"
    "  action TEXT COLLATE \"C\" NOT NULL,\n"
    "  object TEXT COLLATE \"C\", old_value TEXT COLLATE \"C\", new_value TEXT COLLATE \"C\", client TEXT COLLATE \"C\");\n"
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN\n"
    "  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'restrict_violation'; END$$;\n"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();\n"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();\n"
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();\n"
    "CREATE TABLE methodologies(\n"
    "  sha256 TEXT COLLATE \"C\" PRIMARY KEY,\n"
    "  name TEXT COLLATE \"C\" NOT NULL,\n"
    "  text TEXT COLLATE \"C\" NOT NULL,\n"
    "  stored_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW_MS ",\n"
    "  stored_by TEXT COLLATE \"C\");\n"
    "CREATE TABLE results(\n"
    "  id " PG_ID ",\n"
    "  kind TEXT COLLATE \"C\" NOT NULL,\n"
    "  created_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ",\n"
    "  created_by TEXT COLLATE \"C\",\n"
    "  params TEXT COLLATE \"C\",\n"
    "  method_sha256 TEXT COLLATE \"C\",\n"
    "  horizon BIGINT NOT NULL,\n"
    "  datasets TEXT COLLATE \"C\",\n"
    "  output TEXT COLLATE \"C\",\n"
    "  output_sha256 TEXT COLLATE \"C\");\n",
    /* 3 */
    "CREATE INDEX units_level_code ON units(level, code);\n",
    /* 4 */
    "CREATE TABLE login_refusals(client TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, since BIGINT NOT NULL,\n"
    "  refused BIGINT NOT NULL, last_name TEXT COLLATE \"C\");\n",
    /* 5: INSERT ... ON CONFLICT DO UPDATE fires the UPDATE trigger, so
     * only the hash and the refusal of a record without one are new. */
    "ALTER TABLE audit ADD COLUMN sha256 TEXT COLLATE \"C\";\n"
    "CREATE FUNCTION audit_hashed() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN\n"
    "  IF NEW.sha256 IS NULL THEN\n"
    "    RAISE EXCEPTION 'the audit log is append-only: a record cannot be replaced, and needs its hash'\n"
    "      USING ERRCODE = 'restrict_violation';\n"
    "  END IF; RETURN NEW; END$$;\n"
    "CREATE TRIGGER audit_needs_hash BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_hashed();\n"
    "CREATE INDEX results_account ON results(created_by, id);\n",
    /* 6 */
    "CREATE TABLE missing_values(\n"
    "  unit_id BIGINT NOT NULL REFERENCES units(id),\n"
    "  indicator_id BIGINT NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT COLLATE \"C\" NOT NULL,\n"
    "  dataset_id BIGINT NOT NULL REFERENCES datasets(id),\n"
    "  reason TEXT COLLATE \"C\" NOT NULL CHECK (reason IN ('confidential', 'absent', 'unavailable')),\n"
    "  marker TEXT COLLATE \"C\" NOT NULL,\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id));\n",
    /* 7 */
    "ALTER TABLE datasets ADD COLUMN title TEXT COLLATE \"C\";\n"
    "ALTER TABLE datasets ADD COLUMN measure TEXT COLLATE \"C\";\n"
    "ALTER TABLE datasets ADD COLUMN notes TEXT COLLATE \"C\";\n"
    "ALTER TABLE datasets ADD COLUMN layer TEXT COLLATE \"C\";\n",
    /* 8: the trigger's WHEN compares the rows, so an import that
     * rewrites a unit unchanged never calls the function. */
    "ALTER TABLE units ADD COLUMN since_dataset BIGINT;\n"
    "CREATE TABLE unit_history(\n"
    "  unit_id BIGINT NOT NULL REFERENCES units(id),\n"
    "  until_dataset BIGINT NOT NULL,\n"
    "  parent TEXT COLLATE \"C\", level TEXT COLLATE \"C\", kind TEXT COLLATE \"C\",\n"
    "  name_kk TEXT COLLATE \"C\", name_ru TEXT COLLATE \"C\", name_en TEXT COLLATE \"C\",\n"
    "  valid_from TEXT COLLATE \"C\", valid_to TEXT COLLATE \"C\",\n"
    "  classifier TEXT COLLATE \"C\",\n"
    "  crs TEXT COLLATE \"C\", geom BYTEA,\n"
    "  dataset_id BIGINT,\n"
    "  PRIMARY KEY (unit_id, until_dataset));\n"
    "CREATE INDEX unit_history_until ON unit_history(until_dataset);\n"
    "CREATE INDEX units_since ON units(since_dataset);\n"
    "CREATE FUNCTION units_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN\n"
    "  IF OLD.code IS DISTINCT FROM NEW.code THEN\n"
    "    RAISE EXCEPTION 'a unit''s code never changes: the history keeps it once, as the unit''s'\n"
    "      USING ERRCODE = 'restrict_violation';\n"
    "  END IF;\n"
    "  IF NEW.dataset_id IS NULL THEN\n"
    "    RAISE EXCEPTION 'a change to a unit must name its dataset (units.dataset_id)' USING ERRCODE = 'restrict_violation';\n"
    "  END IF;\n"
    "  INSERT INTO unit_history(unit_id, until_dataset, parent, level, kind, name_kk, name_ru, name_en,\n"
    "    valid_from, valid_to, classifier, crs, geom, dataset_id)\n"
    "  VALUES (OLD.id, NEW.dataset_id, OLD.parent, OLD.level, OLD.kind, OLD.name_kk, OLD.name_ru, OLD.name_en,\n"
    "    OLD.valid_from, OLD.valid_to, OLD.classifier, OLD.crs, OLD.geom, OLD.dataset_id)\n"
    "  ON CONFLICT (unit_id, until_dataset) DO NOTHING;\n"
    "  RETURN NULL; END$$;\n"
    "CREATE TRIGGER units_keep_history AFTER UPDATE ON units FOR EACH ROW\n"
    "  WHEN ((OLD.parent, OLD.level, OLD.kind, OLD.name_kk, OLD.name_ru, OLD.name_en, OLD.valid_from, OLD.valid_to,\n"
    "         OLD.classifier, OLD.crs, OLD.geom, OLD.code) IS DISTINCT FROM\n"
    "        (NEW.parent, NEW.level, NEW.kind, NEW.name_kk, NEW.name_ru, NEW.name_en, NEW.valid_from, NEW.valid_to,\n"
    "         NEW.classifier, NEW.crs, NEW.geom, NEW.code))\n"
    "  EXECUTE FUNCTION units_keep_history();\n"
    /* also under session_replication_role = replica, which an import sets
     * around its observation batches: no writer of units may skip it */
    "ALTER TABLE units ENABLE ALWAYS TRIGGER units_keep_history;\n",
    /* 9 */
    "CREATE TABLE jobs(\n"
    "  id " PG_ID ",\n"
    "  kind TEXT COLLATE \"C\" NOT NULL CHECK (kind IN ('upload')),\n"
    "  state TEXT COLLATE \"C\" NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),\n"
    "  account_id BIGINT NOT NULL,\n"
    "  file TEXT COLLATE \"C\",\n"
    "  created_at TEXT COLLATE \"C\" NOT NULL DEFAULT " PG_NOW ",\n"
    "  updated_at TEXT COLLATE \"C\",\n"
    "  rows_read BIGINT NOT NULL DEFAULT 0,\n"
    "  rows_total BIGINT,\n"
    "  dataset_id BIGINT,\n"
    "  submission_id BIGINT,\n"
    "  code INTEGER,\n"
    "  error TEXT COLLATE \"C\");\n"
    "ALTER TABLE indicators ADD COLUMN staged_by BIGINT;\n",
};

_Static_assert(sizeof sqlite_migrations == sizeof pg_migrations, "both engines have every schema version");

const char *const *aq__store_migrations(aq_db_backend backend, size_t *n)
{
    *n = sizeof sqlite_migrations / sizeof sqlite_migrations[0];
    return backend == AQ_DB_POSTGRESQL ? pg_migrations : sqlite_migrations;
}
