"""Randomised differential test of the `trigger` pattern: after every round of random writes
from several concurrent connections, each materialization equals a fresh run of its query.

Each round, WRITERS threads run transactions of random inserts, updates and deletes on the fact
and the dimension table (a few ids, so writers collide), committing or rolling back at random,
about half of them under READ COMMITTED and the others under REPEATABLE READ; a deadlock or lock
wait timeout rolls the transaction back, which is one more rollback (counted as `conflicts` too).
Then every materialization is compared with its query, as multisets of rows (DECIMAL exact).
It runs on MariaDB and on the embedded SQLite default (`site`), where writers queue for the one
write lock instead of deadlocking and there is no isolation level to choose.

Seeded: JASMINE_TRIGGER_SEED=<n> repeats a run's choices (the threads' interleaving is the
server's); JASMINE_TRIGGER_ROUNDS=<n> runs more rounds (default 20, about 30 s). A failure names
the seed and the first round after which a result differed (the smallest round that shows it).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from decimal import Decimal

import pymysql
import pytest

from tests.sites import Site
from tests.support import rows

pytestmark = pytest.mark.backend

ROUNDS = int(os.environ.get("JASMINE_TRIGGER_ROUNDS", "20"))
SEED = int(os.environ.get("JASMINE_TRIGGER_SEED", str(random.randrange(1 << 30))))
WRITERS, TRANSACTIONS, CUSTOMERS = 4, 6, 12
RETRYABLE = {1213, 1205}  # deadlock, lock wait timeout

QUERIES = {
    "grouped": "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, COUNT(o.qty) AS q "
    "FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region",
    "extremes": "SELECT customer_id, MIN(amount) AS lo, MAX(qty) AS hi, COUNT(*) AS n "
    "FROM orders GROUP BY customer_id",
    "averages": "SELECT status, AVG(amount) AS a, AVG(qty) AS aq, SUM(qty) AS sq "
    "FROM orders WHERE amount IS NULL OR amount < 80 GROUP BY status",
    "joined": "SELECT o.id, o.amount, c.region, c.tier FROM orders o "
    "JOIN customers c ON c.id = o.customer_id WHERE o.qty > 1",
    "optional": "SELECT o.id, o.status, c.tier FROM orders o "
    "LEFT JOIN customers c ON c.id = o.customer_id",
    "total": "SELECT COUNT(*) AS n, SUM(amount) AS s, MAX(amount) AS hi, MIN(qty) AS lo "
    "FROM orders",
}


def amount(r: random.Random) -> str:
    return "NULL" if r.random() < 0.15 else str(Decimal(r.randrange(0, 10000)) / 100)


def qty(r: random.Random) -> str:
    return "NULL" if r.random() < 0.15 else str(r.randrange(0, 6))


def statement(r: random.Random) -> str:
    """One random write on the fact or the dimension table."""
    kind = r.random()
    cid, oid = r.randrange(1, CUSTOMERS + 1), r.randrange(1, 80)
    region = r.choice(["'north'", "'south'", "'east'", "NULL"])
    if kind < 0.30:
        return (
            "INSERT INTO orders (customer_id, amount, qty, status) VALUES "
            f"({cid}, {amount(r)}, {qty(r)}, {r.choice(['NULL', repr('paid'), repr('open')])})"
        )
    if kind < 0.50:
        column, value = r.choice(
            [("amount", amount(r)), ("qty", qty(r)), ("customer_id", str(cid)), ("status", "'x'")]
        )
        return f"UPDATE orders SET {column} = {value} WHERE id = {oid}"
    if kind < 0.62:
        return f"DELETE FROM orders WHERE id = {oid}"
    if kind < 0.80:
        return (
            f"UPDATE customers SET region = {region}, tier = {r.randrange(0, 4)} WHERE id = {cid}"
        )
    if kind < 0.90:
        return f"DELETE FROM customers WHERE id = {cid}"
    return (
        f"INSERT INTO customers VALUES ({cid}, {region}, {r.randrange(0, 4)}) "
        f"ON DUPLICATE KEY UPDATE region = {region}"
    )


class Writer(threading.Thread):
    def __init__(self, site: Site, r: random.Random) -> None:
        super().__init__(daemon=True)
        self.site, self.r = site, r
        self.commits = self.rollbacks = self.statements = self.conflicts = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.site.writer() as conn, conn.cursor() as cur:
                committed = self.r.random() < 0.5
                if not self.site.embedded:
                    cur.execute("SET SESSION innodb_lock_wait_timeout = 5")
                if committed and not self.site.embedded:  # the triggers' reads must not
                    cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                for _ in range(TRANSACTIONS):
                    self.transaction(conn, cur)
        except BaseException as exc:  # reported by the test
            self.error = exc

    def transaction(
        self, conn: pymysql.connections.Connection, cur: pymysql.cursors.Cursor
    ) -> None:
        try:
            for _ in range(self.r.randrange(1, 5)):
                cur.execute(statement(self.r))
                self.statements += 1
            if self.r.random() < 0.25:
                conn.rollback()
                self.rollbacks += 1
            else:
                conn.commit()
                self.commits += 1
        except pymysql.err.MySQLError as exc:
            if exc.args[0] not in RETRYABLE:
                raise
            conn.rollback()
            self.rollbacks += 1
            self.conflicts += 1


def differences(conn: pymysql.connections.Connection) -> list[str]:
    found = []
    for name, query in QUERIES.items():
        stored, fresh = Counter(rows(conn, f"SELECT * FROM {name}")), Counter(rows(conn, query))
        if stored != fresh:
            found.append(
                f"{name}: only stored {sorted((stored - fresh).elements(), key=str)}, "
                f"only in the query {sorted((fresh - stored).elements(), key=str)}"
            )
    return found


def test_trigger_materializations_equal_their_queries(site: Site) -> None:
    print(f"JASMINE_TRIGGER_SEED={SEED} JASMINE_TRIGGER_ROUNDS={ROUNDS} on {site.backend}")
    seeded = random.Random(SEED)
    with site.writer(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE customers (id INT PRIMARY KEY, region VARCHAR(10), tier INT)")
        cur.execute(
            "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT, "
            "amount DECIMAL(10, 2), qty INT, status VARCHAR(8), KEY (customer_id))"
        )
        for i in range(1, CUSTOMERS + 1):
            region = seeded.choice(["'north'", "'south'", "NULL"])
            cur.execute(f"INSERT INTO customers VALUES ({i}, {region}, {seeded.randrange(0, 4)})")
        for _ in range(60):
            cur.execute(
                "INSERT INTO orders (customer_id, amount, qty, status) VALUES "
                f"({seeded.randrange(1, CUSTOMERS + 1)}, {amount(seeded)}, {qty(seeded)}, 'paid')"
            )
    with site.client() as client:
        with client.cursor() as cur:
            for name, query in QUERIES.items():
                cur.execute(f"CREATE MATERIALIZATION {name} USING trigger AS {query}")
        assert differences(client) == [], f"after CREATE (seed {SEED})"
        totals = Counter[str]()
        started = time.monotonic()
        for round_ in range(1, ROUNDS + 1):
            writers = [Writer(site, random.Random(f"{SEED}:{round_}:{w}")) for w in range(WRITERS)]
            for w in writers:
                w.start()
            for w in writers:
                w.join(120)
            failed = [w.error for w in writers if w.error is not None]
            assert not failed, f"seed {SEED}, round {round_}: a writer failed: {failed[0]!r}"
            for w in writers:
                totals.update(
                    commits=w.commits,
                    rollbacks=w.rollbacks,
                    statements=w.statements,
                    conflicts=w.conflicts,
                )
            found = differences(client)
            assert not found, f"seed {SEED}: differs after round {round_}: " + "; ".join(found)
        sizes = {name: len(rows(client, f"SELECT * FROM {name}")) for name in QUERIES}
        print(
            f"{ROUNDS} rounds x {WRITERS} writers in {time.monotonic() - started:.1f} s: "
            f"{dict(totals)}; rows at the end {sizes}"
        )
        assert totals["commits"] > 0
        assert totals["rollbacks"] > 0
        with client.cursor() as cur:
            for name in QUERIES:
                cur.execute(f"DROP MATERIALIZATION {name}")
