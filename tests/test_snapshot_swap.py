"""The snapshot swap under concurrent readers: old or new complete result, never neither.

Readers poll `SELECT COUNT(*), SUM(v) FROM m` through the proxy on connections of their own
(autocommit) while another thread refreshes (or rebuilds) over and over, changing the source
between builds. Each build's complete result has a known (count, sum); every read must be one
of those: never an empty table, a partial result, or an error such as 1146 (table missing).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pymysql
import pytest

from tests.materialize import Jasmine, no_leftovers, run, show

pytestmark = pytest.mark.backend

ROUNDS = 32
READERS = 3


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def fill(conn: Any, round_: int) -> tuple[int, int]:
    """Make the source hold round `round_`'s rows: 200 + 7 * round rows, each v = round + 1.
    Returns the (count, sum) a complete build of that round shows."""
    n, v = 200 + 7 * round_, round_ + 1
    run(conn, "DELETE FROM src", f"INSERT INTO src (v) SELECT {v} FROM seq LIMIT {n}")
    return n, n * v


class Readers:
    """Threads polling the materialization; what they saw and every error they got."""

    def __init__(self, port: int, database: str) -> None:
        self.port, self.database = port, database
        self.seen: list[tuple[int, int]] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._poll) for _ in range(READERS)]

    def _poll(self) -> None:
        try:
            c = pymysql.connect(
                host="127.0.0.1",
                port=self.port,
                user="root",
                database=self.database,
                autocommit=True,
            )
        except BaseException as exc:
            self.errors.append(exc)
            return
        with c, c.cursor() as cur:
            while not self.stop.is_set():
                try:
                    cur.execute("SELECT COUNT(*), SUM(v) FROM m")
                    count, total = cur.fetchone()
                except BaseException as exc:
                    self.errors.append(exc)
                    return
                self.seen.append((int(count), int(total if total is not None else Decimal(-1))))

    def __enter__(self) -> Readers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)


def churn(j: Jasmine, database: str, statement: str) -> None:
    with j.connect(database) as c:
        run(
            c,
            "CREATE TABLE seq (i INT PRIMARY KEY)",
            "INSERT INTO seq SELECT seq FROM seq_1_to_1000",  # MariaDB's Sequence engine
            "CREATE TABLE src (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)",
        )
        complete = {fill(c, 0)}
        run(c, "CREATE MATERIALIZATION m USING snapshot AS SELECT id, v FROM src")
        with Readers(j.proxy.port, database) as readers:
            start = time.monotonic()
            while len(readers.seen) < 20 and time.monotonic() - start < 10:
                time.sleep(0.01)  # the readers are reading before the first swap
            for round_ in range(1, ROUNDS + 1):
                final = fill(c, round_)
                complete.add(final)
                run(c, statement)
                if readers.errors:
                    break
            time.sleep(0.1)
        assert readers.errors == [], readers.errors[:3]
        assert readers.seen, "the readers read nothing"
        wrong = sorted(set(readers.seen) - complete)
        assert wrong == [], f"reads that no complete build gives: {wrong[:10]}"
        assert (0, -1) not in readers.seen  # never an empty table
        # the readers really ran across the swaps: they saw many different builds
        assert len(set(readers.seen)) > ROUNDS // 2, sorted(set(readers.seen))
        with c.cursor() as cur:
            cur.execute("SELECT COUNT(*), SUM(v) FROM m")
            assert tuple(map(int, cur.fetchone())) == final  # the last build is in place
        assert show(c, database)["m"]["State"] == "live"
        assert show(c, database)["m"]["Rows"] == final[0]
    no_leftovers(database)
    events = [e["event"] for e in j.events(database, "m")]
    assert len(events) == 2 + ROUNDS


def test_refresh_under_readers(j: Jasmine, database: str) -> None:
    churn(j, database, "REFRESH MATERIALIZATION m")


def test_rebuild_under_readers(j: Jasmine, database: str) -> None:
    churn(j, database, "ALTER MATERIALIZATION m REBUILD")
