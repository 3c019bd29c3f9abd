"""Every state x event pair of the lifecycle table, run for real with ALTER ... STEP <event>.

A snapshot materialization is brought to each state the way a user would get there (deferred
build, STEP verify, CREATE, PAUSE; `failed` by dropping its source table before a refresh, then
putting the table back), and each event is stepped: an allowed one must reach the table's state,
agreed on by the STEP report, SHOW MATERIALIZATIONS, the catalog and a new event row; a refused
one must answer 1221 and change nothing at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest

from jasmine_proxy import lifecycle
from jasmine_proxy.errors import IllegalStep, mysql_error
from tests.materialize import (
    Jasmine,
    dicts,
    fails,
    no_leftovers,
    orders,
    report,
    run,
    show,
    tables,
    usable,
)

QUERY = "SELECT g, COUNT(*) AS n, SUM(v) AS s FROM o GROUP BY g"


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def bring_to(conn: Any, state: str) -> None:
    """Materialization `m` of the current database, in `state`."""
    deferred = state in ("defined", "verified")
    build = "WITH (build = 'deferred') " if deferred else ""
    run(conn, f"CREATE MATERIALIZATION m USING snapshot {build}AS {QUERY}")
    if state == "verified":
        run(conn, "ALTER MATERIALIZATION m STEP verify")
    elif state == "paused":
        run(conn, "ALTER MATERIALIZATION m PAUSE")
    elif state == "failed":
        # a step that needs a person: the source is gone when the refresh runs
        run(conn, "RENAME TABLE o TO o_away")
        code, message = fails(conn, "REFRESH MATERIALIZATION m")
        assert code == 1146, message
        run(conn, "RENAME TABLE o_away TO o")  # put right, so that the next steps can work
    elif state == "dropped":
        run(conn, "DROP MATERIALIZATION m")
    if state != "dropped":
        assert show(conn, conn.db.decode())["m"]["State"] == state


@pytest.mark.backend
@pytest.mark.parametrize(("state", "event", "outcome"), lifecycle.table_rows())
def test_step(j: Jasmine, database: str, state: str, event: str, outcome: str) -> None:
    with j.connect(database) as conn:
        orders(conn)
        bring_to(conn, state)
        before = j.recorded(database)
        events_before = j.events(database, "m")
        sql = f"ALTER MATERIALIZATION m STEP {event}"

        if state == "dropped":  # gone from the catalog: no step can find it
            code, message = fails(conn, sql)
            assert code == 1146, message
            assert j.recorded(database) == before
            usable(conn)
            return

        if outcome == "refused":
            code, message = fails(conn, sql)
            assert code == 1221, message
            assert state in message
            assert event in message
            assert j.recorded(database) == before  # state, events, tables: all as they were
            usable(conn)
            return

        rep = report(conn, sql)
        assert rep[("before", "state")] == state
        assert rep[("after", "event")] == event
        assert rep[("after", "error")] is None, rep[("after", "error")]
        assert rep[("after", "transition")] == f"{state} -> {outcome}"
        assert rep[("after", "state")] == outcome
        new = j.events(database, "m")[len(events_before) :]
        assert [(e["event"], e["from_state"], e["to_state"], e["error"]) for e in new] == [
            (event, state, outcome, None)
        ]
        assert int(rep[("after", "event id")]) == new[0]["id"]
        shown = dicts(conn, "SHOW MATERIALIZATION EVENTS FOR m LIMIT 1")[0]
        assert (shown["Id"], shown["Event"], shown["To_state"]) == (new[0]["id"], event, outcome)

        if outcome == "dropped":
            assert j.row(database, "m") is None
            assert "m" not in show(conn, database)
            assert sorted(tables(database)) == ["o"]
            return
        row = j.row(database, "m")
        assert row is not None
        assert (row["state"], row["step"]) == (outcome, None)
        listed = show(conn, database)["m"]
        assert listed["State"] == outcome
        assert listed["Health"] == "ok"
        has_data = outcome in ("live", "paused") or (state, event) == ("failed", "verify")
        assert ("m" in tables(database)) == has_data
        if has_data:
            assert sorted(map(tuple, dicts_rows(conn, "SELECT * FROM m"))) == sorted(
                map(tuple, dicts_rows(conn, QUERY))
            )
        no_leftovers(database)


def dicts_rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall())


@pytest.mark.backend
@pytest.mark.parametrize("state", sorted(lifecycle.NEXT))
def test_step_without_event_runs_the_next_one(j: Jasmine, database: str, state: str) -> None:
    with j.connect(database) as conn:
        orders(conn)
        bring_to(conn, state)
        count = len(j.events(database, "m"))
        rep = report(conn, "ALTER MATERIALIZATION m STEP")
        event = lifecycle.NEXT[state]
        assert rep[("after", "event")] == event
        assert rep[("after", "error")] is None
        new = j.events(database, "m")[count:]
        assert [(e["event"], e["from_state"]) for e in new] == [(event, state)]
        expected = "live" if state == "failed" else lifecycle.TABLE[state][event]
        assert show(conn, database)["m"]["State"] == expected == new[0]["to_state"]


@pytest.mark.backend
def test_unknown_event_is_refused(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        orders(conn)
        bring_to(conn, "live")
        before = j.recorded(database)
        code, message = fails(conn, "ALTER MATERIALIZATION m STEP explode")
        assert code == 1221
        assert "explode" in message
        assert j.recorded(database) == before


# -- the table itself (pure) --------------------------------------------------------------------


def test_the_table_is_total_and_consistent() -> None:
    pairs = lifecycle.table_rows()
    assert len(pairs) == len(lifecycle.STATES) * len(lifecycle.EVENTS)
    assert {(s, e) for s, e, _ in pairs} == {
        (s, e) for s in lifecycle.STATES for e in lifecycle.EVENTS
    }
    assert set(lifecycle.TABLE) == set(lifecycle.STATES)
    for state, moves in lifecycle.TABLE.items():
        assert set(moves) <= set(lifecycle.EVENTS), state
        assert set(moves.values()) <= set(lifecycle.STATES), state
        if state != "dropped":
            assert moves.get("drop") == "dropped", state  # any state -> dropped
            assert moves.get("verify") is not None, state  # verify never hurts
    assert lifecycle.TABLE["dropped"] == {}
    for state, event, outcome in pairs:
        if outcome == "refused":
            with pytest.raises(IllegalStep) as info:
                lifecycle.target(state, event)
            assert mysql_error(info.value).code == 1221
        else:
            assert lifecycle.target(state, event) == outcome
    for state, event in lifecycle.NEXT.items():
        assert event in lifecycle.TABLE[state], state
    assert set(lifecycle.NEXT) == set(lifecycle.STATES) - {"dropped"}
    # the spec's path: defined -> verified -> live <-> paused, every state reachable
    assert lifecycle.target("defined", "verify") == "verified"
    assert lifecycle.target("verified", "create") == "live"
    assert lifecycle.target("live", "pause") == "paused"
    assert lifecycle.target("paused", "resume") == "live"
    seen, todo = {"defined"}, deque(["defined"])
    while todo:
        for nxt in lifecycle.TABLE[todo.popleft()].values():
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen | {"failed"} == set(lifecycle.STATES)  # failed is reached by errors, not events
    with pytest.raises(IllegalStep):
        lifecycle.target("live", "explode")
    assert lifecycle.resume_target("live", objects_exist=True) == "live"
    assert lifecycle.resume_target("live", objects_exist=False) == "verified"


@pytest.mark.backend
def test_resume_after_failure_goes_back_as_far_as_the_objects_allow(
    j: Jasmine, database: str
) -> None:
    """A failed materialization whose table is gone resumes to `verified` (it must be created
    again), and the next STEP creates it."""
    with j.connect(database) as conn:
        orders(conn)
        bring_to(conn, "failed")
        row = j.row(database, "m")
        assert row is not None
        assert (row["failed_from"], row["health"]) == ("live", "failing")
        assert row["last_error"].startswith("refresh: ")
        # the backend's own error and the statement that got it, without SQLAlchemy's link
        shown = show(conn, database)["m"]["Last_error"]
        assert "1146" in shown
        assert "CREATE TABLE" in shown
        assert "sqlalche.me" not in shown
        assert "sqlalche.me" not in j.events(database, "m")[-1]["error"]
        run(conn, "DROP TABLE m")  # what a person might do while repairing it
        rep = report(conn, "ALTER MATERIALIZATION m STEP resume")
        assert rep[("after", "transition")] == "failed -> verified"
        assert show(conn, database)["m"]["State"] == "verified"
        rep = report(conn, "ALTER MATERIALIZATION m STEP")
        assert (rep[("after", "event")], rep[("after", "state")]) == ("create", "live")
        listed = show(conn, database)["m"]
        assert (listed["State"], listed["Health"], listed["Last_error"]) == ("live", "ok", None)
        assert sorted(dicts_rows(conn, "SELECT * FROM m")) == sorted(dicts_rows(conn, QUERY))
