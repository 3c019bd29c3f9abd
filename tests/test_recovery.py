"""Crash recovery with real SIGKILLs: the proxy dies between the DDL and the catalog update.

A proxy started with JASMINE_TEST_CRASH_AFTER=<event>:<Operation> kills itself (SIGKILL) right
after that operation of that event, so the backend has done part of a step and the catalog still
says the step is running (`step` set, the dead process's lease). A new proxy on the same backend
and catalog takes the step over once the lease has lapsed and runs it again; these tests show it
converges: the right state, the right objects, the query's data, nothing internal left over, and
the event log telling the interrupted attempt and the recovery.

A lease lapses LEASE_SECONDS after its holder last renewed it; the tests make that time pass by
moving the dead holder's `lease_expires` into the past (one slow test waits for it for real).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import pymysql
import pytest

from jasmine_proxy.catalog import LEASE_SECONDS
from jasmine_proxy.steps import CRASH_AFTER
from tests.materialize import (
    Jasmine,
    dicts,
    direct_run,
    fails,
    no_leftovers,
    orders,
    quote,
    run,
    show,
    tables,
)
from tests.support import MARIADB_URL, Proxy, wait_until

pytestmark = pytest.mark.backend

QUERY = "SELECT g, COUNT(*) AS n, SUM(v) AS s FROM o GROUP BY g"


@pytest.fixture
def j(make_database: Callable[[], str]) -> Iterator[Jasmine]:
    """A proxy of this test's own, with a catalog of this test's own (so that starting
    proxies on it recovers nobody else's steps)."""
    jasmine = Jasmine(make_database())
    yield jasmine
    assert jasmine.proxy.stop() == 0, jasmine.proxy.log


def crashing(j: Jasmine, spec: str) -> Proxy:
    return Proxy(MARIADB_URL, "--catalog-schema", j.catalog, env={CRASH_AFTER: spec})


def dies_running(p: Proxy, database: str, sql: str) -> None:
    """`sql` kills the proxy: the client's connection breaks, the process was SIGKILLed."""
    with pymysql.connect(
        host="127.0.0.1", port=p.port, user="root", database=database, autocommit=True
    ) as c:
        with pytest.raises(pymysql.err.OperationalError) as info:
            run(c, sql)
        assert info.value.args[0] in (2013, 2006), info.value
    assert p.proc.wait(10) == -signal.SIGKILL, p.log
    p.stop()
    assert f"{CRASH_AFTER}: killing this process" in p.log


def lapse(j: Jasmine, database: str, name: str) -> None:
    """Time passes: the dead holder's lease on the step runs out."""
    direct_run(
        f"UPDATE {quote(j.catalog)}.materializations SET lease_expires = '2000-01-01' "
        f"WHERE schema_name = '{database}' AND name = '{name}'"
    )


def restart(j: Jasmine) -> Jasmine:
    """A normal proxy on the same backend and catalog (it recovers at start-up)."""
    j.proxy.stop()
    j.proxy = j.also()
    return j


def converged(j: Jasmine, database: str, name: str, state: str, query: str | None) -> None:
    row = j.row(database, name)
    assert row is not None
    assert (row["state"], row["step"], row["lease_owner"]) == (state, None, None)
    with j.connect(database) as c:
        assert show(c, database)[name]["State"] == state
        if query is not None:
            stored = sorted(dicts_rows(c, f"SELECT * FROM {quote(name)}"))
            assert stored == sorted(dicts_rows(c, query))
            assert row["rows"] == len(stored)
    no_leftovers(database)


def dicts_rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return [tuple(r) for r in cur.fetchall()]


def event_log(j: Jasmine, database: str, name: str) -> list[tuple[Any, ...]]:
    """SHOW MATERIALIZATION EVENTS FOR name, oldest first: (event, from, to, error?)."""
    with j.connect(database) as c:
        shown = dicts(c, f"SHOW MATERIALIZATION EVENTS FOR {quote(name)}")
    return [
        (e["Event"], e["From_state"], e["To_state"], (e["Error"] or "")[:11]) for e in shown[::-1]
    ]


INTERRUPTED = "interrupted"


# -- create ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["CreateTableAs", "Swap"])
def test_create_snapshot_interrupted(j: Jasmine, database: str, operation: str) -> None:
    with j.connect(database) as c:
        orders(c)
    p = crashing(j, f"create:{operation}")
    dies_running(p, database, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")

    row = j.row(database, "m")
    assert row is not None
    assert (row["state"], row["step"]) == ("verified", "create")
    assert row["lease_owner"] is not None
    found = tables(database)
    if operation == "CreateTableAs":  # the shadow is built, not swapped in
        assert "m" not in found
        assert any(t.startswith("_jasmine_m_") and t.endswith("_new") for t in found)
    else:
        assert found == {"o": "TABLE", "m": "TABLE"}

    with j.connect(database) as c:  # the dead holder's lease still holds: nobody runs it
        code, message = fails(c, "ALTER MATERIALIZATION m STEP create")
        assert code == 1221, message
        assert "in progress" in message
    lapse(j, database, "m")
    restart(j)
    assert "recovered" in j.proxy.log
    converged(j, database, "m", "live", QUERY)
    assert event_log(j, database, "m") == [
        ("verify", "defined", "verified", ""),
        ("create", "verified", None, INTERRUPTED),
        ("create", "verified", "live", ""),
    ]


def test_create_view_interrupted(j: Jasmine, database: str) -> None:
    with j.connect(database) as c:
        orders(c)
    p = crashing(j, "create:CreateView")
    dies_running(p, database, "CREATE MATERIALIZATION v USING view AS SELECT id, v FROM o")
    assert tables(database).get("v") == "VIEW"
    row = j.row(database, "v")
    assert row is not None
    assert (row["state"], row["step"]) == ("verified", "create")
    lapse(j, database, "v")
    restart(j)
    converged(j, database, "v", "live", "SELECT id, v FROM o")
    assert tables(database)["v"] == "VIEW"
    assert [e[0] for e in event_log(j, database, "v")] == ["verify", "create", "create"]


# -- refresh, rebuild, drop --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "operation", "statement"),
    [
        ("refresh", "CreateTableAs", "REFRESH MATERIALIZATION m"),
        ("refresh", "Swap", "ALTER MATERIALIZATION m REFRESH"),
        ("rebuild", "Swap", "ALTER MATERIALIZATION m REBUILD"),
        ("rebuild", "CreateTableAs", "ALTER MATERIALIZATION m STEP rebuild"),
    ],
)
def test_build_interrupted(
    j: Jasmine, database: str, event: str, operation: str, statement: str
) -> None:
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")
        run(c, "INSERT INTO o VALUES (20, 'g7', 700), (21, 'g7', 1)")  # the build must see these
    p = crashing(j, f"{event}:{operation}")
    dies_running(p, database, statement)
    row = j.row(database, "m")
    assert row is not None
    assert (row["state"], row["step"], row["rows"]) == ("live", event, 2)  # the old count
    with j.connect(database) as c:
        swapped = ("g7", 2, 701) in dicts_rows(c, "SELECT * FROM m")
    assert swapped == (operation == "Swap")
    lapse(j, database, "m")
    restart(j)
    converged(j, database, "m", "live", QUERY)
    assert event_log(j, database, "m")[-2:] == [
        (event, "live", None, INTERRUPTED),
        (event, "live", "live", ""),
    ]


def test_drop_interrupted(j: Jasmine, database: str) -> None:
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")
    p = crashing(j, "drop:Drop")  # after the first Drop: the table is gone, the row is not
    dies_running(p, database, "DROP MATERIALIZATION m")
    row = j.row(database, "m")
    assert row is not None
    assert (row["state"], row["step"]) == ("live", "drop")
    assert "m" not in tables(database)
    lapse(j, database, "m")
    restart(j)
    assert j.row(database, "m") is None
    assert tables(database) == {"o": "TABLE"}
    with j.connect(database) as c:
        assert "m" not in show(c, database)
        code, _ = fails(c, "SHOW CREATE MATERIALIZATION m")
        assert code == 1146
    assert event_log(j, database, "m")[-2:] == [
        ("drop", "live", None, INTERRUPTED),
        ("drop", "live", "dropped", ""),
    ]


@pytest.mark.slow
def test_a_running_scheduler_takes_over_once_the_lease_lapses(j: Jasmine, database: str) -> None:
    """No help: a running proxy's scheduler takes the dead holder's step over by itself once
    the lease has run out, not before. (A holder on this host that is gone is taken over at
    once, so the row is made to name a holder on another host before any scheduler runs.)"""
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '1 day') AS {QUERY}")
        run(c, "INSERT INTO o VALUES (20, 'g7', 700)")
    j.proxy.stop()
    p = crashing(j, "refresh:CreateTableAs")
    started = time.monotonic()
    dies_running(p, database, "REFRESH MATERIALIZATION m")
    direct_run(
        f"UPDATE {quote(j.catalog)}.materializations SET lease_owner = 'elsewhere:1:gone' "
        f"WHERE schema_name = '{database}' AND name = 'm'"
    )
    j.proxy = Proxy(MARIADB_URL, "--catalog-schema", j.catalog, scheduler=True)

    def idle() -> bool:
        row = j.row(database, "m")
        return row is not None and row["step"] is None

    assert wait_until(idle, timeout=LEASE_SECONDS + 30, interval=0.5), j.proxy.log
    assert time.monotonic() - started >= LEASE_SECONDS - 1  # not before the lease ran out
    converged(j, database, "m", "live", QUERY)
    assert event_log(j, database, "m")[-2:] == [
        ("refresh", "live", None, INTERRUPTED),
        ("refresh", "live", "live", ""),
    ]


# -- running a step again converges --------------------------------------------------------------


def test_a_dead_holder_on_this_host_is_taken_over_at_once(j: Jasmine, database: str) -> None:
    """The lease names its holder's host and process: one that is gone from this host needs no
    waiting for the lease to run out."""
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '1 day') AS {QUERY}")
        run(c, "INSERT INTO o VALUES (20, 'g7', 700)")
    j.proxy.stop()
    j.proxy = Proxy(MARIADB_URL, "--catalog-schema", j.catalog, scheduler=True)
    p = crashing(j, "refresh:CreateTableAs")
    started = time.monotonic()
    dies_running(p, database, "REFRESH MATERIALIZATION m")

    def idle() -> bool:
        row = j.row(database, "m")
        return row is not None and row["step"] is None

    assert wait_until(idle, timeout=LEASE_SECONDS, interval=0.2), j.proxy.log
    assert time.monotonic() - started < LEASE_SECONDS / 2
    converged(j, database, "m", "live", QUERY)


def test_steps_run_twice_converge(j: Jasmine, database: str) -> None:
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")
        run(c, "INSERT INTO o VALUES (20, 'g7', 700)")
        run(c, "REFRESH MATERIALIZATION m", "REFRESH MATERIALIZATION m")
        run(c, "ALTER MATERIALIZATION m REBUILD", "ALTER MATERIALIZATION m REBUILD")
        run(c, "ALTER MATERIALIZATION m STEP verify", "ALTER MATERIALIZATION m STEP verify")
        run(c, "ALTER MATERIALIZATION m STEP check", "ALTER MATERIALIZATION m STEP check")
        converged(j, database, "m", "live", QUERY)
        run(c, "DROP MATERIALIZATION IF EXISTS m", "DROP MATERIALIZATION IF EXISTS m")
        assert tables(database) == {"o": "TABLE"}
        assert j.row(database, "m") is None
    assert [e[0] for e in event_log(j, database, "m")] == [
        "verify",
        "create",
        "refresh",
        "refresh",
        "rebuild",
        "rebuild",
        "verify",
        "verify",
        "check",
        "check",
        "drop",
    ]


def test_restarting_twice_after_a_crash_recovers_once(j: Jasmine, database: str) -> None:
    """Recovery is itself a step: a second restart finds nothing to do."""
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")
    p = crashing(j, "refresh:Swap")
    dies_running(p, database, "REFRESH MATERIALIZATION m")
    lapse(j, database, "m")
    restart(j)
    count = len(j.events(database, "m"))
    restart(j)
    assert len(j.events(database, "m")) == count
    converged(j, database, "m", "live", QUERY)


def test_two_proxies_starting_after_a_crash_recover_once(j: Jasmine, database: str) -> None:
    """Both come up; exactly one of them takes the step over (the other finds it claimed)."""
    with j.connect(database) as c:
        orders(c)
        run(c, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")
    p = crashing(j, "refresh:CreateTableAs")
    dies_running(p, database, "REFRESH MATERIALIZATION m")
    lapse(j, database, "m")
    j.proxy.stop()
    first = Proxy(MARIADB_URL, "--catalog-schema", j.catalog, wait=False)
    second = Proxy(MARIADB_URL, "--catalog-schema", j.catalog, wait=False)
    try:
        first.wait_listening()
        second.wait_listening()
        j.proxy = first
        converged(j, database, "m", "live", QUERY)
        assert event_log(j, database, "m")[-2:] == [
            ("refresh", "live", None, INTERRUPTED),
            ("refresh", "live", "live", ""),
        ]
    finally:
        assert second.stop() == 0, second.log
