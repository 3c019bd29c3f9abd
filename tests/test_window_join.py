"""The `window_join` pattern on MariaDB, through the real proxy with real clients.

Every check compares the materialization with a fresh run of its query (read directly from
MariaDB): after rounds of appends with out-of-order timestamps, rows arriving later than
allowed_lateness (counted once, shown in SHOW MATERIALIZATIONS and the events, and joined all
the same), a transaction committed late with a lower id, a crash between the data and the
watermarks, a rebuild; refused queries name their obstacle; DROP leaves nothing behind.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest

from jasmine_proxy.backends.mysql_incremental import CRASH_AFTER
from tests.materialize import (
    Jasmine,
    dicts,
    direct_dicts,
    direct_run,
    fails,
    no_leftovers,
    quote,
    run,
    show,
    tables,
)
from tests.support import MARIADB_URL, ROOT, Proxy, direct

pytestmark = pytest.mark.backend

QUERY = (
    "SELECT v.id AS view_id, c.id AS click_id, v.session, c.target, c.at "
    "FROM v JOIN c ON c.session = v.session "
    "AND c.at BETWEEN v.at - INTERVAL 1 MINUTE AND v.at + INTERVAL 10 MINUTE"
)


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def streams(conn: Any) -> None:
    """Page views `v` and clicks `c`: append-only, auto-increment ids, event times `at`."""
    run(
        conn,
        "CREATE TABLE v (id INT AUTO_INCREMENT PRIMARY KEY, session VARCHAR(10) NOT NULL, "
        "at DATETIME NOT NULL, KEY (session, at))",
        "CREATE TABLE c (id INT AUTO_INCREMENT PRIMARY KEY, session VARCHAR(10) NOT NULL, "
        "target VARCHAR(20), at DATETIME NOT NULL, KEY (session, at))",
        "INSERT INTO v (session, at) VALUES ('s1', '2024-05-01 12:00:00'), "
        "('s2', '2024-05-01 12:01:00')",
        "INSERT INTO c (session, target, at) VALUES ('s1', 'buy', '2024-05-01 12:03:00'), "
        "('s2', 'far', '2024-05-01 12:30:00')",
    )


def rows(database: str, sql: str) -> list[tuple[Any, ...]]:
    with direct(database=database) as c, c.cursor() as cur:
        cur.execute(sql)
        return sorted(map(tuple, cur.fetchall()), key=repr)


def same(database: str, name: str = "m", query: str = QUERY) -> None:
    assert rows(database, f"SELECT * FROM {quote(name)}") == rows(database, query)


def writes(database: str, *statements: str) -> None:
    with direct(database=database, autocommit=True) as c:
        run(c, *statements)


def watermarks(j: Jasmine, database: str) -> dict[str, Any]:
    row = j.row(database, "m")
    assert row is not None
    return dict(json.loads(row["watermarks"]))


def late_table(database: str) -> str:
    return next(t for t in tables(database) if t.endswith("_late"))


def test_create_append_rounds_refresh_and_drop(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        streams(conn)
        run(
            conn,
            "CREATE MATERIALIZATION m USING window_join WITH (allowed_lateness = '1 hour') "
            f"AS {QUERY}",
        )
        same(database)
        assert rows(database, "SELECT view_id, click_id FROM m") == [(1, 1)]
        listed = show(conn, database)["m"]
        assert (listed["Strategy"], listed["State"], listed["Late_rows"]) == (
            "window_join",
            "live",
            0,
        )
        keys = dicts(conn, "SHOW KEYS FROM m")
        assert [k["Column_name"] for k in keys] == ["view_id", "click_id"]
        for n, (view_at, click_at) in enumerate(
            [("12:05:00", "12:06:00"), ("12:02:00", "12:04:00"), ("12:20:00", "12:01:30")]
        ):
            writes(
                database,
                f"INSERT INTO v (session, at) VALUES ('s1', '2024-05-01 {view_at}')",
                f"INSERT INTO c (session, target, at) VALUES ('s1', 'r{n}', "
                f"'2024-05-01 {click_at}'), ('s2', 'r{n}', '2024-05-01 12:0{n}:00')",
            )
            run(conn, "REFRESH MATERIALIZATION m")
            same(database)
        run(conn, "REFRESH MATERIALIZATION m")  # nothing new: the same rows
        same(database)
        run(conn, "ALTER MATERIALIZATION m STEP check")
        assert show(conn, database)["m"]["Health"] == "ok"
        assert watermarks(j, database)["late"] == {"v": 0, "c": 0}
        run(conn, "DROP MATERIALIZATION m")
        assert show(conn, database) == {}
    no_leftovers(database)
    assert sorted(tables(database)) == ["c", "v"]


def test_late_rows_are_counted_once_reported_and_joined(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        streams(conn)
        run(
            conn,
            "CREATE MATERIALIZATION m USING window_join WITH (allowed_lateness = '5 minutes') "
            f"AS {QUERY}",
        )
        writes(
            database,
            "INSERT INTO v (session, at) VALUES ('s1', '2024-05-01 12:30:00')",  # watermark 12:30
            "INSERT INTO v (session, at) VALUES ('s1', '2024-05-01 12:26:00')",  # within 5 min
            "INSERT INTO v (session, at) VALUES ('s2', '2024-05-01 12:22:00')",  # 8 min late
            "INSERT INTO c (session, target, at) VALUES ('s2', 'late', '2024-05-01 12:25:00')",
        )
        run(conn, "REFRESH MATERIALIZATION m")
        same(database)  # the late view is joined all the same
        assert (5, 3) in rows(database, "SELECT view_id, click_id FROM m")
        assert show(conn, database)["m"]["Late_rows"] == 1
        listed = direct_dicts(f"SELECT * FROM {quote(database)}.{quote(late_table(database))}")
        assert [(r["stream"], r["id"], r["ts"], r["watermark"]) for r in listed] == [
            ("v", 5, "2024-05-01 12:22:00", "2024-05-01 12:30:00")
        ]
        events = dicts(conn, "SHOW MATERIALIZATION EVENTS FOR m LIMIT 2")
        assert [(e["Event"], e["Rows"]) for e in events] == [("refresh", 3), ("late", 1)]
        assert "1 row arrived later than allowed_lateness (5 minutes): 1 of v" in events[1]["Error"]
        for _ in range(2):  # read again (the floor may be held back): still counted once
            run(conn, "REFRESH MATERIALIZATION m")
        assert show(conn, database)["m"]["Late_rows"] == 1
        assert watermarks(j, database)["late"] == {"v": 1, "c": 0}
        writes(database, "INSERT INTO c (session, target, at) VALUES ('s1', 'x', '2024-05-01')")
        run(conn, "REFRESH MATERIALIZATION m")  # 12:30 less 5 minutes is later than midnight
        assert show(conn, database)["m"]["Late_rows"] == 2
        writes(database, "INSERT INTO c (session, target, at) VALUES ('s1', 'y', '2024-05-02')")
        run(conn, "REFRESH MATERIALIZATION m")  # in time
        assert watermarks(j, database)["late"] == {"v": 1, "c": 1}
        same(database)
        run(conn, "ALTER MATERIALIZATION m REBUILD")  # the count and the list survive it
        same(database)
        assert show(conn, database)["m"]["Late_rows"] == 2
        assert len(rows(database, f"SELECT * FROM {quote(late_table(database))}")) == 2
        run(conn, "DROP MATERIALIZATION m")
    no_leftovers(database)


def test_a_row_committed_late_with_a_lower_id_is_not_lost(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        streams(conn)
        run(conn, f"CREATE MATERIALIZATION m USING window_join AS {QUERY}")
        held = direct(database=database)  # a long transaction: click 3, committed late
        try:
            run(
                held,
                "BEGIN",
                "INSERT INTO c (session, target, at) VALUES ('s1', 'slow', '2024-05-01 12:02:00')",
            )
            writes(  # click 4, committed first
                database,
                "INSERT INTO c (session, target, at) VALUES ('s1', 'fast', '2024-05-01 12:01:00')",
            )
            run(conn, "REFRESH MATERIALIZATION m")  # does not wait for the open transaction
            same(database)
            floor = watermarks(j, database)["c.id"]["floor"]
            # None: read from the lowest id (another server transaction held it back)
            assert floor is None or floor <= 3, "the floor passed a row that is still to commit"
            run(held, "COMMIT")
        finally:
            held.close()
        run(conn, "REFRESH MATERIALIZATION m")
        same(database)
        assert (1, 3) in rows(database, "SELECT view_id, click_id FROM m")


def test_crash_between_the_data_and_the_watermarks_applies_nothing(
    j: Jasmine, database: str
) -> None:
    with j.connect(database) as conn:
        streams(conn)
        run(conn, f"CREATE MATERIALIZATION m USING window_join AS {QUERY}")
    before = rows(database, "SELECT * FROM m")
    marks = watermarks(j, database)
    events = len(j.events(database, "m"))
    writes(
        database,
        "INSERT INTO v (session, at) VALUES ('s1', '2024-05-01 12:01:00'), "
        "('s1', '2024-05-01 11:00:00')",  # the second one is late (lateness 0)
    )
    crashing = Proxy(
        MARIADB_URL,
        "--catalog-schema",
        j.catalog,
        env={CRASH_AFTER: "refresh:WindowJoinRefresh.data"},
    )
    try:
        c = pymysql.connect(host="127.0.0.1", port=crashing.port, user="root", database=database)
        with pytest.raises(pymysql.err.OperationalError):
            run(c, "REFRESH MATERIALIZATION m")
        assert crashing.proc.wait(10) == -signal.SIGKILL
    finally:
        crashing.stop()
    assert rows(database, "SELECT * FROM m") == before  # rolled back with the connection
    assert watermarks(j, database) == marks
    assert rows(database, f"SELECT * FROM {quote(late_table(database))}") == []
    assert len(j.events(database, "m")) == events  # no late event either
    direct_run(  # the dead holder's lease lapses; a refresh then applies the batch once
        f"UPDATE {quote(j.catalog)}.materializations SET step = NULL, lease_expires = NULL "
        f"WHERE schema_name = '{database}' AND name = 'm'"
    )
    with j.connect(database) as conn:
        run(conn, "REFRESH MATERIALIZATION m")
        run(conn, "REFRESH MATERIALIZATION m")
        assert show(conn, database)["m"]["Late_rows"] == 1
        late = [e for e in dicts(conn, "SHOW MATERIALIZATION EVENTS FOR m") if e["Event"] == "late"]
        assert [e["Rows"] for e in late] == [1]
    same(database)


def test_refusals_name_the_obstacle(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        streams(conn)
        run(conn, "CREATE TABLE plain (id INT PRIMARY KEY, session VARCHAR(10), at DATETIME)")
        refused = {
            "no auto-increment": QUERY.replace("FROM v JOIN c", "FROM v JOIN plain AS c").replace(
                "c.target, ", ""
            ),
            "no time window": "SELECT v.id, c.id AS cid FROM v JOIN c ON c.session = v.session",
            "not a left join": QUERY.replace("JOIN c", "LEFT JOIN c"),
            "GROUP BY": "SELECT v.session, COUNT(*) AS n FROM v JOIN c ON c.session = v.session "
            "AND c.at BETWEEN v.at AND v.at + INTERVAL 1 MINUTE GROUP BY v.session",
            "exactly two tables": "SELECT id FROM v",
            "carries no key": "SELECT v.session, c.target FROM v JOIN c ON c.session = v.session "
            "AND c.at BETWEEN v.at AND v.at + INTERVAL 1 MINUTE",
        }
        for says, query in refused.items():
            code, message = fails(conn, f"CREATE MATERIALIZATION m USING window_join AS {query}")
            assert code == 1235, message
            assert says in message, message
            assert "cannot be maintained by window_join" in message
            assert "snapshot" in message  # and who would accept it
        code, message = fails(
            conn, f"CREATE MATERIALIZATION m USING window_join AS {QUERY} LIMIT 1"
        )
        assert "line 1, column" in message
        code, message = fails(
            conn,
            f"CREATE MATERIALIZATION m USING window_join WITH (window = '5 minutes') AS {QUERY}",
        )
        assert code == 1235
        assert "window option" in message
        code, message = fails(
            conn, f"CREATE MATERIALIZATION m USING window_join WITH (watermark = 'id') AS {QUERY}"
        )
        assert code == 1911
        code, message = fails(
            conn,
            "CREATE MATERIALIZATION m USING window_join WITH (allowed_lateness = 'soon') AS "
            f"{QUERY}",
        )
        assert code == 1525
        assert show(conn, database) == {}
    no_leftovers(database)


def test_auto_chooses_window_join_for_two_streams(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        streams(conn)
        plan = dicts(
            conn,
            "EXPLAIN CREATE MATERIALIZATION m WITH (allowed_lateness = '1 minute') AS " + QUERY,
        )
        assert plan[0]["Detail"] == "window_join"
        reasons = [r["Detail"] for r in plan if r["Part"] == "reason"]
        assert reasons[0].startswith("auto chose window_join")
        assert any(r.startswith("incremental: not considered") for r in reasons)
        assert any(r.startswith("trigger: not considered") for r in reasons)
        refresh = [r["Detail"] for r in plan if r["Part"] == "refresh"]
        assert any("@jasmine_floor_1" in s for s in refresh)
        assert any(s.startswith("UPDATE") and "fence" in s for s in refresh)
        zero = dicts(
            conn, f"EXPLAIN CREATE MATERIALIZATION m WITH (target_lag = '0 seconds') AS {QUERY}"
        )
        assert zero[0]["Detail"] == "trigger"
        run(conn, f"CREATE MATERIALIZATION m WITH (target_lag = '5 minutes') AS {QUERY}")
        assert show(conn, database)["m"]["Strategy"] == "window_join"
        other = dicts(conn, "EXPLAIN CREATE MATERIALIZATION n AS SELECT id, at FROM v")
        reasons = [r["Detail"] for r in other if r["Part"] == "reason"]
        assert any(
            r.startswith("window_join: window_join joins exactly two tables") for r in reasons
        )


def test_the_example_script_runs_through_the_proxy(j: Jasmine) -> None:
    script = (ROOT / "examples" / "click_streams.sql").read_text()
    out = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(j.proxy.port), "-u", "root", "-B"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    shown = next(line for line in lines if line.startswith("view_clicks\tjasmine_clicks\t"))
    assert shown.split("\t")[2:4] == ["window_join", "live"]
    assert shown.split("\t")[-1] == "1"  # Late_rows
    assert any("\tlate\tlive\tlive\t" in line and "1 of c" in line for line in lines)
    assert any(line.startswith("3\t2\ts2\t/cart\tbuy\t") for line in lines)
