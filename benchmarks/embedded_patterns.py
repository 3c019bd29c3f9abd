"""`trigger` and `incremental` on the embedded SQLite default, measured side by side in one run.

One embedded proxy (``jasmine-proxy serve --backend sqlite:///FILE --no-scheduler``) on a fresh
temporary file; databases ``plain`` and ``trig`` hold the same data (orders: ``--rows`` rows;
customers: a twentieth of that, at least 1,000, in 10 regions), ``trig`` with a `trigger`
materialization of GROUPED on it, and ``inc`` holds the same data with an `incremental` and a
`snapshot` materialization of PER_CUSTOMER (a group per customer).

Reported (medians; the machine is shared, so only ratios measured in the same run mean much):

* single-row INSERT latency (autocommit) into orders without and with the trigger
  materialization, in interleaved blocks;
* REFRESH time of the incremental vs the snapshot materialization after 1,000 new rows, and after
  1,000 updates spread over many groups;
* reading the GROUP BY result from the materialization vs running its query.

Usage: ``python benchmarks/embedded_patterns.py [--rows N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import Proxy  # a proxy in a subprocess, stopped at the end

GROUPED = (
    "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, MAX(o.amount) AS hi "
    "FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.region"
)
PER_CUSTOMER = (
    "SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total, MAX(amount) AS hi "
    "FROM orders GROUP BY customer_id"
)


def run(conn: Any, *statements: str) -> None:
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
            cur.fetchall()


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def customers(rows: int) -> int:
    return max(rows // 20, 1000)


def load(conn: Any, database: str, rows: int) -> None:
    run(
        conn,
        f"CREATE DATABASE {database}",
        f"USE {database}",
        "CREATE TABLE customers (id INT PRIMARY KEY, region VARCHAR(10) NOT NULL)",
        "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, "
        "amount DECIMAL(10, 2) NOT NULL, ts DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP "
        "ON UPDATE CURRENT_TIMESTAMP, KEY (customer_id), KEY (ts))",
        f"INSERT INTO customers SELECT seq, CONCAT('r', seq % 10) FROM seq_1_to_{customers(rows)}",
        # written over past seconds, as a table that has been in use (a timestamp watermark
        # re-reads the rows of its floor's last second)
        f"INSERT INTO orders (customer_id, amount, ts) SELECT 1 + seq % {customers(rows)}, "
        "(seq % 10000) / 100, '2026-01-01 00:00:00' + INTERVAL seq SECOND "
        f"FROM seq_1_to_{rows}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proxy = Proxy(f"sqlite:///{tmp}/bench.db")
        try:
            report(proxy, args.rows)
        finally:
            proxy.stop()


def report(proxy: Proxy, rows: int) -> None:
    conn = proxy.connect(autocommit=True)
    started = time.perf_counter()
    for database in ("plain", "trig", "inc"):
        load(conn, database, rows)
    print(f"loaded 3 x {rows:,} orders in {time.perf_counter() - started:.1f} s")
    run(conn, "USE trig", f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    run(
        conn,
        "USE inc",
        f"CREATE MATERIALIZATION m_inc USING incremental WITH (watermark = 'ts') AS {PER_CUSTOMER}",
        f"CREATE MATERIALIZATION m_snap USING snapshot AS {PER_CUSTOMER}",
    )

    # single-row inserts, plain vs trigger-maintained, in interleaved blocks of 20
    latencies: dict[str, list[float]] = {"plain": [], "trig": []}
    writers = {db: proxy.connect(autocommit=True, database=db) for db in latencies}
    for block in range(15):
        order = ("plain", "trig") if block % 2 == 0 else ("trig", "plain")
        for db in order:
            writer = writers[db]
            for i in range(20):
                sql = (
                    "INSERT INTO orders (customer_id, amount) "
                    f"VALUES ({1 + (block * 20 + i) * 37 % 1000}, 12.34)"
                )
                started = time.perf_counter()
                run(writer, sql)
                latencies[db].append(time.perf_counter() - started)
    plain, trig = (statistics.median(latencies[db]) * 1e6 for db in ("plain", "trig"))
    print(
        f"single-row INSERT, median of {len(latencies['plain'])}: without {plain:.0f} us, "
        f"with a trigger materialization {trig:.0f} us ({trig / plain:.2f}x)"
    )
    run(conn, "USE trig")
    assert sorted(_rows(conn, "SELECT * FROM m")) == sorted(_rows(conn, GROUPED))

    # incremental vs snapshot refresh, after inserts and after updates over many groups
    run(conn, "USE inc")
    for what, change in (
        ("1,000 new rows", "INSERT INTO orders (customer_id, amount) SELECT 1 + seq * 7 % "
         f"{customers(rows)}, seq % 97 FROM seq_1_to_1000"),
        ("1,000 updates over many groups", "UPDATE orders SET amount = amount + 1 "
         f"WHERE id % {max(rows // 1000, 1)} = 0 AND id <= {rows}"),
    ):  # fmt: skip
        time.sleep(1.1)  # past the whole second of the last refresh's timestamp floor
        run(conn, change)
        incremental = timed(lambda: run(conn, "REFRESH MATERIALIZATION m_inc"))
        snapshot = timed(lambda: run(conn, "REFRESH MATERIALIZATION m_snap"))
        assert sorted(_rows(conn, "SELECT * FROM m_inc")) == sorted(_rows(conn, PER_CUSTOMER))
        print(
            f"REFRESH after {what}: incremental {incremental * 1000:.0f} ms, snapshot "
            f"{snapshot * 1000:.0f} ms ({100 * incremental / snapshot:.1f}% of it)"
        )

    # reading the result vs running the query
    run(conn, "USE trig")
    stored = statistics.median(timed(lambda: run(conn, "SELECT * FROM m")) for _ in range(9))
    fresh = statistics.median(timed(lambda: run(conn, GROUPED)) for _ in range(9))
    print(
        f"GROUP BY result: from the materialization {stored * 1000:.1f} ms, running the query "
        f"{fresh * 1000:.1f} ms ({fresh / stored:.0f}x)"
    )


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return [tuple(r) for r in cur.fetchall()]


if __name__ == "__main__":
    main()
