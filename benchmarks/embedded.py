"""The embedded SQLite default against MariaDB, measured side by side in one run.

Paths (columns of the report):

* ``embedded``: client -> ``jasmine-proxy serve --backend sqlite:///FILE`` (no server anywhere);
* ``proxy``: client -> ``jasmine-proxy serve`` (one worker) -> MariaDB;
  both run with ``--no-scheduler``, so that only serving is measured;
* ``direct``: client -> MariaDB at 127.0.0.1:3306, for reference.

Metrics (rows of the report), with the same data set and the same queries on every path
(benchmarks/passthrough.py's helpers, so the figures compare with its report):

* point SELECT by primary key, text protocol (pymysql): median latency in microseconds;
* a 1,000-row range SELECT of four columns, fully fetched (pymysql): median latency;
* throughput of 8 client *processes* doing point SELECTs for a fixed time (queries/second), and
  the CPU per query of the serving process (the embedded proxy does the database's work too, so
  its figure compares with the relay's plus MariaDB's).

Latencies are taken in small interleaved blocks, rotating the order, so that background noise on
a shared machine falls on every path alike; throughput runs go in ABBA order over the rounds.

Set-up: the table ``jasmine_bench.t`` of benchmarks/passthrough.py (1,000,000 rows: id, k, c,
pad), on MariaDB (created with the sequence engine unless it is already there) and in the SQLite
file (default ``/tmp/jasmine_bench_embedded.db``, loaded through the embedded proxy with
multi-row INSERTs the first time, reused while it has that row count). Every process started is
stopped before the script exits; ``--drop`` removes both data sets at the end.

Usage: ``python benchmarks/embedded.py [--quick] [--db PATH] [--drop]``
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import passthrough as pt

PATHS = ("embedded", "proxy", "direct")
DEFAULT_DB = Path("/tmp/jasmine_bench_embedded.db")
CREATE_SQL = (
    "CREATE TABLE t (id INT UNSIGNED NOT NULL PRIMARY KEY, k INT UNSIGNED NOT NULL,"
    " c CHAR(32) NOT NULL, pad VARCHAR(64) NOT NULL)"
)
BATCH = 2000


def row(n: int) -> tuple[int, int, str, str]:
    """Row `n` exactly as passthrough.FILL_SQL makes it on MariaDB."""
    return n, n * 7919 % 1000003, hashlib.md5(str(n).encode()).hexdigest(), chr(97 + n % 26) * 40


def start_serving(
    stack: contextlib.ExitStack, name: str, backend: str
) -> tuple[pt.Route, pt.Child]:
    """`jasmine-proxy serve` on a free port, without its scheduler: only serving is measured
    (on the shared MariaDB, other sessions' materializations would otherwise be refreshed)."""
    cmd = [sys.executable, "-m", "jasmine_proxy", "serve", "--backend", backend, "--port", "0"]
    child = pt.Child(f"jasmine-proxy ({name})", [*cmd, "--no-scheduler"])
    stack.callback(child.stop)
    port = int(child.wait_for(pt._LISTENING).group(2))
    return pt.Route(name, port, child.proc.pid), child


def ensure_embedded_dataset(port: int, rows: int) -> str:
    """Load `rows` rows into jasmine_bench.t through the embedded proxy unless they are there."""
    conn = pymysql.connect(host="127.0.0.1", port=port, user="root", autocommit=True)
    try:
        cur = conn.cursor()
        cur.execute(f"CREATE DATABASE IF NOT EXISTS {pt.DATABASE}")
        cur.execute(f"USE {pt.DATABASE}")
        cur.execute("SHOW TABLES LIKE 't'")
        if cur.fetchall() and pt.scalar(cur, "SELECT COUNT(*) FROM t") == rows:
            return f"reused the embedded {pt.DATABASE}.t ({rows:,} rows)"
        started = time.monotonic()
        cur.execute("DROP TABLE IF EXISTS t")
        cur.execute(CREATE_SQL)
        for first in range(1, rows + 1, BATCH):
            batch = [row(n) for n in range(first, min(first + BATCH, rows + 1))]
            cur.execute("BEGIN")
            cur.executemany("INSERT INTO t (id, k, c, pad) VALUES (%s, %s, %s, %s)", batch)
            cur.execute("COMMIT")
            if first // BATCH % 50 == 0:
                pt.log(f"embedded data set: {first + len(batch) - 1:,} of {rows:,} rows")
        took = time.monotonic() - started
        return f"loaded the embedded {pt.DATABASE}.t ({rows:,} rows) in {took:.0f} s"
    finally:
        conn.close()


def check_same_data(routes: Sequence[pt.Route], rows: int) -> None:
    """The paths must serve the same rows, or the comparison means nothing."""
    probes = (1, rows // 2, rows)
    seen: dict[str, list[tuple[object, ...]]] = {}
    for route in routes:
        conn = pt.connect(route.port)
        try:
            cur = conn.cursor()
            seen[route.name] = []
            for n in probes:
                cur.execute(pt.POINT_SQL, (n,))
                seen[route.name] += [tuple(r) for r in cur.fetchall()]
        finally:
            conn.close()
    if len({repr(v) for v in seen.values()}) != 1:
        raise RuntimeError(f"the paths serve different rows: {seen}")


def ratio(metric: pt.Metric, embedded: float | None, other: float | None) -> str:
    if embedded is None or not other:
        return "-"
    if metric.higher_is_better:
        return f"{embedded / other:.1%}"
    return f"{embedded / other:.2f}x"


METRICS = (
    pt.Metric("point", "point SELECT, text protocol: median us", "{:,.0f}"),
    pt.Metric("fetch", f"{pt.FETCH_ROWS:,}-row fetch: median us", "{:,.0f}"),
    pt.Metric("tps", "8 clients, point SELECT: queries/s", "{:,.0f}", higher_is_better=True),
    pt.Metric("relay_cpu", "serving process CPU per query: us", "{:,.1f}"),
    pt.Metric("server_cpu", "MariaDB CPU per query: us", "{:,.1f}"),
    pt.Metric("client_cpu", "client CPU per query: us", "{:,.1f}"),
)


def table(results: pt.Results) -> str:
    rows = [["metric", *PATHS, "embedded/proxy", "embedded/direct"]]
    for metric in METRICS:
        cells = [metric.label]
        for path in PATHS:
            value = results.get(metric.key, path)
            if metric.key == "server_cpu" and path == "embedded":
                value = None  # MariaDB does nothing for this path: what it used was others' work
            cells.append("-" if value is None else metric.fmt.format(value))
        embedded = results.get(metric.key, "embedded")
        if metric.key in ("point", "fetch", "tps"):
            cells.append(ratio(metric, embedded, results.get(metric.key, "proxy")))
            cells.append(ratio(metric, embedded, results.get(metric.key, "direct")))
        else:
            cells += ["-", "-"]
        rows.append(cells)
    return pt.render(rows)


def report(results: pt.Results, context: list[str], logs: list[str]) -> str:
    parts = [*context, "", table(results), ""]
    parts += ["Ratios: latency rows embedded/other (lower is better); queries/s the embedded"]
    parts += ["path's share of the other's (higher is better). The embedded proxy's CPU includes"]
    parts += ["the database work MariaDB does for the other two paths."]
    troubles = [line for line in logs if any(w in line for w in ("WARNING", "ERROR", "Traceback"))]
    if results.notes or results.errors or troubles:
        parts += ["", "Anomalies:"]
        parts += [f"  note: {n}" for n in results.notes]
        parts += [f"  error: {e}" for e in results.errors]
        parts += [f"  proxy log: {line}" for line in troubles[:20]]
    return "\n".join(parts)


def benchmark(quick: bool, db: Path) -> int:
    plan = pt.QUICK if quick else pt.FULL
    rows = pt.ROWS
    load, busiest = pt.background_load()
    results = pt.Results()
    if load > 10:
        results.notes.append(
            f"the host was {load:.0f}% busy before the run (busiest: {', '.join(busiest)}):"
            " figures may be noisy"
        )
    mariadb_data = pt.ensure_dataset()
    with contextlib.ExitStack() as stack:
        embedded, embedded_child = start_serving(stack, "embedded", f"sqlite:///{db}")
        embedded_data = ensure_embedded_dataset(embedded.port, rows)
        mariadb = f"mysql://root@{pt.BACKEND_HOST}:{pt.BACKEND_PORT}"
        proxy, proxy_child = start_serving(stack, "proxy", mariadb)
        routes = [embedded, proxy, pt.Route("direct", pt.BACKEND_PORT)]
        check_same_data(routes, rows)
        pt.log("point SELECT, text protocol")
        pt.measure_latency(
            routes, plan, results, "point", pt.connect, pt.point_sampler, plan.point_iterations
        )
        pt.log(f"{pt.FETCH_ROWS:,}-row fetch")
        pt.measure_latency(
            routes, plan, results, "fetch", pt.connect, pt.range_sampler, plan.fetch_iterations
        )
        pt.log(f"8 clients x {plan.tps_seconds:.0f} s x {plan.tps_rounds} round(s) per path")
        pt.measure_throughput(routes, plan, results)
        for child in (embedded_child, proxy_child):
            if child.proc.poll() is not None:
                results.errors.append(f"{child.name} exited early ({child.proc.returncode})")
        logs = embedded_child.lines + proxy_child.lines
    context = [
        f"jasmine-proxy embedded benchmark ({'quick' if quick else 'full'} run), "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}",
        f"  embedded: {db} ({embedded_data}); {sqlite_version(embedded_child.lines)}",
        f"  MariaDB {pt.server_version().removeprefix('5.5.5-')} at "
        f"{pt.BACKEND_HOST}:{pt.BACKEND_PORT}: {mariadb_data}",
        f"  latency: {plan.point_iterations} point / {plan.fetch_iterations} fetch iterations "
        f"per path after {plan.warmup} warm-up, interleaved in blocks of {plan.block}; "
        f"throughput: {plan.clients} client processes, {plan.tps_seconds:.0f} s x "
        f"{plan.tps_rounds} round(s) per path",
    ]
    print(report(results, context, logs))
    return 1 if results.errors else 0


def sqlite_version(lines: list[str]) -> str:
    for line in lines:
        if "SQLite" in line and "listening" in line:
            return line.split("serving", 1)[-1].strip()
    return "SQLite version not logged"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short run")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="the SQLite file to use")
    parser.add_argument("--drop", action="store_true", help="drop both data sets at the end")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pt.install_sigterm_handler()
    try:
        return benchmark(args.quick, args.db.resolve())
    except KeyboardInterrupt:
        pt.log("interrupted: every process started was stopped")
        return 130
    finally:
        if args.drop:
            pt.drop_dataset()
            for suffix in ("", "-wal", "-shm"):
                Path(str(args.db) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
