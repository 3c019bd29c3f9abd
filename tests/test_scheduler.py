"""The scheduler, for real: proxies and workers on the shared MariaDB, each test with its own
catalog database (so no other test's materializations are scheduled), real signals and kills."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
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
        rows(
            conn,
            "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '1 second') "
            "AS SELECT s.g, SUM(s.v) AS total, SLEEP(c.pause) AS z FROM src s JOIN ctl c "
            "GROUP BY s.g, c.pause",
        )
        rows(conn, "UPDATE ctl SET pause = 30")  # the next refresh hangs in its query

    def claimed() -> bool:
        with direct() as c, c.cursor() as cur:
            cur.execute(f"SELECT step FROM `{catalog}`.materializations WHERE name = 'm'")
            return bool(cur.fetchone() == ("refresh",))

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
        rows(
            conn,
            "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '1 second') "
            "AS SELECT s.g, SUM(s.v) AS total, SLEEP(c.pause) AS z FROM src s JOIN ctl c "
            "GROUP BY s.g, c.pause",
        )
        rows(conn, "UPDATE ctl SET pause = 2")

    def running() -> bool:
        with direct() as c, c.cursor() as cur:
            cur.execute(f"SELECT step FROM `{catalog}`.materializations WHERE name = 'm'")
            return bool(cur.fetchone() == ("refresh",))

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
        rows(
            conn,
            "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '3 seconds') "
            "AS SELECT s.g, SUM(s.v) AS total, SLEEP(c.pause) AS z FROM src s JOIN ctl c "
            "GROUP BY s.g, c.pause",
        )
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
        page = urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=10).read()
        assert f'jasmine_staleness_seconds{{materialization="{database}.m"}}'.encode() in page
        assert b'health="stale"' in page
        rows(conn, "UPDATE ctl SET pause = 0")
        assert wait_until(lambda: alerted("recovered"), timeout=30)
    first = json.loads(alerts.read_text().splitlines()[0])
    assert first["materialization"] == f"{database}.m"
    assert first["target_lag_seconds"] == 3.0
