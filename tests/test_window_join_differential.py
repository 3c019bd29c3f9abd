"""Randomised differential test of `window_join`: after every round of random appends and a
refresh, the materialization equals a fresh run of its query, row for row, and its count of late
rows equals the count found by walking each stream in arrival (id) order.

Each round appends page views and clicks from two connections, with event times scattered
around a clock that moves forward (out of order, some far behind: late), and in some rounds a
third connection keeps its appends in a transaction open across the refresh and commits after
it (rows committed late with lower ids), followed by a second refresh.

Seeded (JASMINE_DIFF_SEED, printed); a failure names the seed, the round and its statements.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.materialize import Jasmine, run, show
from tests.support import direct

pytestmark = pytest.mark.backend

ROUNDS = int(os.environ.get("JASMINE_DIFF_ROUNDS", "20"))
LATENESS = timedelta(minutes=2)
QUERY = (
    "SELECT v.id AS view_id, c.id AS click_id, v.session, v.at AS viewed, c.at AS clicked "
    "FROM v JOIN c ON c.session = v.session "
    "AND c.at BETWEEN v.at - INTERVAL 1 MINUTE AND v.at + INTERVAL 3 MINUTE "
    "WHERE v.kind <> 'bot'"
)
START = datetime(2024, 5, 1, 12, 0)


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def rows(database: str, sql: str) -> list[tuple[Any, ...]]:
    with direct(database=database) as c, c.cursor() as cur:
        cur.execute(sql)
        return sorted(map(tuple, cur.fetchall()), key=repr)


def late_count(database: str) -> int:
    """Rows older than the latest timestamp of their stream's earlier rows less LATENESS."""
    total = 0
    with direct(database=database) as c, c.cursor() as cur:
        for table in ("v", "c"):
            cur.execute(f"SELECT at FROM {table} ORDER BY id")
            latest = None
            for (at,) in cur.fetchall():
                if latest is not None and at < latest - LATENESS:
                    total += 1
                latest = at if latest is None else max(latest, at)
    return total


def appends(rng: random.Random, conn: Any, clock: datetime) -> list[str]:
    out = []
    for table in rng.choices(["v", "c"], k=rng.randint(1, 6)):
        offset = rng.choice([rng.randint(-120, 60), rng.randint(-600, -150)])  # some late
        at = (clock + timedelta(seconds=offset)).isoformat(sep=" ")
        session = f"s{rng.randint(0, 3)}"
        if table == "v":
            kind = rng.choice(["web", "web", "bot"])
            out.append(f"INSERT INTO v (session, kind, at) VALUES ('{session}', '{kind}', '{at}')")
        else:
            out.append(f"INSERT INTO c (session, at) VALUES ('{session}', '{at}')")
    run(conn, *out)
    return out


def test_differential(j: Jasmine, make_database: Any) -> None:
    seed = int(os.environ.get("JASMINE_DIFF_SEED", random.randrange(1 << 30)))
    print(f"seed={seed} rounds={ROUNDS}")
    rng = random.Random(seed)
    database = make_database()
    with j.connect(database) as conn:
        run(
            conn,
            "CREATE TABLE v (id INT AUTO_INCREMENT PRIMARY KEY, session CHAR(2) NOT NULL, "
            "kind VARCHAR(5) NOT NULL, at DATETIME NOT NULL, KEY (session, at))",
            "CREATE TABLE c (id INT AUTO_INCREMENT PRIMARY KEY, session CHAR(2) NOT NULL, "
            "at DATETIME NOT NULL, KEY (session, at))",
            "CREATE MATERIALIZATION m USING window_join WITH (allowed_lateness = '2 minutes') "
            f"AS {QUERY}",
        )
        writers = [direct(database=database, autocommit=True) for _ in range(2)]
        held = direct(database=database)
        history: list[list[str]] = []
        try:
            for round_ in range(1, ROUNDS + 1):
                clock = START + timedelta(minutes=round_)
                for writer in writers:
                    history.append(appends(rng, writer, clock))
                late = rng.random() < 0.3  # a transaction open across the refresh
                if late:
                    run(held, "BEGIN")
                    history.append(["-- held open across the refresh:", *appends(rng, held, clock)])
                run(conn, "REFRESH MATERIALIZATION m")
                if late:
                    run(held, "COMMIT")
                    run(conn, "REFRESH MATERIALIZATION m")
                where = f"seed={seed}: round {round_} differs\n" + "\n".join(
                    ";\n".join(r) for r in history[-3:]
                )
                assert rows(database, "SELECT * FROM m") == rows(database, QUERY), where
                assert show(conn, database)["m"]["Late_rows"] == late_count(database), where
        finally:
            for c in (*writers, held):
                c.close()
        run(conn, "ALTER MATERIALIZATION m STEP check")
        assert show(conn, database)["m"]["Health"] == "ok"
