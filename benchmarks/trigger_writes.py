"""What a `trigger` materialization costs writers, and what it saves readers, side by side.

Two identical fact tables (`plain` and `orders`, ROWS rows each, a `customers` dimension of
CUSTOMERS rows) in one database; `orders` carries the triggers of one materialization (by
default the grouped join below: COUNT, SUM, AVG, MIN, MAX per region). Measured in interleaved
blocks so that background load falls on both alike:

* single-row INSERT latency (autocommit, one client), median microseconds, with vs without;
* the same for single-row UPDATE of the amount and DELETE;
* 8 concurrent writer threads' INSERT throughput for a fixed time, with vs without;
* reading the GROUP BY result: `SELECT * FROM m` vs running the query, median microseconds.

Usage: ``python benchmarks/trigger_writes.py [--rows N] [--query grouped|projection]``. It creates
and drops its own database (``jasmine_bench_trigger``) and proxy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import Proxy, direct

DB = "jasmine_bench_trigger"
QUERIES = {
    "grouped": "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, AVG(o.amount) AS mean, "
    "MIN(o.amount) AS lo, MAX(o.amount) AS hi FROM orders o JOIN customers c "
    "ON o.customer_id = c.id GROUP BY c.region",
    "projection": "SELECT o.id, o.amount, c.region FROM orders o "
    "JOIN customers c ON c.id = o.customer_id WHERE o.amount > 10",
}


def setup(rows: int, customers: int) -> None:
    with direct(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB}")
        cur.execute(f"CREATE DATABASE {DB}")
        cur.execute(f"USE {DB}")
        cur.execute("CREATE TABLE customers (id INT PRIMARY KEY, region VARCHAR(10))")
        cur.execute(
            f"INSERT INTO customers SELECT seq, CONCAT('r', seq % 20) FROM seq_1_to_{customers}"
        )
        for table in ("plain", "orders"):
            cur.execute(
                f"CREATE TABLE {table} (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT, "
                "amount DECIMAL(10, 2), KEY (customer_id))"
            )
            cur.execute(
                f"INSERT INTO {table} (customer_id, amount) SELECT 1 + seq % {customers}, "
                f"(seq * 37) % 10000 / 100 FROM seq_1_to_{rows}"
            )


def latency(table: str, verb: str, n: int, i0: int) -> list[float]:
    out = []
    with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
        for i in range(i0, i0 + n):
            if verb == "insert":
                sql = f"INSERT INTO {table} (customer_id, amount) VALUES ({1 + i % 997}, {i % 97})"
            elif verb == "update":
                sql = f"UPDATE {table} SET amount = amount + 1 WHERE id = {1 + (i * 7919) % 5000}"
            else:
                sql = f"DELETE FROM {table} WHERE id = {10000 + i}"
            t = time.perf_counter()
            cur.execute(sql)
            out.append((time.perf_counter() - t) * 1e6)
    return out


def throughput(table: str, seconds: float, threads: int = 8) -> float:
    done = [0] * threads
    stop = threading.Event()

    def work(k: int) -> None:
        with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
            i = k
            while not stop.is_set():
                cur.execute(
                    f"INSERT INTO {table} (customer_id, amount) VALUES ({1 + i % 997}, {i % 97})"
                )
                i += threads
                done[k] += 1

    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return sum(done) / seconds


def reads(query: str, n: int) -> tuple[float, float]:
    stored, fresh = [], []
    with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
        for _ in range(n):
            t = time.perf_counter()
            cur.execute("SELECT * FROM m")
            cur.fetchall()
            stored.append(time.perf_counter() - t)
            t = time.perf_counter()
            cur.execute(query)
            cur.fetchall()
            fresh.append(time.perf_counter() - t)
    return statistics.median(stored) * 1e6, statistics.median(fresh) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--query", choices=sorted(QUERIES), default="grouped")
    parser.add_argument("--block", type=int, default=200)
    parser.add_argument("--blocks", type=int, default=10)
    args = parser.parse_args()
    setup(args.rows, args.customers)
    proxy = Proxy()
    try:
        with proxy.connect(database=DB, autocommit=True) as client, client.cursor() as cur:
            started = time.perf_counter()
            cur.execute(f"CREATE MATERIALIZATION m USING trigger AS {QUERIES[args.query]}")
            print(f"CREATE ({args.rows:,} rows): {time.perf_counter() - started:.2f} s")
        print(f"query: {args.query}; {args.blocks} interleaved blocks of {args.block} statements")
        for verb in ("insert", "update", "delete"):
            without, with_ = [], []
            for b in range(args.blocks):
                i0 = b * args.block
                first, second = ("plain", "orders") if b % 2 else ("orders", "plain")
                measured = {t: latency(t, verb, args.block, i0) for t in (first, second)}
                without += measured["plain"]
                with_ += measured["orders"]
            a, b_ = statistics.median(without), statistics.median(with_)
            print(
                f"{verb:6} median latency: {a:7.0f} us without, {b_:7.0f} us with ({b_ / a:.2f}x)"
            )
        rates: dict[str, list[float]] = {"plain": [], "orders": []}
        for table in ("plain", "orders", "orders", "plain"):
            rates[table].append(throughput(table, 3.0))
        a, b_ = statistics.mean(rates["plain"]), statistics.mean(rates["orders"])
        print(f"8 writers INSERT: {a:7.0f}/s without, {b_:7.0f}/s with ({b_ / a:.0%})")
        stored, fresh = reads(QUERIES[args.query], 20)
        print(
            f"read the result: {stored:.0f} us from the materialization, {fresh:.0f} us running "
            f"the query ({fresh / stored:.1f}x)"
        )
        with proxy.connect(database=DB, autocommit=True) as client, client.cursor() as cur:
            cur.execute("DROP MATERIALIZATION m")
    finally:
        proxy.stop()
        with direct(autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
