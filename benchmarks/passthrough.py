"""Passthrough overhead of jasmine-proxy, measured side by side with a direct connection and two
plain byte relays, all in one run against the same MariaDB.

Paths (columns of the report):

* ``direct``: client -> MariaDB at 127.0.0.1:3306.
* ``proxy``: client -> ``jasmine-proxy serve`` (one worker) -> MariaDB.
* ``socat``: client -> ``socat TCP-LISTEN:...,fork`` (a C relay, one process per connection),
  with ``nodelay`` on both sides as the proxy and uvloop set TCP_NODELAY too (without it, Nagle's
  algorithm adds about 1 ms to the 1,000-row fetch through socat on this machine).
* ``uvloop-relay``: client -> the minimal asyncio/uvloop byte relay defined in this file (an
  asyncio Protocol pair that calls ``transport.write`` in ``data_received``), run as a subprocess
  of this script (``--uvloop-relay PORT``). It is the floor for any Python relay on uvloop.

Metrics (rows of the report):

* point SELECT by primary key, text protocol (pymysql): median latency in microseconds;
* the same point SELECT as a server-side prepared statement (mysql-connector-python,
  ``prepared=True``; the report says whether its C extension or pure Python was used);
* a 1,000-row range SELECT of four columns, fully fetched (pymysql): median latency;
* throughput of 8 client *processes* doing point SELECTs for a fixed time (queries/second);
* CPU time per query of the relay process and its children during that run (utime + stime from
  /proc/PID/stat, before and after, divided by the queries done); for the proxy this is the key
  figure: all the rest follows from it on a machine where clients, relay and server share cores;
* context from the same run: MariaDB's and the clients' CPU per query, how busy the host was and
  how much of that was other processes (MariaDB's figure also counts other users of the server);
* a 1,000,000-row SELECT streamed with an unbuffered cursor (pymysql SSCursor), direct and through
  the proxy, while the proxy's VmRSS is sampled every 50 ms: its peak compared with its idle RSS
  shows whether the proxy streams (flat) or buffers (grows with the result).

Latencies are measured one path after another in small interleaved blocks (the order rotating),
so that background noise on a shared machine falls on every path alike. Throughput runs go in
ABBA order (direct, proxy, socat, uvloop, then backwards, ...) over several rounds; the reported
queries/s is the median of the rounds, the CPU figures are totals over all rounds divided by all
queries done.

How to read the output: the ratio columns compare the proxy with each other path. For latency
and CPU rows they are ``proxy / other`` (1.00x = same cost, lower is better); for throughput they
are the proxy's share of the other's queries per second (100% = same, higher is better). The
proxy-vs-socat and proxy-vs-uvloop columns separate what any relay costs (an extra hop through the
kernel and a process) from what the proxy adds on top; the targets at the end are judged on
proxy vs direct. Absolute numbers depend on the machine: with 2 cores, the 8 Python clients
themselves use most of the CPU, so the throughput run measures how much CPU each path adds per
query more than how fast a relay could go. For the same reason the measured throughput share is
sensitive to anything else running on the host; the report therefore also derives the share from
CPU per query (client + MariaDB + relay), which other load disturbs much less, and lists under
"Anomalies" every run during which other processes took more than 10% of the host, as well as
any error, any WARNING/ERROR line in the proxy's log, and a proxy that exited early.

Set-up: the script creates the database ``jasmine_bench`` with a table ``t`` of 1,000,000 rows
(MariaDB's sequence engine), reuses it when it is already there with that row count, and drops it
only with ``--drop``. Every process it starts (proxy, socat, the uvloop relay, client processes)
is stopped before it exits, also on errors, Ctrl-C or SIGTERM.

Usage: ``python benchmarks/passthrough.py [--quick] [--drop]`` (``--quick`` takes under a minute,
the full run about three).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import multiprocessing as mp
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path
from typing import Any, cast

import pymysql
import pymysql.cursors

ROOT = Path(__file__).resolve().parent.parent
BACKEND_HOST = os.environ.get("JASMINE_TEST_MARIADB_HOST", "127.0.0.1")
BACKEND_PORT = int(os.environ.get("JASMINE_TEST_MARIADB_PORT", "3306"))
DATABASE = "jasmine_bench"
ROWS = 1_000_000
FETCH_ROWS = 1_000
POINT_SQL = "SELECT id, k, c, pad FROM t WHERE id = %s"
RANGE_SQL = "SELECT id, k, c, pad FROM t WHERE id BETWEEN %s AND %s"
STREAM_SQL = "SELECT id, k, c, pad FROM t"
CREATE_SQL = (
    "CREATE TABLE t (id INT UNSIGNED NOT NULL PRIMARY KEY, k INT UNSIGNED NOT NULL,"
    " c CHAR(32) NOT NULL, pad VARCHAR(64) NOT NULL) ENGINE=InnoDB"
)
FILL_SQL = (
    "INSERT INTO t SELECT seq, seq * 7919 % 1000003, MD5(seq), REPEAT(CHAR(97 + seq % 26), 40)"
    f" FROM seq_1_to_{ROWS}"
)
PATHS = ("direct", "proxy", "socat", "uvloop-relay")
CLK_TCK = os.sysconf("SC_CLK_TCK")
RSS_INTERVAL = 0.05
_LISTENING = re.compile(r"listening on (\S+):(\d+)")


@dataclass(frozen=True)
class Plan:
    """How long each measurement runs."""

    point_iterations: int
    prepared_iterations: int
    fetch_iterations: int
    warmup: int
    block: int
    tps_seconds: float
    tps_rounds: int
    clients: int = 8


FULL = Plan(2000, 2000, 400, 200, 50, 8.0, 3)
QUICK = Plan(400, 400, 60, 40, 20, 3.0, 1)


@dataclass
class Route:
    """One way to reach MariaDB: the port a client connects to and the relay process (if any)."""

    name: str
    port: int
    pid: int | None = None


@dataclass
class Results:
    """Every figure of the report: metric key -> path -> value, plus notes and errors."""

    values: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def put(self, metric: str, path: str, value: float) -> None:
        self.values.setdefault(metric, {})[path] = value

    def get(self, metric: str, path: str) -> float | None:
        return self.values.get(metric, {}).get(path)


def log(what: str) -> None:
    """Progress on stderr (the report goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


# -- processes this script starts --------------------------------------------------------------


class Child:
    """A subprocess whose output is drained (and kept) by a thread; `stop()` ends it."""

    def __init__(self, name: str, cmd: Sequence[str], *, stdin_pipe: bool = False) -> None:
        self.name = name
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        log(f"started {name} (pid {self.proc.pid})")

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 30) -> re.Match[str]:
        """The first output line matching `pattern`; raises if the process exits or times out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if m := pattern.search(line):
                    return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not start:\n" + "\n".join(self.lines))

    def stop(self, timeout: float = 10) -> None:
        """Close its stdin (the uvloop relay exits on that), then SIGTERM, then SIGKILL."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(2)
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5)
        log(f"stopped {self.name} (pid {self.proc.pid}, exit code {self.proc.returncode})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, child: Child, timeout: float = 15) -> None:
    """Return once something accepts TCP connections on `port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            raise RuntimeError(f"{child.name} exited:\n" + "\n".join(child.lines))
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{child.name} is not listening on {port}")


def start_proxy(stack: contextlib.ExitStack) -> tuple[Route, Child]:
    backend = f"mysql://root@{BACKEND_HOST}:{BACKEND_PORT}"
    cmd = [sys.executable, "-m", "jasmine_proxy", "serve", "--backend", backend, "--port", "0"]
    child = Child("jasmine-proxy", cmd)
    stack.callback(child.stop)
    port = int(child.wait_for(_LISTENING).group(2))
    return Route("proxy", port, child.proc.pid), child


def start_socat(stack: contextlib.ExitStack) -> Route:
    port = free_port()
    listen = f"TCP-LISTEN:{port},fork,reuseaddr,bind=127.0.0.1,nodelay"
    child = Child("socat", ["socat", listen, f"TCP:{BACKEND_HOST}:{BACKEND_PORT},nodelay"])
    stack.callback(child.stop)
    wait_port(port, child)
    return Route("socat", port, child.proc.pid)


def start_uvloop_relay(stack: contextlib.ExitStack) -> Route:
    port = free_port()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--uvloop-relay", str(port)]
    child = Child("uvloop-relay", cmd, stdin_pipe=True)  # it exits when its stdin closes
    stack.callback(child.stop)
    child.wait_for(re.compile(r"^relaying "))
    return Route("uvloop-relay", port, child.proc.pid)


def install_sigterm_handler() -> None:
    """Turn SIGTERM into SystemExit so that the `finally` blocks stop every child."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


# -- the minimal uvloop relay (runs in its own process) ----------------------------------------


class RelaySide(asyncio.Protocol):
    """One socket of a relayed connection: what it receives is written to its peer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer: RelaySide | None = None
        self.pending = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def attach(self, peer: RelaySide) -> None:
        self.peer, peer.peer = peer, self
        for side in (self, peer):
            if side.pending and side.peer is not None and side.peer.transport is not None:
                side.peer.transport.write(bytes(side.pending))
                side.pending.clear()

    def data_received(self, data: bytes) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.write(data)
        else:
            self.pending += data

    def pause_writing(self) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.close()


class ClientRelaySide(RelaySide):
    """The accepted socket: opens the backend connection, then relays both ways."""

    def __init__(self, backend: tuple[str, int]) -> None:
        super().__init__()
        self.backend = backend
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.task = asyncio.get_running_loop().create_task(self.connect())

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        assert self.transport is not None
        try:
            _, backend = await loop.create_connection(RelaySide, *self.backend)
        except OSError:
            self.transport.close()
            return
        if self.transport.is_closing():
            assert backend.transport is not None
            backend.transport.close()
            return
        self.attach(backend)


async def serve_relay(port: int, backend: tuple[str, int]) -> None:
    """Relay 127.0.0.1:`port` to `backend` until stdin closes (the parent ended)."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: ClientRelaySide(backend), "127.0.0.1", port)
    print(f"relaying 127.0.0.1:{port} to {backend[0]}:{backend[1]}", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()
    server.close()


def run_uvloop_relay(port: int) -> None:
    import uvloop

    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(serve_relay(port, (BACKEND_HOST, BACKEND_PORT)))


# -- data set ----------------------------------------------------------------------------------


def connect(port: int, **kwargs: Any) -> Any:
    """A pymysql connection to `jasmine_bench` through `port` (autocommit, like most apps)."""
    kwargs.setdefault("database", DATABASE)
    return pymysql.connect(
        host="127.0.0.1", port=port, user="root", autocommit=True, connect_timeout=10, **kwargs
    )


def scalar(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    row = cur.fetchone()
    return None if row is None else row[0]


def ensure_dataset() -> str:
    """Create `jasmine_bench.t` with ROWS rows unless it is already there; say what was done."""
    conn = connect(BACKEND_PORT, database=None)
    try:
        cur = conn.cursor()
        cur.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        cur.execute(f"USE {DATABASE}")
        exists = scalar(
            cur,
            f"SELECT COUNT(*) FROM information_schema.tables "
            f"WHERE table_schema = '{DATABASE}' AND table_name = 't'",
        )
        if exists and scalar(cur, "SELECT COUNT(*) FROM t") == ROWS:
            action = f"reused {DATABASE}.t ({ROWS:,} rows)"
        else:
            started = time.monotonic()
            cur.execute("DROP TABLE IF EXISTS t")
            cur.execute(CREATE_SQL)
            cur.execute(FILL_SQL)
            action = f"created {DATABASE}.t ({ROWS:,} rows) in {time.monotonic() - started:.1f} s"
        scalar(cur, "SELECT SUM(LENGTH(pad)) FROM t")  # bring the table into the buffer pool
        return action
    finally:
        conn.close()


def drop_dataset() -> None:
    conn = connect(BACKEND_PORT, database=None)
    try:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    finally:
        conn.close()


def server_version() -> str:
    conn = connect(BACKEND_PORT)
    try:
        return str(conn.get_server_info())
    finally:
        conn.close()


# -- latency: one connection per path, interleaved blocks --------------------------------------

#: one timed operation: runs a query, returns nanoseconds
Sampler = Callable[[], int]


def point_sampler(conn: Any, seed: int, cursor: Any = None) -> Sampler:
    cur, rng = cursor or conn.cursor(), random.Random(seed)

    def sample() -> int:
        key = rng.randint(1, ROWS)
        started = time.perf_counter_ns()
        cur.execute(POINT_SQL, (key,))
        cur.fetchall()
        return time.perf_counter_ns() - started

    return sample


def range_sampler(conn: Any, seed: int) -> Sampler:
    cur, rng = conn.cursor(), random.Random(seed)

    def sample() -> int:
        first = rng.randint(1, ROWS - FETCH_ROWS + 1)
        started = time.perf_counter_ns()
        cur.execute(RANGE_SQL, (first, first + FETCH_ROWS - 1))
        got = len(cur.fetchall())
        elapsed = time.perf_counter_ns() - started
        if got != FETCH_ROWS:
            raise RuntimeError(f"range SELECT returned {got} rows, not {FETCH_ROWS}")
        return elapsed

    return sample


def prepared_sampler(conn: Any, seed: int) -> Sampler:
    """The point SELECT as a server-side prepared statement (mysql-connector, prepared=True)."""
    return point_sampler(conn, seed, conn.cursor(prepared=True))


def connector_flavour() -> tuple[bool, str]:
    """(use_pure, description) for mysql-connector-python: its C extension if it loads."""
    import mysql.connector

    try:
        importlib.import_module("_mysql_connector")
    except ImportError as exc:
        reason = str(exc).split("\n")[0]
        return True, f"mysql-connector-python {mysql.connector.__version__}, pure Python ({reason})"
    return False, f"mysql-connector-python {mysql.connector.__version__}, C extension"


def connect_connector(port: int, use_pure: bool) -> Any:
    import mysql.connector

    return mysql.connector.connect(
        host="127.0.0.1",
        port=port,
        user="root",
        password="",
        database=DATABASE,
        autocommit=True,
        use_pure=use_pure,
        ssl_disabled=True,
    )


def interleaved(
    samplers: dict[str, Sampler], plan: Plan, iterations: int, results: Results, metric: str
) -> None:
    """Warm every sampler up, then take `iterations` samples of each in rotating blocks."""
    samples: dict[str, list[int]] = {name: [] for name in samplers}
    live = dict(samplers)
    for name, sample in list(live.items()):
        run_guarded(partial(take, sample, plan.warmup, []), name, metric, live, results)
    order = list(live)
    for r in range(-(-iterations // plan.block)):
        for name in order[r % len(order) :] + order[: r % len(order)]:
            if name in live:
                work = partial(take, live[name], plan.block, samples[name])
                run_guarded(work, name, metric, live, results)
    for name in live:
        results.put(metric, name, statistics.median(samples[name]) / 1000)


def take(sample: Sampler, count: int, into: list[int]) -> None:
    into.extend(sample() for _ in range(count))


def run_guarded(
    work: Callable[[], object], name: str, metric: str, live: dict[str, Sampler], results: Results
) -> None:
    """Run `work`; on an error, record it and take path `name` out of this measurement."""
    try:
        work()
    except Exception as exc:
        live.pop(name, None)
        results.errors.append(f"{metric} via {name}: {type(exc).__name__}: {exc}")


def open_each(
    routes: Sequence[Route], opener: Callable[[int], Any], metric: str, results: Results
) -> dict[str, Any]:
    conns: dict[str, Any] = {}
    for route in routes:
        try:
            conns[route.name] = opener(route.port)
        except Exception as exc:
            results.errors.append(f"{metric}: connecting via {route.name}: {exc}")
    return conns


def measure_latency(
    routes: Sequence[Route],
    plan: Plan,
    results: Results,
    metric: str,
    opener: Callable[[int], Any],
    make: Callable[[Any, int], Sampler],
    iterations: int,
) -> None:
    conns = open_each(routes, opener, metric, results)
    try:
        samplers = {name: make(conn, 1234) for name, conn in conns.items()}
        interleaved(samplers, plan, iterations, results, metric)
    finally:
        for conn in conns.values():
            with contextlib.suppress(Exception):
                conn.close()


# -- throughput and CPU: 8 client processes ----------------------------------------------------


def client_process(
    port: int,
    seconds: float,
    seed: int,
    ready: Barrier,
    go: Event,
    finished: Event,
    out: Any,
) -> None:
    """One throughput client: connect, warm up, wait for `go`, run point SELECTs for `seconds`.
    It ends quietly if the parent aborts the start (broken barrier) or on Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt, threading.BrokenBarrierError):
        run_client(port, seconds, seed, ready, go, finished, out)


def run_client(
    port: int, seconds: float, seed: int, ready: Barrier, go: Event, finished: Event, out: Any
) -> None:
    try:
        conn = connect(port)
        cur, rng = conn.cursor(), random.Random(seed)
        for _ in range(50):
            cur.execute(POINT_SQL, (rng.randint(1, ROWS),))
            cur.fetchall()
    except Exception as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}"))
        ready.abort()
        return
    ready.wait(60)
    go.wait(60)
    out.put(point_loop(cur, rng, seconds))
    finished.wait(60)
    conn.close()


def point_loop(cur: Any, rng: random.Random, seconds: float) -> tuple[str, int, float, float]:
    """(status, queries done, wall seconds, this process's CPU seconds)"""
    done, status = 0, "ok"
    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + seconds
    try:
        while time.perf_counter() < deadline:
            cur.execute(POINT_SQL, (rng.randint(1, ROWS),))
            cur.fetchall()
            done += 1
    except Exception as exc:
        status = f"error after {done} queries: {type(exc).__name__}: {exc}"
    return status, done, time.perf_counter() - started, time.process_time() - cpu


def find_server_pid(port: int) -> int | None:
    """The pid of the local process listening on TCP `port` (MariaDB), if we can see it."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and inodes:
            with contextlib.suppress(OSError):
                if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                    return int(entry.name)
    return None


@dataclass(frozen=True)
class ProcTimes:
    """One process from /proc/PID/stat: its name, parent and CPU seconds."""

    name: str
    ppid: int
    own: float  # utime + stime
    reaped: float  # cutime + cstime: children that exited and were waited for


def scan_processes() -> dict[int, ProcTimes]:
    """Every process on the host, by pid."""
    seen: dict[int, ProcTimes] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                text = (entry / "stat").read_text()
                fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
                times = [int(x) / CLK_TCK for x in fields[11:15]]
                name = text[text.index("(") + 1 : text.rindex(")")]
                seen[int(entry.name)] = ProcTimes(
                    name, int(fields[1]), sum(times[:2]), sum(times[2:])
                )
    return seen


def tree_cpu(pid: int, procs: dict[int, ProcTimes]) -> float:
    """CPU seconds of `pid` and its live descendants, including their reaped children."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        if current in procs:
            total += procs[current].own + procs[current].reaped
        todo += [child for child, info in procs.items() if info.ppid == current]
    return total


def background_load(seconds: float = 1.0) -> tuple[float, list[str]]:
    """How busy the host is before we start (% of all CPUs), and its busiest processes."""
    before, (busy0, total0) = scan_processes(), host_cpu()
    time.sleep(seconds)
    after, (busy1, total1) = scan_processes(), host_cpu()
    used = [
        (info.own - before[pid].own, f"{info.name} (pid {pid})")
        for pid, info in after.items()
        if pid in before and info.own - before[pid].own > 0.02 * seconds
    ]
    busiest = [f"{who} {cpu / seconds:.0%} of a CPU" for cpu, who in sorted(used, reverse=True)[:5]]
    return (busy1 - busy0) / max(1.0, total1 - total0) * 100, busiest


def host_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole host from /proc/stat."""
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, float(sum(values))


@dataclass
class CpuSnapshot:
    relay: float
    server: float
    host_busy: float
    host_total: float


def cpu_snapshot(route: Route, server_pid: int | None) -> CpuSnapshot:
    procs = scan_processes()
    relay = tree_cpu(route.pid, procs) if route.pid else 0.0
    server = tree_cpu(server_pid, procs) if server_pid else 0.0
    return CpuSnapshot(relay, server, *host_cpu())


@dataclass
class TpsRun:
    queries: int = 0
    rate: float = 0.0
    relay_cpu: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    host_busy: float = 0.0
    host_total: float = 0.0


def throughput_run(route: Route, plan: Plan, server_pid: int | None, seed: int) -> TpsRun:
    """One run of `plan.clients` client processes against `route` for `plan.tps_seconds`."""
    ctx = mp.get_context("spawn")
    ready, go, finished = ctx.Barrier(plan.clients + 1), ctx.Event(), ctx.Event()
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=client_process,
            args=(route.port, plan.tps_seconds, seed + i, ready, go, finished, out),
            daemon=True,
        )
        for i in range(plan.clients)
    ]
    finished_normally = False
    try:
        for proc in procs:
            proc.start()
        try:
            ready.wait(120)
        except Exception:
            raise RuntimeError(f"clients failed to start: {summary(drain(out))}") from None
        before = cpu_snapshot(route, server_pid)
        go.set()
        replies = collect(out, len(procs), plan.tps_seconds + 60)
        after = cpu_snapshot(route, server_pid)
        finished_normally = True
    finally:
        finished.set()
        stop_processes(procs, grace=10 if finished_normally else 0)
    return tps_result(replies, before, after)


def summary(replies: list[Any]) -> str:
    """The first client error, and how many clients reported one."""
    errors = [str(r[-1] if r[0] == "error" else r[0]) for r in replies if r[0] != "ok"]
    if not errors:
        return "no client said why"
    return f"{len(errors)} client(s) failed, e.g. {errors[0]}"


def drain(out: Any) -> list[Any]:
    got = []
    with contextlib.suppress(queue.Empty):
        while True:
            got.append(out.get(timeout=0.5))
    return got


def collect(out: Any, count: int, timeout: float) -> list[Any]:
    """`count` replies from the clients, or an error naming how many never answered."""
    deadline = time.monotonic() + timeout
    replies: list[Any] = []
    with contextlib.suppress(queue.Empty):
        while len(replies) < count:
            replies.append(out.get(timeout=max(0.0, deadline - time.monotonic())))
    if len(replies) < count:
        raise RuntimeError(
            f"{count - len(replies)} of {count} clients hung (no reply in {timeout:.0f} s)"
        )
    return replies


def stop_processes(procs: Sequence[Any], grace: float = 10) -> None:
    """Join the client processes; terminate, then kill, those still running after `grace`."""
    deadline = time.monotonic() + grace
    started = [proc for proc in procs if proc.pid is not None]
    for proc in started:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in started:
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()


def tps_result(replies: list[Any], before: CpuSnapshot, after: CpuSnapshot) -> TpsRun:
    if any(r[0] != "ok" for r in replies):
        raise RuntimeError(summary(replies))
    return TpsRun(
        queries=sum(r[1] for r in replies),
        rate=sum(r[1] / r[2] for r in replies),
        relay_cpu=after.relay - before.relay,
        client_cpu=sum(r[3] for r in replies),
        server_cpu=after.server - before.server,
        host_busy=after.host_busy - before.host_busy,
        host_total=after.host_total - before.host_total,
    )


def measure_throughput(routes: Sequence[Route], plan: Plan, results: Results) -> None:
    """Throughput and CPU per query for each route, in ABBA order over `plan.tps_rounds`."""
    server_pid = find_server_pid(BACKEND_PORT)
    if server_pid is None:
        results.notes.append("MariaDB's process is not visible here: no server CPU figures")
    runs: dict[str, list[TpsRun]] = {route.name: [] for route in routes}
    failed: set[str] = set()
    for round_no in range(plan.tps_rounds):
        ordered = list(routes) if round_no % 2 == 0 else list(reversed(routes))
        for route in ordered:
            if route.name in failed:
                continue
            try:
                runs[route.name].append(throughput_run(route, plan, server_pid, 100 * round_no))
            except Exception as exc:
                failed.add(route.name)
                results.errors.append(f"8-client run via {route.name}: {exc}")
    for route in routes:
        if runs[route.name]:
            record_tps(route, runs[route.name], server_pid is not None, results)


def record_tps(route: Route, runs: list[TpsRun], with_server: bool, results: Results) -> None:
    queries = sum(r.queries for r in runs)
    results.put("tps", route.name, statistics.median(r.rate for r in runs))
    if route.pid:
        results.put("relay_cpu", route.name, sum(r.relay_cpu for r in runs) / queries * 1e6)
    if with_server:
        results.put("server_cpu", route.name, sum(r.server_cpu for r in runs) / queries * 1e6)
    results.put("client_cpu", route.name, sum(r.client_cpu for r in runs) / queries * 1e6)
    capacity = sum(r.host_total for r in runs) / CLK_TCK
    busy = sum(r.host_busy for r in runs) / CLK_TCK
    ours = sum(r.relay_cpu + r.server_cpu + r.client_cpu for r in runs)
    other = max(0.0, busy - ours) / capacity * 100
    results.put("host_busy", route.name, busy / capacity * 100)
    results.put("other_cpu", route.name, other)
    if other > 10:
        results.notes.append(
            f"other processes used {other:.0f}% of the host during the {route.name} 8-client "
            "run: its figures are low"
        )


# -- streaming a million rows, and the proxy's memory while it does ----------------------------


def rss_kib(pid: int, field_name: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field_name} for pid {pid} (has it exited?)")


@contextlib.contextmanager
def rss_peak(pid: int) -> Iterator[list[int]]:
    """Sample VmRSS of `pid` every RSS_INTERVAL in a thread; yields [peak KiB] (kept updated)."""
    peak = [rss_kib(pid)]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(RSS_INTERVAL):
            with contextlib.suppress(OSError, RuntimeError):
                peak[0] = max(peak[0], rss_kib(pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield peak
    finally:
        stop.set()
        watcher.join(5)
        with contextlib.suppress(OSError, RuntimeError):
            peak[0] = max(peak[0], rss_kib(pid))


def stream_rows(port: int) -> float:
    """Seconds to stream the whole table through `port` with an unbuffered cursor."""
    conn = connect(port, cursorclass=pymysql.cursors.SSCursor)
    try:
        cur = conn.cursor()
        started = time.perf_counter()
        cur.execute(STREAM_SQL)
        count = sum(1 for _ in cur)
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    if count != ROWS:
        raise RuntimeError(f"streamed {count} rows, not {ROWS}")
    return elapsed


def measure_stream(routes: dict[str, Route], results: Results) -> None:
    """Stream 1M rows direct and via the proxy; track the proxy's RSS during its stream."""
    try:
        results.put("stream", "direct", stream_rows(routes["direct"].port))
    except Exception as exc:
        results.errors.append(f"1M-row stream direct: {exc}")
    proxy = routes["proxy"]
    assert proxy.pid is not None
    try:
        idle = rss_kib(proxy.pid)
        with rss_peak(proxy.pid) as peak:
            results.put("stream", "proxy", stream_rows(proxy.port))
        results.put("rss_idle", "proxy", idle / 1024)
        results.put("rss_peak", "proxy", peak[0] / 1024)
        results.put("rss_hwm", "proxy", rss_kib(proxy.pid, "VmHWM") / 1024)
    except Exception as exc:
        results.errors.append(f"1M-row stream via proxy: {exc}")


# -- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    fmt: str
    higher_is_better: bool = False


METRICS = (
    Metric("point", "point SELECT, text protocol: median us", "{:,.0f}"),
    Metric("prepared", "point SELECT, prepared stmt: median us", "{:,.0f}"),
    Metric("fetch", f"{FETCH_ROWS:,}-row fetch: median us", "{:,.0f}"),
    Metric("tps", "8 clients, point SELECT: queries/s", "{:,.0f}", higher_is_better=True),
    Metric("relay_cpu", "relay CPU per query (8 clients): us", "{:,.1f}"),
    Metric("server_cpu", "MariaDB CPU per query (8 clients): us", "{:,.1f}"),
    Metric("client_cpu", "client CPU per query (8 clients): us", "{:,.1f}"),
    Metric("host_busy", "host CPU busy during 8-client run: %", "{:,.0f}"),
    Metric("other_cpu", "  of which not ours (other processes): %", "{:,.0f}"),
    Metric("stream", f"{ROWS:,}-row unbuffered stream: s", "{:,.2f}"),
)
RATIOS = (("direct", "proxy/direct"), ("socat", "proxy/socat"), ("uvloop-relay", "proxy/uvloop"))
TARGETS = (
    ("point", "point SELECT, text protocol", 1.5),
    ("prepared", "point SELECT, prepared statement", 1.5),
    ("fetch", f"{FETCH_ROWS:,}-row fetch", 1.2),
    ("tps", "8-client throughput share", 0.8),
)


def ratio_text(metric: Metric, proxy: float | None, other: float | None) -> str:
    if proxy is None or not other or metric.key in ("host_busy", "other_cpu"):
        return "-"
    if metric.higher_is_better:
        return f"{proxy / other:.1%}"
    return f"{proxy / other:.2f}x"


def table_rows(results: Results) -> list[list[str]]:
    header = ["metric", *PATHS, *(label for _, label in RATIOS)]
    rows = [header]
    for metric in METRICS:
        row = [metric.label]
        for path in PATHS:
            value = results.get(metric.key, path)
            row.append("-" if value is None else metric.fmt.format(value))
        proxy = results.get(metric.key, "proxy")
        row += [ratio_text(metric, proxy, results.get(metric.key, other)) for other, _ in RATIOS]
        rows.append(row)
    return rows


def render(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def target_lines(results: Results) -> list[str]:
    lines = ["Targets (proxy vs direct):"]
    for key, label, limit in TARGETS:
        proxy, direct = results.get(key, "proxy"), results.get(key, "direct")
        if proxy is None or not direct:
            lines.append(f"  {label:<34} no figure")
            continue
        ratio = proxy / direct
        if key == "tps":
            ok, want, got = ratio >= limit, f">= {limit:.0%}", f"{ratio:.1%}"
        else:
            ok, want, got = ratio <= limit, f"<= {limit:.2f}x", f"{ratio:.2f}x"
        lines.append(f"  {label:<34} {want:>8}   measured {got:>6}   {'PASS' if ok else 'MISS'}")
    return lines + cpu_estimate_lines(results)


def cpu_estimate_lines(results: Results) -> list[str]:
    """Throughput share predicted from CPU per query: robust to other load on a CPU-bound host."""
    per_query = {}
    for path in ("direct", "proxy"):
        parts = [results.get(key, path) for key in ("server_cpu", "client_cpu")]
        if None in parts:
            return []
        per_query[path] = sum(p or 0.0 for p in parts) + (results.get("relay_cpu", path) or 0.0)
    share = per_query["direct"] / per_query["proxy"]
    return [
        "  8-client share estimated from CPU per query (all cores busy; other load has less"
        " effect on it):",
        f"    direct {per_query['direct']:.0f} us vs proxy {per_query['proxy']:.0f} us of client"
        f" + MariaDB + relay CPU per query -> {share:.1%}",
    ]


def memory_lines(results: Results) -> list[str]:
    idle, peak = results.get("rss_idle", "proxy"), results.get("rss_peak", "proxy")
    hwm = results.get("rss_hwm", "proxy")
    if idle is None or peak is None:
        return ["Proxy memory: no figure"]
    return [
        f"Proxy memory while a client streams {ROWS:,} rows (SSCursor), VmRSS every "
        f"{RSS_INTERVAL * 1000:.0f} ms:",
        f"  idle {idle:.1f} MiB, peak {peak:.1f} MiB, growth {peak - idle:+.1f} MiB"
        f" (VmHWM over the proxy's life: {hwm or 0:.1f} MiB)",
    ]


def report(results: Results, context: list[str], proxy_log: list[str]) -> str:
    parts = [*context, "", render(table_rows(results)), "", *memory_lines(results), ""]
    parts += target_lines(results)
    parts += ["", "Ratios: latency/CPU rows proxy/other (lower is better); queries/s rows the"]
    parts += ["proxy's share of the other path (higher is better)."]
    troubles = [line for line in proxy_log if re.search(r"WARNING|ERROR|Traceback", line)]
    if results.notes or results.errors or troubles:
        parts += ["", "Anomalies:"]
        parts += [f"  note: {n}" for n in results.notes]
        parts += [f"  error: {e}" for e in results.errors]
        parts += [f"  proxy log: {line}" for line in troubles[:20]]
    return "\n".join(parts)


# -- main --------------------------------------------------------------------------------------


def measure_all(routes: list[Route], plan: Plan, results: Results, use_pure: bool) -> None:
    log("point SELECT, text protocol")
    measure_latency(routes, plan, results, "point", connect, point_sampler, plan.point_iterations)
    log("point SELECT, prepared statement")
    measure_latency(
        routes,
        plan,
        results,
        "prepared",
        lambda port: connect_connector(port, use_pure),
        prepared_sampler,
        plan.prepared_iterations,
    )
    log(f"{FETCH_ROWS:,}-row fetch")
    measure_latency(routes, plan, results, "fetch", connect, range_sampler, plan.fetch_iterations)
    log(f"8 clients x {plan.tps_seconds:.0f} s x {plan.tps_rounds} round(s) per path")
    measure_throughput(routes, plan, results)
    log(f"{ROWS:,}-row stream, direct and via the proxy")
    measure_stream({route.name: route for route in routes}, results)


def context_lines(plan: Plan, dataset: str, connector: str, quick: bool) -> list[str]:
    return [
        f"jasmine-proxy passthrough benchmark ({'quick' if quick else 'full'} run), "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}",
        f"  backend: MariaDB {server_version().removeprefix('5.5.5-')} at "
        f"{BACKEND_HOST}:{BACKEND_PORT}; {dataset}",
        f"  host: {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
        f"pymysql {pymysql.__version__}",
        f"  prepared statements: {connector}",
        f"  latency: {plan.point_iterations} point / {plan.prepared_iterations} prepared / "
        f"{plan.fetch_iterations} fetch iterations per path after {plan.warmup} warm-up, "
        f"interleaved in blocks of {plan.block}",
        f"  throughput: {plan.clients} client processes, {plan.tps_seconds:.0f} s x "
        f"{plan.tps_rounds} round(s) per path",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short run (under a minute)")
    parser.add_argument("--drop", action="store_true", help=f"drop {DATABASE} at the end")
    parser.add_argument("--uvloop-relay", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def benchmark(quick: bool) -> int:
    plan = QUICK if quick else FULL
    if shutil.which("socat") is None:
        print("socat is not installed", file=sys.stderr)
        return 2
    load, busiest = background_load()
    dataset = ensure_dataset()
    use_pure, connector = connector_flavour()
    results = Results()
    if load > 10:
        results.notes.append(
            f"the host was {load:.0f}% busy before the run (busiest long-lived processes: "
            f"{', '.join(busiest) or 'none'}): figures may be noisy"
        )
    with contextlib.ExitStack() as stack:
        proxy, proxy_child = start_proxy(stack)
        routes = [Route("direct", BACKEND_PORT), proxy, start_socat(stack)]
        routes.append(start_uvloop_relay(stack))
        measure_all(routes, plan, results, use_pure)
        if proxy_child.proc.poll() is not None:
            results.errors.append(
                f"jasmine-proxy exited early (code {proxy_child.proc.returncode})"
            )
        context = context_lines(plan, dataset, connector, quick)
        proxy_log = list(proxy_child.lines)
    print(report(results, context, proxy_log))
    return 1 if results.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.uvloop_relay is not None:
        run_uvloop_relay(args.uvloop_relay)
        return 0
    install_sigterm_handler()
    try:
        return benchmark(args.quick)
    except KeyboardInterrupt:
        log("interrupted: every process started was stopped")
        return 130
    finally:
        if args.drop:
            drop_dataset()


if __name__ == "__main__":
    sys.exit(main())
