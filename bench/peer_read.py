#!/usr/bin/python3
"""bench/peer_read.py -- the pandas peer of bench/read.sh.

    peer_read.py FILE [COLUMN ...]

Reads FILE with pandas.read_csv (default C engine, single-threaded, types
inferred), the way an analyst starts any work on a CSV, and prints one line:
    pandas VERSION read_seconds=S rows=R cols=C
read_seconds is the read_csv call alone (the interpreter and the pandas import
are outside it; /usr/bin/time in read.sh sees the whole process). With COLUMN
names, prints 'sum COLUMN VALUE' for each, for read.sh's correctness check.
"""
import sys
import time

import pandas as pd


def main():
    path, cols = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    sec = time.perf_counter() - t0
    print("pandas %s read_seconds=%.3f rows=%d cols=%d" % (pd.__version__, sec, df.shape[0], df.shape[1]))
    for c in cols:
        print("sum %s %.17g" % (c, df[c].astype("float64").sum()))


if __name__ == "__main__":
    main()
