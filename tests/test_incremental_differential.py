"""Randomised differential test of `incremental`: after every round of random writes and a
refresh, the materialization equals a fresh run of its query, row for row.

Each round, from two connections (one of them keeping its transaction open across the refresh
and committing after it): inserts of orders (auto-increment ids) and of customers (new dimension
rows), updates of orders that bump the `ts` watermark (amount, customer: rows move between
groups and in and out of the WHERE), and in some rounds deletes. What a watermark catches is
compared after the refresh; a round with deletes of older rows is compared after `check`
(which must then say `drifted` or `ok`, matching the comparison) and a REBUILD.

It runs on MariaDB and on the embedded SQLite default. There, one writer at a time: the held
transaction has the write lock, so the refresh waits for its COMMIT (the refresh runs in a thread
and the transaction commits while it waits), and `ts` has whole seconds.

Seeded (JASMINE_DIFF_SEED, printed); a failure names the seed and the round.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.materialize import Jasmine, run, scalar, show
from tests.sites import embedded_site
from tests.support import direct

pytestmark = pytest.mark.backend

ROUNDS = int(os.environ.get("JASMINE_DIFF_ROUNDS", "25"))
QUERIES = {
    "grouped": (
        "SELECT c.region, o.status, COUNT(*) AS n, SUM(o.amount) AS total, AVG(o.amount) AS mean,"
        " MIN(o.amount) AS low, MAX(o.amount) AS high, COUNT(DISTINCT o.cid) AS buyers "
        "FROM o JOIN c ON c.id = o.cid WHERE o.amount > 10 GROUP BY c.region, o.status"
    ),
    "left": (
        "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total FROM o LEFT JOIN c "
        "ON c.id = o.cid GROUP BY c.region"
    ),
    "rows": "SELECT o.id, o.amount, o.status, c.region FROM o JOIN c ON c.id = o.cid",
}


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def rows(database: str, sql: str) -> list[tuple[Any, ...]]:
    with direct(database=database) as c, c.cursor() as cur:
        cur.execute(sql)
        return sorted(map(tuple, cur.fetchall()), key=repr)


def writes(rng: random.Random, conn: Any, customers: int, top: int) -> tuple[int, list[str]]:
    """Random inserts and updates; returns the customers now and the statements."""
    out = []
    for _ in range(rng.randint(1, 6)):
        cid = rng.randint(1, customers + 2)  # sometimes a customer that does not exist yet
        out.append(
            f"INSERT INTO o (cid, amount, status) VALUES ({cid}, {rng.randint(0, 60)}, "
            f"'{rng.choice('ab')}')"
        )
    for _ in range(rng.randint(0, 4)):
        target = rng.randint(1, max(top, 1))
        change = rng.choice(
            [
                f"amount = {rng.randint(0, 60)}",
                f"cid = {rng.randint(1, customers + 1)}",
                f"status = '{rng.choice('ab')}'",
            ]
        )
        out.append(f"UPDATE o SET {change} WHERE id = {target}")
    if rng.random() < 0.3:
        customers += 1
        out.append(f"INSERT INTO c (region) VALUES ('{rng.choice(['n', 's', 'e', 'w'])}')")
    run(conn, *out)
    return customers, out


@pytest.mark.parametrize("kind", sorted(QUERIES))
def test_differential(j: Jasmine, make_database: Any, kind: str) -> None:
    database = make_database()
    with (
        j.connect(database) as conn,
        direct(database=database, autocommit=True) as main,
        direct(database=database) as held,
    ):
        play(kind, conn, main, held, lambda sql: rows(database, sql))


@pytest.mark.parametrize("kind", sorted(QUERIES))
def test_differential_embedded(tmp_path: Path, kind: str) -> None:
    for site in embedded_site(tmp_path / "jasmine.db"):
        with (
            site.client() as conn,
            site.client() as main,
            site.client(autocommit=False) as held,
            site.client() as reader,
        ):

            def read(sql: str) -> list[tuple[Any, ...]]:
                with reader.cursor() as cur:
                    cur.execute(sql)
                    return sorted(map(tuple, cur.fetchall()), key=repr)

            play(kind, conn, main, held, read, embedded=True)


def play(
    kind: str,
    conn: Any,
    main: Any,
    held: Any,
    read: Callable[[str], list[tuple[Any, ...]]],
    rounds: int = ROUNDS,
    embedded: bool = False,
) -> None:
    """The rounds on a fresh database: `conn` through the proxy, `main` (autocommit) and `held`
    (a transaction kept open across a refresh) for the writes,
    `read(sql)` for sorted rows (each may be a connection to another server of a cluster).
    `embedded`: the refresh waits for the held transaction (one writer at a time)."""
    seed = int(os.environ.get("JASMINE_DIFF_SEED", random.randrange(1 << 30)))
    print(f"seed={seed} kind={kind} rounds={rounds}")
    rng = random.Random(seed)
    query = QUERIES[kind]
    stamp = "DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"
    if not embedded:
        stamp = "DATETIME(6) NOT NULL DEFAULT NOW(6) ON UPDATE NOW(6)"
    run(
        conn,
        "CREATE TABLE c (id INT AUTO_INCREMENT PRIMARY KEY, region VARCHAR(10) NOT NULL)",
        "CREATE TABLE o (id INT AUTO_INCREMENT PRIMARY KEY, cid INT, amount INT NOT NULL,"
        f" status CHAR(1) NOT NULL, ts {stamp}, KEY (cid), KEY (ts))",
        "INSERT INTO c (region) VALUES ('n'), ('s'), ('e')",
        "INSERT INTO o (cid, amount, status) VALUES (1, 20, 'a'), (2, 30, 'b'), (3, 5, 'a')",
    )
    run(conn, f"CREATE MATERIALIZATION m USING incremental WITH (watermark = 'ts') AS {query}")
    customers, history = 3, []
    database = scalar(conn, "SELECT DATABASE()")
    for round_ in range(1, rounds + 1):
        top = read("SELECT COALESCE(MAX(id), 0) FROM o")[0][0]
        customers, done = writes(rng, main, customers, top)
        history.append(done)
        deletes = rng.random() < 0.15
        if deletes:
            victim = rng.randint(1, max(top, 1))
            run(main, f"DELETE FROM o WHERE id = {victim}")
            history.append([f"DELETE FROM o WHERE id = {victim}"])
        late = rng.random() < 0.3  # a transaction open across the refresh
        if late:
            run(held, "BEGIN")
            customers, done = writes(rng, held, customers, top)
            history.append(["-- held open across the refresh:", *done])
        if late and embedded:  # the refresh waits for the writer that holds the lock
            refresh = threading.Thread(target=run, args=(conn, "REFRESH MATERIALIZATION m"))
            refresh.start()
            time.sleep(0.2)
            run(held, "COMMIT")
            refresh.join(60)
        else:
            run(conn, "REFRESH MATERIALIZATION m")
        if late:
            if not embedded:
                run(held, "COMMIT")
            run(conn, "REFRESH MATERIALIZATION m")
        expected = read(query)
        if deletes:  # a delete may be seen or not: check says which, rebuild cures
            differs = read("SELECT * FROM m") != expected
            run(conn, "ALTER MATERIALIZATION m STEP check")
            health = show(conn, database)["m"]["Health"]
            assert health == ("drifted" if differs else "ok"), (seed, round_)
            if differs:
                run(conn, "ALTER MATERIALIZATION m REBUILD")
        got = read("SELECT * FROM m")
        assert got == expected, f"seed={seed} kind={kind}: round {round_} differs\n" + "\n".join(
            ";\n".join(r) for r in history[-3:]
        )
