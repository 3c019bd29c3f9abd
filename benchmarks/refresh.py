"""What keeping a query's result current costs, side by side in one run: an `incremental`
refresh against a `snapshot` rebuild, what a `trigger` materialization costs writers, and what
reading a materialization saves readers.

Set-up (database ``jasmine_bench_refresh`` and the catalog database
``jasmine_bench_refresh_catalog`` on the MariaDB at 127.0.0.1:3306, both dropped at the end; a
proxy of its own with no scheduler): customers ``c`` (CUSTOMERS rows, 20 regions), orders ``o``
(ROWS rows: customer, amount, status, and ``ts``, which every write bumps, 200 rows a second in
the past; keys on the customer and on ``ts``) and, for (c), ``plain``: a copy of ``o`` that no
materialization reads. Materializations of
the per-customer totals over the join (GROUPED below: about ROWS / CUSTOMERS orders per group):

* ``inc_id``: incremental, watermark the auto-increment id (sees new rows);
* ``inc_ts``: incremental, watermark ``ts`` (sees new rows and updates);
* ``snap``: snapshot (each refresh rebuilds the whole result);
* ``trig``, made after the refresh rounds: trigger, the per-region totals (REGIONS below).

Measured (each refresh timed twice: the REFRESH MATERIALIZATION statement through the proxy, as
the client waits for it, and the step's ``duration_ms`` as the catalog's events table records
it; medians over ``--rounds`` rounds, the refreshes of a round one after another in rotating
order so that background load falls on all alike):

* (a) after 1,000 new rows (one INSERT, random customers): ``inc_id``, ``inc_ts`` and ``snap``;
  the incremental ones as a share of the snapshot (target: under 2%);
* (b) after 1,000 updates of random rows (about as many groups): ``inc_ts`` and ``snap``. A
  timestamp watermark is read SKEW (1 s) early, so this refresh also re-reads the rows written
  in the last second before the previous one (here: the rows of (a));
* (0) a refresh with nothing new: the fixed cost of an incremental refresh (the second of two
  after (a): the first reads the rows of (a) again, as a floor moves only to a mark older than
  what INNODB_TRX may lag behind, see backends/mysql_incremental.py);
* the results then compared with a fresh run of the query (exact: yes/no);
* (c) single-row INSERT (and UPDATE, DELETE) latency on ``o`` (with ``trig``'s triggers) vs
  ``plain``, median over interleaved blocks (target: under 2x); 8 concurrent writer threads'
  INSERT throughput for a fixed time on each, ABBA order;
* (d) reading a GROUP BY result, directly from MariaDB: ``SELECT * FROM trig`` vs running its
  query, and ``SELECT * FROM inc_id`` vs running its query (the speedup).

The host is shared (2 cores): figures vary between runs, ratios within one run hold better.
``--profile`` starts the proxy with debug logging and prints, for the last refresh of (a) and
(b), the time of each statement the incremental refresh ran (from the proxy's log).

Usage: ``python benchmarks/refresh.py [--quick] [--rows N] [--rounds N] [--profile]``
(``--quick``: 100,000 rows, two rounds, about a minute; the full run: 1,000,000 rows, several
minutes).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import MARIADB_URL, Proxy, direct

DB = "jasmine_bench_refresh"
CATALOG = "jasmine_bench_refresh_catalog"
REGIONS = 20
GROUPED = (
    "SELECT o.cid, c.region, COUNT(*) AS n, SUM(o.amount) AS total, MIN(o.amount) AS low, "
    "MAX(o.amount) AS high FROM o JOIN c ON c.id = o.cid WHERE o.status <> 'x' "
    "GROUP BY o.cid, c.region"
)
BY_REGION = (
    "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, AVG(o.amount) AS mean, "
    "MIN(o.amount) AS lo, MAX(o.amount) AS hi FROM o JOIN c ON o.cid = c.id GROUP BY c.region"
)
CHANGES = 1000


def setup(rows: int, customers: int) -> None:
    with direct(autocommit=True) as conn, conn.cursor() as cur:
        for db in (DB, CATALOG):
            cur.execute(f"DROP DATABASE IF EXISTS {db}")
        cur.execute(f"CREATE DATABASE {DB}")
        cur.execute(f"USE {DB}")
        cur.execute("CREATE TABLE c (id INT AUTO_INCREMENT PRIMARY KEY, region VARCHAR(10))")
        cur.execute(
            f"INSERT INTO c SELECT seq, CONCAT('r', seq % {REGIONS}) FROM seq_1_to_{customers}"
        )
        cur.execute(
            "CREATE TABLE o (id INT AUTO_INCREMENT PRIMARY KEY, cid INT, amount DECIMAL(10, 2), "
            "status CHAR(1) NOT NULL DEFAULT 'a', "
            "ts DATETIME(6) NOT NULL DEFAULT NOW(6) ON UPDATE NOW(6), KEY (cid), KEY (ts))"
        )
        cur.execute(
            f"INSERT INTO o (cid, amount, status, ts) SELECT 1 + (seq * 7919) % {customers}, "
            f"(seq * 37) % 10000 / 100, IF(seq % 7 = 0, 'x', 'a'), "
            f"NOW(6) - INTERVAL 2 HOUR + INTERVAL seq * 5000 MICROSECOND FROM seq_1_to_{rows}"
        )
        cur.execute("ANALYZE TABLE c, o")
        cur.fetchall()


class Bench:
    """The proxy, a client on it, and the catalog read directly."""

    def __init__(self, verbose: bool) -> None:
        args = ["--catalog-schema", CATALOG, *(["-v"] if verbose else [])]
        self.proxy = Proxy(MARIADB_URL, *args)
        self.client = self.proxy.connect(database=DB, autocommit=True)
        self.direct = direct(database=DB, autocommit=True)
        self.logged: dict[tuple[str, str], int] = {}  # where the last refresh begins in the log

    def close(self) -> None:
        self.client.close()
        self.direct.close()
        self.proxy.stop()

    def proxied(self, sql: str) -> float:
        """Run `sql` through the proxy; seconds it took."""
        started = time.perf_counter()
        with self.client.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()
        return time.perf_counter() - started

    def run(self, sql: str, args: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.direct.cursor() as cur:
            cur.execute(sql, args)
            return [tuple(r) for r in cur.fetchall()]

    def refresh(self, name: str, case: str) -> tuple[float, float, int]:
        """REFRESH `name`: seconds through the proxy, seconds the catalog recorded, rows."""
        before = len(self.proxy.log_lines)
        wall = self.proxied(f"REFRESH MATERIALIZATION {name}")
        self.logged[(case, name)] = before
        recorded, rows, error = self.run(
            f"SELECT duration_ms, `rows`, error FROM {CATALOG}.events WHERE schema_name = %s AND "
            "name = %s AND event = 'refresh' ORDER BY id DESC LIMIT 1",
            (DB, name),
        )[0]
        if error:
            raise RuntimeError(f"refresh of {name} failed: {error}")
        return wall, recorded / 1000, int(rows or 0)


# -- (a), (b), (0): refreshes -------------------------------------------------------------------


class Times:
    """Refresh timings per (case, materialization): through the proxy and as recorded."""

    def __init__(self) -> None:
        self.wall: dict[tuple[str, str], list[float]] = {}
        self.recorded: dict[tuple[str, str], list[float]] = {}
        self.rows: dict[tuple[str, str], int] = {}
        self.exact: dict[str, bool] = {}

    def add(self, case: str, name: str, measured: tuple[float, float, int]) -> None:
        self.wall.setdefault((case, name), []).append(measured[0])
        self.recorded.setdefault((case, name), []).append(measured[1])
        self.rows[(case, name)] = measured[2]

    def median(self, case: str, name: str, recorded: bool = False) -> float:
        return statistics.median((self.recorded if recorded else self.wall)[(case, name)])


def rotated(names: Sequence[str], turn: int) -> list[str]:
    return [names[(i + turn) % len(names)] for i in range(len(names))]


def refresh_rounds(bench: Bench, rounds: int, customers: int, seed: int) -> Times:
    rng = random.Random(seed)
    times = Times()
    for turn in range(rounds):
        cids = ", ".join(
            f"({rng.randint(1, customers)}, {rng.randint(1, 9999) / 100})" for _ in range(CHANGES)
        )
        bench.run(f"INSERT INTO o (cid, amount) VALUES {cids}")
        for name in rotated(("inc_id", "inc_ts", "snap"), turn):
            times.add("insert", name, bench.refresh(name, "insert"))
        if turn == 0:  # inc_id does not see updates: compared before the first ones
            times.exact["inc_id"] = exact(bench, "inc_id")
        top = bench.run("SELECT MAX(id) FROM o")[0][0]
        ids = ", ".join(str(i) for i in rng.sample(range(1, top + 1), CHANGES))
        bench.run(f"UPDATE o SET amount = amount + 1 WHERE id IN ({ids})")
        for name in rotated(("inc_ts", "snap"), turn):
            times.add("update", name, bench.refresh(name, "update"))
        bench.refresh("inc_id", "nothing")  # re-reads the rows of (a): see `incremental`
        times.add("nothing", "inc_id", bench.refresh("inc_id", "nothing"))
    return times


def exact(bench: Bench, name: str) -> bool:
    stored = sorted(bench.run(f"SELECT * FROM {name}"), key=repr)
    return stored == sorted(bench.run(GROUPED), key=repr)


def profile(lines: Sequence[str], start: int) -> list[tuple[float, str]]:
    """The statements an incremental refresh ran, with their times (seconds), from the proxy's
    debug log from line `start` to the step's own log line."""
    out = []
    for line in lines[start:]:
        m = re.search(r"incremental statement ms=([\d.]+) sql=(.*)$", line)
        if m:
            out.append((float(m.group(1)) / 1000, m.group(2)))
        elif "step " in line and "event=refresh" in line:
            break
    return out


# -- (c): what a trigger materialization costs writers -------------------------------------------


def copy_plain() -> None:
    """`plain`: `o` as it is now, with no materialization on it (made after the refreshes, so
    that it does not take buffer pool pages from them)."""
    with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE plain LIKE o")
        cur.execute("INSERT INTO plain SELECT * FROM o")


def latency(table: str, verb: str, n: int, i0: int, customers: int) -> list[float]:
    out = []
    with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
        for i in range(i0, i0 + n):
            if verb == "insert":
                sql = f"INSERT INTO {table} (cid, amount) VALUES ({1 + i % customers}, {i % 97})"
            elif verb == "update":
                sql = f"UPDATE {table} SET amount = amount + 1 WHERE id = {1 + (i * 7919) % 5000}"
            else:
                sql = f"DELETE FROM {table} WHERE id = {10000 + i}"
            started = time.perf_counter()
            cur.execute(sql)
            out.append(time.perf_counter() - started)
    return out


def throughput(table: str, seconds: float, customers: int, threads: int = 8) -> float:
    done = [0] * threads
    stop = threading.Event()

    def work(k: int) -> None:
        with direct(database=DB, autocommit=True) as conn, conn.cursor() as cur:
            i = k
            while not stop.is_set():
                cur.execute(
                    f"INSERT INTO {table} (cid, amount) VALUES ({1 + i % customers}, {i % 97})"
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


def writes(
    block: int, blocks: int, customers: int, seconds: float
) -> tuple[dict[str, tuple[float, float]], tuple[float, float]]:
    """Median latency per verb (without, with) and 8 writers' rows/s (without, with)."""
    medians = {}
    for verb in ("insert", "update", "delete"):
        measured: dict[str, list[float]] = {"plain": [], "o": []}
        for b in range(blocks):
            for table in ("plain", "o") if b % 2 else ("o", "plain"):
                measured[table] += latency(table, verb, block, b * block, customers)
        medians[verb] = (statistics.median(measured["plain"]), statistics.median(measured["o"]))
    rates: dict[str, list[float]] = {"plain": [], "o": []}
    for table in ("plain", "o", "o", "plain"):
        rates[table].append(throughput(table, seconds, customers))
    return medians, (statistics.mean(rates["plain"]), statistics.mean(rates["o"]))


# -- (d): reading -------------------------------------------------------------------------------


def reads(bench: Bench, name: str, query: str, n: int) -> tuple[float, float]:
    """Median seconds: SELECT * FROM `name`, and running `query`, interleaved."""
    stored: list[float] = []
    fresh: list[float] = []
    for _ in range(n):
        for sql, out in ((f"SELECT * FROM {name}", stored), (query, fresh)):
            started = time.perf_counter()
            bench.run(sql)
            out.append(time.perf_counter() - started)
    return statistics.median(stored), statistics.median(fresh)


# -- the report ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def report_refreshes(times: Times, title: str, case: str, names: Sequence[str]) -> None:
    print(f"\n{title}")
    snap = times.median(case, "snap") if (case, "snap") in times.wall else None
    snap_rec = times.median(case, "snap", True) if snap else None
    for name in names:
        wall, rec = times.median(case, name), times.median(case, name, True)
        line = f"  {name:7} {ms(wall)} through the proxy, {ms(rec)} recorded"
        if snap and snap_rec and name != "snap":
            line += f"  = {wall / snap:6.2%} / {rec / max(snap_rec, 1e-3):6.2%} of snapshot"
        every = ", ".join(f"{x * 1000:.0f}" for x in times.wall[(case, name)])
        print(f"{line}  (each: {every} ms)")


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    out = action()
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows, two rounds")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--customers", type=int, help="default: rows / 20")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--profile", action="store_true", help="per-statement refresh times")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    customers = args.customers or max(rows // 20, 1)
    rounds = args.rounds or (2 if args.quick else 3)
    print(f"{rows:,} orders, {customers:,} customers, {rounds} rounds of {CHANGES:,} changes")
    timed("set-up", lambda: setup(rows, customers))
    bench = Bench(verbose=args.profile)
    try:
        for name, how in (
            ("inc_id", "incremental"),
            ("inc_ts", "incremental WITH (watermark = 'ts')"),
            ("snap", "snapshot"),
        ):
            create = f"CREATE MATERIALIZATION {name} USING {how} AS {GROUPED}"
            timed(f"CREATE {name}", partial(bench.proxied, create))
        for name in ("inc_id", "inc_ts"):  # a build's floor may be held back by any writer
            bench.refresh(name, "warm-up")  # open on the server then: read from there once
        times = refresh_rounds(bench, rounds, customers, args.seed)
        report_refreshes(
            times, f"(a) after {CHANGES:,} new rows", "insert", ("inc_id", "inc_ts", "snap")
        )
        report_refreshes(times, f"(b) after {CHANGES:,} updates", "update", ("inc_ts", "snap"))
        report_refreshes(times, "(0) nothing new", "nothing", ("inc_id",))
        times.exact["inc_ts"] = exact(bench, "inc_ts")
        print(
            f"  equal to a fresh run of the query: inc_id {times.exact['inc_id']} (after the first"
            f" new rows), inc_ts {times.exact['inc_ts']} (after the rounds)"
        )
        if args.profile:
            time.sleep(0.5)  # the proxy's log is read by a thread
            for case, name in (("insert", "inc_id"), ("update", "inc_ts"), ("nothing", "inc_id")):
                statements = profile(bench.proxy.log_lines, bench.logged[(case, name)])
                total = sum(seconds for seconds, _ in statements)
                print(f"\nprofile of the last {case} refresh of {name} ({ms(total)} in all):")
                for seconds, sql in statements:
                    print(f"  {ms(seconds)}  {sql[:160]}")
        timed("\ncopy o to plain", copy_plain)
        timed(
            "CREATE trig",
            lambda: bench.proxied(f"CREATE MATERIALIZATION trig USING trigger AS {BY_REGION}"),
        )
        medians, rates = writes(200, 6 if rows >= 1_000_000 else 4, customers, 3.0)
        print("(c) writers: without vs with a trigger materialization on the table")
        for verb, (without, with_) in medians.items():
            ratio = with_ / without
            print(f"  {verb:6} median {ms(without)} without, {ms(with_)} with ({ratio:.2f}x)")
        share = rates[1] / rates[0]
        print(
            f"  8 writers INSERT: {rates[0]:7.0f}/s without, {rates[1]:7.0f}/s with ({share:.0%})"
        )
        print("(d) reading the GROUP BY result: from the materialization vs running the query")
        for name, query in (("trig", BY_REGION), ("inc_id", GROUPED)):
            stored, fresh = reads(bench, name, query, 5)
            print(f"  {name:7} {ms(stored)} vs {ms(fresh)} ({fresh / stored:.0f}x faster)")
    finally:
        bench.close()
        with direct(autocommit=True) as conn, conn.cursor() as cur:
            for db in (DB, CATALOG):
                cur.execute(f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()
