#!/usr/bin/python3
"""bench/peer_import.py -- the pandas peer of bench/import.sh.

    peer_import.py WIDE.csv DB

What an analyst without aimaq does to put a wide table (code, year, one
column per indicator) into SQLite: pandas.read_csv, melt to long rows
(code, indicator, period, value), DataFrame.to_sql into a new table `obs`,
then a unique index on (code, indicator, period) so that a series can be
looked up and a duplicate is refused, as in aimaq's store. Prints one line:
    pandas VERSION import_seconds=S observations=N
import_seconds covers read_csv to the index's commit (the interpreter and the
pandas import are outside it; /usr/bin/time in import.sh sees the whole
process).
"""
import sqlite3
import sys
import time

import pandas as pd


def main():
    wide, db = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    df = pd.read_csv(wide, dtype={"code": str})
    obs = df.melt(id_vars=["code", "year"], var_name="indicator", value_name="value")
    obs = obs.rename(columns={"year": "period"})[["code", "indicator", "period", "value"]]
    con = sqlite3.connect(db)
    obs.to_sql("obs", con, index=False, if_exists="fail")
    con.execute("CREATE UNIQUE INDEX obs_key ON obs(code, indicator, period)")
    con.commit()
    n = con.execute("SELECT count(*) FROM obs").fetchone()[0]
    con.close()
    sec = time.perf_counter() - t0
    print("pandas %s import_seconds=%.3f observations=%d" % (pd.__version__, sec, n))


if __name__ == "__main__":
    main()
