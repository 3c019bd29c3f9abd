"""The scheduler, for real: proxies and workers on the shared MariaDB, each test with its own
catalog database (so no other test's materializations are scheduled), real signals and kills."""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest

from tests.support import MARIADB_URL, ROOT, Proxy, direct, free_port, rows, wait_until

pytestmark = [pytest.mark.backend, pytest.mark.slow]

LEASE = "3"  # seconds: a dead holder's step is taken over this soon (JASMINE_LEASE_SECONDS)


@pytest.fixture
def catalog() -> Iterator[str]:
    name = f"jcat_{uuid.uuid4().hex[:10]}"
    yield name
    with direct() as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def start(catalog: str) -> Iterator[Callable[..., Proxy]]:
    """Start proxies with the scheduler on, on this test's catalog; stopped afterwards."""
    started: list[Proxy] = []

    def make(*args: str, env: dict[str, str] | None = None) -> Proxy:
        p = Proxy(
            MARIADB_URL,
            "--catalog-schema",
            catalog,
            *args,
            scheduler=True,
            env={"JASMINE_LEASE_SECONDS": LEASE, **(env or {})},
        )
        started.append(p)
        return p

    yield make
    for p in started:
        if p.proc.poll() is None:
            p.stop()


def worker(catalog: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "jasmine_proxy", "worker", "--backend", MARIADB_URL,
         "--catalog-schema", catalog, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "JASMINE_LEASE_SECONDS": LEASE},
    )  # fmt: skip


def events(catalog: str, name: str) -> list[dict[str, Any]]:
    with direct() as conn, conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(f"SELECT * FROM `{catalog}`.events WHERE name = %s ORDER BY id", (name,))
        return list(cur.fetchall())


def show(conn: pymysql.connections.Connection, name: str) -> dict[str, Any]:
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(f"SHOW MATERIALIZATIONS LIKE '{name}'")
        found = cur.fetchall()
    assert len(found) == 1, found
    return dict(found[0])


def setup_source(conn: pymysql.connections.Connection) -> None:
    rows(conn, "CREATE TABLE src (id INT AUTO_INCREMENT PRIMARY KEY, g INT, v INT)")
    rows(conn, "INSERT INTO src (g, v) VALUES (1, 10), (2, 20), (1, 5)")
    rows(conn, "CREATE TABLE ctl (pause DOUBLE NOT NULL)")
    rows(conn, "INSERT INTO ctl VALUES (0)")


def slow_materialization(conn: pymysql.connections.Connection, lag: int) -> None:
    """`m`, whose refresh sleeps `ctl.pause` seconds per group (0 until a test sets it)."""
    rows(
        conn,
        f"CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '{lag} seconds') "
        "AS SELECT s.g, SUM(s.v) AS total, SLEEP(c.pause) AS z FROM src s JOIN ctl c "
        "GROUP BY s.g, c.pause",
    )


def refreshing(catalog: str) -> bool:
    """Whether a refresh of `m` is claimed in the catalog right now."""
    with direct() as c, c.cursor() as cur:
        cur.execute(f"SELECT step FROM `{catalog}`.materializations WHERE name = 'm'")
        return bool(cur.fetchone() == ("refresh",))


def test_refreshes_keep_staleness_under_target_lag(
    start: Callable[..., Proxy], database: str
) -> None:
    proxy = start()
    with proxy.connect(database=database, autocommit=True) as conn:
        setup_source(conn)
        rows(
            conn,
            "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '4 seconds') "
            "AS SELECT g, SUM(v) AS total FROM src GROUP BY g",
        )
        worst, healths = 0.0, set()
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            row = show(conn, "m")
            worst = max(worst, float(row["Staleness"]))
            healths.add(row["Health"])
            rows(conn, "INSERT INTO src (g, v) VALUES (3, 1)")
            time.sleep(0.2)
        total = rows(conn, "SELECT total FROM m WHERE g = 3")
    refreshes = [e for e in events(proxy_catalog(proxy), "m") if e["event"] == "refresh"]
    assert worst < 4.0, f"staleness reached {worst} s with a 4 s target lag\n{proxy.log}"
    assert healths == {"ok"}
    assert len(refreshes) >= 3, refreshes
    assert total  # the refreshes picked up the new rows
    assert int(total[0][0]) > 0


def proxy_catalog(proxy: Proxy) -> str:
    args = proxy.proc.args
    assert isinstance(args, list)
    return str(args[args.index("--catalog-schema") + 1])


def test_one_step_at_a_time_across_proxies_and_workers(
    start: Callable[..., Proxy], catalog: str, database: str
) -> None:
    first, _second = start(), start()
    w = worker(catalog)
    try:
        with first.connect(database=database, autocommit=True) as conn:
            setup_source(conn)
            for i in range(3):
                rows(
                    conn,
                    f"CREATE MATERIALIZATION m{i} USING snapshot WITH (target_lag = '2 seconds') "
                    "AS SELECT g, SUM(v) AS total, SLEEP(0.2) AS z FROM src GROUP BY g",
                )
        time.sleep(8)
    finally:
        w.send_signal(signal.SIGTERM)
        assert w.wait(30) == 0
    for i in range(3):
        steps = [e for e in events(catalog, f"m{i}") if e["event"] == "refresh"]
        assert len(steps) >= 3
        spans = sorted(
            (e["started"].timestamp(), e["started"].timestamp() + e["duration_ms"] / 1000)
            for e in steps
        )
        for (_, end), (begin, _) in itertools.pairwise(spans):
            assert begin >= end - 0.001, f"m{i}: two refreshes overlapped: {spans}"


def test_a_dead_holders_step_is_taken_over(
    start: Callable[..., Proxy], catalog: str, database: str
) -> None:
    proxy = start()
    with proxy.connect(database=database, autocommit=True) as conn:
        setup_source(conn)
        slow_materialization(conn, 1)
        rows(conn, "UPDATE ctl SET pause = 30")  # the next refresh hangs in its query

    def claimed() -> bool:
        return refreshing(catalog)

    assert wait_until(claimed, timeout=15)
    proxy.proc.send_signal(signal.SIGKILL)
    proxy.proc.wait(10)
    with direct(autocommit=True) as c, c.cursor() as cur:
        cur.execute(f"UPDATE `{database}`.ctl SET pause = 0")
    killed_at = time.monotonic()
    w = worker(catalog)
    try:
        done = wait_until(
            lambda: any(
                e["event"] == "refresh" and e["to_state"] == "live" and e["error"] is None
                and e["started"] is not None and not claimed()
                for e in events(catalog, "m")[-2:]
            ),
            timeout=30,
        )  # fmt: skip
        taken_over_in = time.monotonic() - killed_at
    finally:
        w.send_signal(signal.SIGTERM)
        assert w.wait(30) == 0
    assert done
    assert taken_over_in < float(LEASE) + 10, taken_over_in
    log = events(catalog, "m")
    assert any("interrupted" in (e["error"] or "") for e in log), log


def test_sigterm_lets_the_running_step_finish(
    start: Callable[..., Proxy], catalog: str, database: str
) -> None:
    proxy = start()
    with proxy.connect(database=database, autocommit=True) as conn:
        setup_source(conn)
        slow_materialization(conn, 1)
        rows(conn, "UPDATE ctl SET pause = 2")

    def running() -> bool:
        return refreshing(catalog)

    assert wait_until(running, timeout=15)
    assert proxy.stop() == 0
    last = events(catalog, "m")[-1]
    assert (last["event"], last["to_state"], last["error"]) == ("refresh", "live", None)
    assert not running()


def test_alerts_metrics_and_status(
    start: Callable[..., Proxy], catalog: str, database: str, tmp_path: Path
) -> None:
    alerts = tmp_path / "alerts.jsonl"
    metrics = free_port()
    proxy = start(
        "--alert-command",
        f"cat >> {alerts}; echo >> {alerts}",
        "--metrics-port",
        str(metrics),
    )
    with proxy.connect(database=database, autocommit=True) as conn:
        setup_source(conn)
        slow_materialization(conn, 3)
        rows(conn, "UPDATE ctl SET pause = 3")  # refreshes take longer than the target lag

        def alerted(event: str) -> bool:
            if not alerts.exists():
                return False
            found = [json.loads(line) for line in alerts.read_text().splitlines() if line]
            return any(a["event"] == event for a in found)

        assert wait_until(lambda: alerted("stale"), timeout=30)
        status = subprocess.run(
            [sys.executable, "-m", "jasmine_proxy", "status", "--backend", MARIADB_URL,
             "--catalog-schema", catalog, "--check"],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
        )  # fmt: skip
        assert status.returncode == 1, status
        assert "stale" in status.stdout
        assert database in status.stdout
        for _ in range(40):  # plain statements, one in 16 of them timed
            rows(conn, "SELECT 1")
        page = urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=10).read()
        timed = re.search(rb"^jasmine_passthrough_reply_seconds_count (\S+)$", page, re.M)
        assert timed is not None
        assert float(timed.group(1)) >= 2
        assert f'jasmine_staleness_seconds{{materialization="{database}.m"}}'.encode() in page
        assert b'health="stale"' in page
        rows(conn, "UPDATE ctl SET pause = 0")
        assert wait_until(lambda: alerted("recovered"), timeout=30)
    first = json.loads(alerts.read_text().splitlines()[0])
    assert first["materialization"] == f"{database}.m"
    assert first["target_lag_seconds"] == 3.0


# -- faults ---------------------------------------------------------------------------------------


def test_a_dropped_or_altered_source_fails_clearly_and_nothing_else(
    start: Callable[..., Proxy], catalog: str, database: str
) -> None:
    proxy = start()
    with proxy.connect(database=database, autocommit=True) as conn:
        setup_source(conn)
        rows(conn, "CREATE TABLE other (id INT PRIMARY KEY, v INT)")
        rows(conn, "INSERT INTO other VALUES (1, 1)")
        for name, source in (("dropped", "src"), ("altered", "ctl"), ("fine", "other")):
            column = "pause" if source == "ctl" else "v"
            rows(
                conn,
                f"CREATE MATERIALIZATION {name} USING snapshot WITH (target_lag = '1 second') "
                f"AS SELECT SUM({column}) AS total FROM {source}",
            )
        rows(conn, "DROP TABLE src")
        rows(conn, "ALTER TABLE ctl DROP COLUMN pause, ADD COLUMN other INT")

        def state(name: str) -> dict[str, Any]:
            return show(conn, name)

        assert wait_until(lambda: state("dropped")["State"] == "failed", timeout=20)
        assert wait_until(lambda: state("altered")["State"] == "failed", timeout=20)
        dropped, altered = state("dropped"), state("altered")
        assert dropped["Health"] == "failing"
        assert "refresh:" in dropped["Last_error"]
        assert "doesn't exist" in dropped["Last_error"]
        assert "src" in dropped["Last_error"]
        assert "Unknown column" in altered["Last_error"]
        assert "pause" in altered["Last_error"]
        rows(conn, "INSERT INTO other VALUES (2, 41)")  # the healthy one keeps being refreshed
        assert wait_until(lambda: rows(conn, "SELECT total FROM fine") == [(42,)], timeout=10)
        assert state("fine")["Health"] == "ok"
        # the failed one is left alone until a person acts: fix the source, RESUME
        rows(conn, "CREATE TABLE src (id INT PRIMARY KEY, g INT, v INT)")
        rows(conn, "INSERT INTO src VALUES (1, 1, 7)")
        rows(conn, "ALTER MATERIALIZATION dropped RESUME")
        assert wait_until(lambda: rows(conn, "SELECT total FROM dropped") == [(7,)], timeout=10)
        assert state("dropped")["State"] == "live"


def test_a_refresh_over_its_timeout_is_cancelled_and_nothing_partial_shows(
    start: Callable[..., Proxy], catalog: str, database: str
) -> None:
    proxy = start("--refresh-timeout", "1")
    with proxy.connect(database=database, autocommit=True) as conn:
        setup_source(conn)
        slow_materialization(conn, 1)
        before = rows(conn, "SELECT g, total FROM m ORDER BY g")
        rows(conn, "UPDATE ctl SET pause = 2")
        rows(conn, "INSERT INTO src (g, v) VALUES (1, 100)")
        assert wait_until(lambda: show(conn, "m")["Health"] == "failing", timeout=20)
        row = show(conn, "m")
        assert row["State"] == "live"  # a timeout is retried, not a person's problem yet
        assert "--refresh-timeout" in row["Last_error"]
        assert rows(conn, "SELECT g, total FROM m ORDER BY g") == before  # the old result
        assert not rows(conn, "SHOW TABLES LIKE '\\_jasmine\\_%'")  # no half-built shadow
        rows(conn, "UPDATE ctl SET pause = 0")
        assert wait_until(lambda: show(conn, "m")["Health"] == "ok", timeout=30)
        assert rows(conn, "SELECT total FROM m WHERE g = 1") == [(115,)]


def test_the_backend_restarting_under_load(tmp_path: Path) -> None:
    from tests.private_mariadb import IN_CI, PrivateMariaDB, mariadbd_missing

    if missing := mariadbd_missing():
        if IN_CI:
            pytest.fail(f"CI=true and no private MariaDB can be started: {missing}")
        pytest.skip(f"NO PRIVATE MARIADB: {missing}")
    with PrivateMariaDB() as server:
        server.execute(
            "CREATE DATABASE shop",
            "CREATE TABLE shop.src (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
            "INSERT INTO shop.src (v) VALUES (1)",
        )
        proxy = Proxy(server.url, scheduler=True, env={"JASMINE_LEASE_SECONDS": LEASE})
        try:
            with proxy.connect(database="shop", autocommit=True) as conn:
                rows(
                    conn,
                    "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '2 seconds') "
                    "AS SELECT COUNT(*) AS n FROM src",
                )
            load_errors: list[str] = []
            stop = threading.Event()

            def load() -> None:  # a client writing through the proxy all along
                while not stop.is_set():
                    try:
                        with proxy.connect(database="shop", autocommit=True) as c:
                            while not stop.is_set():
                                rows(c, "INSERT INTO src (v) VALUES (1)")
                                time.sleep(0.05)
                    except pymysql.err.MySQLError as exc:
                        load_errors.append(str(exc.args[0]))
                        time.sleep(0.2)

            writer = threading.Thread(target=load, daemon=True)
            writer.start()
            time.sleep(3)
            down_at = time.monotonic()
            server.restart(down_for=5)
            up_at = time.monotonic()
            time.sleep(6)
            stop.set()
            writer.join(10)
            assert proxy.proc.poll() is None, proxy.log  # the proxy survived
            assert load_errors  # the clients saw the outage (2013/2003), as with MariaDB
            with server.connect() as c, c.cursor() as cur:
                cur.execute("SELECT started FROM jasmine.events WHERE name = 'm' ORDER BY id")
                starts = [r[0].timestamp() for r in cur.fetchall()]
                cur.execute("SELECT COUNT(*) FROM shop.src")
                count = cur.fetchone()[0]
            gaps = [b - a for a, b in itertools.pairwise(starts)]
            assert max(gaps) >= (up_at - down_at) * 0.8  # no refresh while it was down
            after = time.time() - (time.monotonic() - up_at)
            assert any(s > after for s in starts), "refreshes did not resume"
            with proxy.connect(database="shop", autocommit=True) as conn:  # new clients get in
                row = dict(zip(("Name", "Schema", "Strategy", "State"), rows(
                    conn, "SHOW MATERIALIZATIONS")[0][:4], strict=True))  # fmt: skip
                assert row["State"] == "live"
                assert wait_until(
                    lambda: rows(conn, "SELECT n FROM m")[0][0] >= count, timeout=10
                ), proxy.log
        finally:
            proxy.stop()


def test_a_dropped_database_takes_its_materializations_with_it(
    start: Callable[..., Proxy], catalog: str, make_database: Callable[[], str]
) -> None:
    doomed = make_database()
    proxy = start()
    with proxy.connect(database=doomed, autocommit=True) as conn:
        setup_source(conn)
        rows(
            conn,
            "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '1 second') "
            "AS SELECT g, SUM(v) AS total FROM src GROUP BY g",
        )
        rows(conn, f"DROP DATABASE `{doomed}`")

    def recorded() -> list[tuple[Any, ...]]:
        with direct() as c, c.cursor() as cur:
            cur.execute(f"SELECT name FROM `{catalog}`.materializations")
            return list(cur.fetchall())

    assert wait_until(lambda: not recorded(), timeout=15), proxy.log
    last = events(catalog, "m")[-1]
    assert last["to_state"] == "dropped"
    assert "was dropped" in last["error"]
