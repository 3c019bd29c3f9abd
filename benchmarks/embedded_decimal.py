"""DECIMAL on the embedded SQLite default: this source tree against another, side by side.

DECIMAL(p,s) with p <= 15 is stored as a SQLite number and p > 15 as exact text (see
`jasmine_proxy/sqlite_decimal.py`); DECIMAL arithmetic, comparisons of DECIMAL expressions and
SUM/AVG run in Python functions. This measures what that costs, on the common DECIMAL(10,2)
and on a wide DECIMAL(30,10), query by query (median latency through pymysql, interleaved in
rotating blocks so that background load falls on every path alike).

Paths: ``this`` (the checkout this script is in) and, with ``--base DIR``, ``base`` (another
source tree, e.g. ``git archive HEAD~3 | tar -x -C DIR``), each serving its own SQLite file
(``jasmine-proxy serve --backend sqlite:///FILE --no-scheduler``) with the same data: ROWS rows
of ``(id, a DECIMAL(10,2), b DECIMAL(10,2), w DECIMAL(30,10))``, an index on ``a``.

Usage: ``python benchmarks/embedded_decimal.py [--base DIR] [--rows N] [--iterations N]``
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import passthrough as pt

ROOT = Path(__file__).resolve().parent.parent
CREATE_SQL = (
    "CREATE TABLE d (id INT PRIMARY KEY, a DECIMAL(10,2) NOT NULL, b DECIMAL(10,2) NOT NULL,"
    " w DECIMAL(30,10) NOT NULL, KEY ia (a))"
)
BATCH = 1000

#: (name, SQL with {lo} for a random first id of a 1,000-id range)
QUERIES: list[tuple[str, str]] = [
    ("fetch 1,000 rows of DECIMAL(10,2)", "SELECT id, a, b FROM d WHERE id BETWEEN {lo} AND {hi}"),
    ("fetch 1,000 rows of DECIMAL(30,10)", "SELECT id, w FROM d WHERE id BETWEEN {lo} AND {hi}"),
    ("a * b + 1 over 1,000 rows", "SELECT a * b + 1 FROM d WHERE id BETWEEN {lo} AND {hi}"),
    ("SUM/AVG of DECIMAL(10,2), all rows", "SELECT SUM(a), AVG(b) FROM d"),
    ("SUM/AVG of DECIMAL(30,10), all rows", "SELECT SUM(w), AVG(w) FROM d"),
    ("point WHERE a = literal (index)", "SELECT id FROM d WHERE a = {a}"),
    ("ORDER BY a LIMIT 10 (index)", "SELECT id, a FROM d ORDER BY a DESC LIMIT 10"),
    ("ORDER BY w LIMIT 10 (order key)", "SELECT id, w FROM d ORDER BY w DESC LIMIT 10"),
    (
        "WHERE a + b > x, 1,000 rows",
        "SELECT id FROM d WHERE id BETWEEN {lo} AND {hi} AND a + b > 500.5",
    ),
]


def row(n: int) -> tuple[int, str, str, str]:
    return (
        n,
        f"{n * 7919 % 100000}.{n % 100:02d}",
        f"{n % 1000}.{n * 7 % 100:02d}",
        f"{n * 104729 % 10**19}.{n * 31 % 10**10:010d}",
    )


def serve(stack: contextlib.ExitStack, name: str, tree: Path, db: Path) -> int:
    cmd = [sys.executable, "-m", "jasmine_proxy", "serve", "--backend", f"sqlite:///{db}"]
    child = _child_in(name, cmd, tree)
    stack.callback(child.stop)
    return int(child.wait_for(pt._LISTENING).group(2))


def _child_in(name: str, cmd: list[str], tree: Path) -> pt.Child:
    """`pt.Child` runs its command in pt.ROOT: here, in `tree` (whose package it imports)."""
    original = pt.ROOT
    pt.ROOT = tree
    try:
        return pt.Child(f"jasmine-proxy ({name})", [*cmd, "--port", "0", "--no-scheduler"])
    finally:
        pt.ROOT = original


def load(port: int, rows: int) -> None:
    conn = pymysql.connect(host="127.0.0.1", port=port, user="root", autocommit=True)
    try:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE IF NOT EXISTS bench_decimal")
        cur.execute("USE bench_decimal")
        cur.execute("DROP TABLE IF EXISTS d")
        cur.execute(CREATE_SQL)
        for first in range(1, rows + 1, BATCH):
            batch = [row(n) for n in range(first, min(first + BATCH, rows + 1))]
            cur.execute("BEGIN")
            cur.executemany("INSERT INTO d VALUES (%s, %s, %s, %s)", batch)
            cur.execute("COMMIT")
    finally:
        conn.close()


def sampler(port: int, sql: str, rows: int, seed: int) -> Callable[[], float]:
    conn = pymysql.connect(
        host="127.0.0.1", port=port, user="root", autocommit=True, database="bench_decimal"
    )
    cur, rng = conn.cursor(), random.Random(seed)

    def sample() -> float:
        lo = rng.randint(1, max(rows - 999, 1))
        text = sql.format(lo=lo, hi=lo + 999, a=row(rng.randint(1, rows))[1])
        started = time.perf_counter()
        cur.execute(text)
        cur.fetchall()
        return (time.perf_counter() - started) * 1e6

    return sample


def measure(
    ports: dict[str, int], rows: int, iterations: int, block: int
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, sql in QUERIES:
        pt.log(name)
        samplers = {p: sampler(port, sql, rows, 7) for p, port in ports.items()}
        for s in samplers.values():  # warm-up: caches, compiled templates
            for _ in range(3):
                s()
        times: dict[str, list[float]] = {p: [] for p in ports}
        order = list(ports)
        while len(times[order[0]]) < iterations:
            for p in order:
                times[p] += [samplers[p]() for _ in range(block)]
            order = order[1:] + order[:1]
        out[name] = {p: statistics.median(t) for p, t in times.items()}
    return out


def report(results: dict[str, dict[str, float]], paths: Sequence[str]) -> str:
    table = [["query: median us", *paths] + (["this/base"] if "base" in paths else [])]
    for name, by_path in results.items():
        cells = [name] + [f"{by_path[p]:,.0f}" for p in paths]
        if "base" in paths:
            cells.append(f"{by_path['this'] / by_path['base']:.2f}x")
        table.append(cells)
    return pt.render(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--base", type=Path, help="another source tree to compare with")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--block", type=int, default=5)
    args = parser.parse_args(argv)
    pt.install_sigterm_handler()
    trees = {"this": ROOT} | ({"base": args.base.resolve()} if args.base else {})
    load_before, busiest = pt.background_load()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        ports = {
            name: serve(stack, name, tree, Path(tmp) / f"{name}.db") for name, tree in trees.items()
        }
        for name, port in ports.items():
            pt.log(f"loading {args.rows:,} rows ({name})")
            load(port, args.rows)
        results = measure(ports, args.rows, args.iterations, args.block)
    print(
        f"embedded DECIMAL benchmark, {time.strftime('%Y-%m-%d %H:%M:%S')}: {args.rows:,} rows, "
        f"{args.iterations} samples per query and path in blocks of {args.block}"
        + (f"; base: {args.base}" if args.base else "")
    )
    if load_before > 10:
        print(f"note: the host was {load_before:.0f}% busy before the run ({', '.join(busiest)})")
    print(report(results, list(trees)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
