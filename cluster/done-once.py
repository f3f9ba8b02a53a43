#!/usr/bin/env python3
"""Checks a Mnemo database after a cluster test: every task done, exactly once.

    python3 cluster/done-once.py DB TASKS

Prints the tasks by state and attempt and the results by worker, then checks that the database holds
TASKS tasks, all done, one result each, at the task's final attempt. Exit status 0 when all holds,
1 with the first problem otherwise. Used by cluster/slurm/test.sh and cluster/netns/test.sh.
"""
import sqlite3
import sys

database, expected = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)


def rows(sql):
    return " ".join("|".join(str(x) for x in row) for row in con.execute(sql))


def one(sql):
    return con.execute(sql).fetchone()[0]


print(f"tasks by state and attempt: {rows('SELECT state, attempt, COUNT(*) FROM task GROUP BY state, attempt')}")
print(f"results by worker: {rows('SELECT workerID, COUNT(*) FROM result GROUP BY workerID')}")
problems = []
tasks = one("SELECT COUNT(*) FROM task")
if tasks != expected:
    problems.append(f"{tasks} tasks in the database, want {expected}")
not_done = rows("SELECT id, state FROM task WHERE state != 'done'")
if not_done:
    problems.append(f"tasks not done: {not_done}")
results, distinct = one("SELECT COUNT(*) FROM result"), one("SELECT COUNT(DISTINCT taskID) FROM result")
if results != tasks or distinct != tasks:
    problems.append(f"{results} results for {distinct} tasks, want one for each of {tasks}")
orphans = one(
    "SELECT COUNT(*) FROM task t LEFT JOIN result r ON r.taskID = t.id WHERE r.taskID IS NULL OR r.attempt != t.attempt")
if orphans:
    problems.append(f"{orphans} tasks without a result at their final attempt")
if problems:
    sys.exit("; ".join(problems))
print(f"all {tasks} tasks done once, one result each at its final attempt")
