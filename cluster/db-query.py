#!/usr/bin/env python3
"""Prints the rows of one SQL query on a Mnemo database, read-only, as "a|b|c" lines.

    python3 cluster/db-query.py DB SQL

Used by the cluster test scripts (cluster/slurm/test.sh, cluster/netns/test.sh).
"""
import sqlite3
import sys

con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
for row in con.execute(sys.argv[2]):
    print("|".join(str(x) for x in row))
