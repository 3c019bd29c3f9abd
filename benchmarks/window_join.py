"""What a `window_join` refresh costs next to a `snapshot` refresh of the same query.

Two streams, page views `v` and clicks `c` (ROWS rows each, sessions and timestamps spread over a
day, a (session, at) index on each), and two materializations of the same windowed join: one
`window_join`, one `snapshot`. Each round appends NEW rows to each stream (about one in ten of
them late by an hour) and refreshes both, alternating which goes first so that background load
falls on both alike. Reported: the median refresh time of each and their ratio, and the late
rows counted.

Usage: ``python benchmarks/window_join.py [--rows N] [--new N] [--rounds N]``. It creates and
drops its own database (``jasmine_bench_window``) and proxy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import Proxy, direct

DB = "jasmine_bench_window"
QUERY = (
    "SELECT v.id AS view_id, c.id AS click_id, v.session, c.at FROM v JOIN c ON "
    "c.session = v.session AND c.at BETWEEN v.at - INTERVAL 1 MINUTE AND v.at + INTERVAL 5 MINUTE"
)
SESSIONS = 20000


def setup(rows: int) -> None:
    with direct(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB}")
        cur.execute(f"CREATE DATABASE {DB}")
        cur.execute(f"USE {DB}")
        for table, shift in (("v", 0), ("c", 90)):
            cur.execute(
                f"CREATE TABLE {table} (id INT AUTO_INCREMENT PRIMARY KEY, session INT NOT NULL, "
                "at DATETIME NOT NULL, KEY (session, at))"
            )
            cur.execute(
                f"INSERT INTO {table} (session, at) SELECT seq % {SESSIONS}, "
                f"'2024-05-01' + INTERVAL (seq * 86400 DIV {rows} + {shift}) SECOND "
                f"FROM seq_1_to_{rows}"
            )


def append(rows: int, new: int, round_: int) -> None:
    with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
        for table, shift in (("v", 0), ("c", 90)):
            cur.execute(
                f"INSERT INTO {table} (session, at) SELECT seq % {SESSIONS}, "
                f"'2024-05-02' + INTERVAL ({3600 + round_ * 1200} + seq + {shift} "
                "- IF(seq % 10 = 0, 3600, 0)) SECOND "
                f"FROM seq_1_to_{new}"
            )


def timed(conn: object, sql: str) -> float:
    cur = conn.cursor()  # type: ignore[attr-defined]
    start = time.perf_counter()
    cur.execute(sql)
    cur.fetchall()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup(args.rows)
    proxy = Proxy()
    try:
        import pymysql

        conn = pymysql.connect(
            host="127.0.0.1", port=proxy.port, user="root", database=DB, autocommit=True
        )
        with conn.cursor() as cur:
            for name in ("wj", "snap"):  # a run stopped half-way left its catalog rows
                cur.execute(f"DROP MATERIALIZATION IF EXISTS {name}")
            cur.execute(f"CREATE MATERIALIZATION wj USING window_join AS {QUERY}")
            cur.execute(f"CREATE MATERIALIZATION snap USING snapshot AS {QUERY}")
            cur.execute("SELECT COUNT(*) FROM wj")
            print(f"{args.rows:,} rows per stream; {cur.fetchone()[0]:,} pairs")
        times: dict[str, list[float]] = {"wj": [], "snap": []}
        for round_ in range(args.rounds):
            append(args.rows, args.new, round_)
            order = ("wj", "snap") if round_ % 2 == 0 else ("snap", "wj")
            for name in order:
                times[name].append(timed(conn, f"REFRESH MATERIALIZATION {name}"))
        with conn.cursor() as cur:
            cur.execute(f"SHOW MATERIALIZATIONS FROM {DB} LIKE 'wj'")
            late = cur.fetchone()[-1]
            cur.execute(
                "SELECT watermarks FROM jasmine.materializations "
                f"WHERE schema_name = '{DB}' AND name = 'wj'"
            )
            floors = {
                k: v["floor"] for k, v in json.loads(cur.fetchone()[0]).items() if "floor" in v
            }
            cur.execute("SELECT (SELECT COUNT(*) FROM wj) = (SELECT COUNT(*) FROM snap)")
            agree = bool(cur.fetchone()[0])
            cur.execute("DROP MATERIALIZATION wj")
            cur.execute("DROP MATERIALIZATION snap")
        conn.close()
    finally:
        proxy.stop()
        with direct(autocommit=True) as c, c.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DB}")
    wj, snap = statistics.median(times["wj"]), statistics.median(times["snap"])
    print(f"after {args.new:,} new rows per stream, median of {args.rounds} refreshes:")
    print(f"  window_join {wj * 1000:9.1f} ms")
    print(f"  snapshot    {snap * 1000:9.1f} ms")
    print(f"  ratio       {wj / snap:9.1%}   (same row count: {agree}; late rows counted: {late})")
    print(f"  arrival floors at the end: {floors} (None or low: another server transaction")
    print("  that writes held them back, and refreshes read the streams from there)")


if __name__ == "__main__":
    main()
