"""The cross-backend SQL corpus (tests/corpus/*.sql): reading it, running a case, recording goldens.

The format is described in tests/corpus/README.md. In short: a file holds cases; a case is a
`-- case: NAME` line followed by statements, each ended by a `;` at the end of a line; a statement
followed by an `-- expect` line is compared (the others are set-up and only have to succeed), and
the `-- > ...` lines under `-- expect` are its golden, written by `--record` from MariaDB through
the Jasmine proxy, never by hand.

Usage (from the repository root):

    python -m tests.corpus_tool --record [FILE ...] [-k NAME]
        run every case (or those named) twice on MariaDB through the proxy, in fresh databases,
        and write what it answered into the files; a case whose two runs differ is not written
    python -m tests.corpus_tool --backend sqlite:///tmp/x.db [FILE ...] [-k NAME]
        run the cases through a proxy serving that backend and print every difference
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql
from pymysql.constants import CLIENT

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
GOLDEN_PREFIX = "-- > "
DB_PLACEHOLDER = "{db}"
MASKED = "<masked>"
NOW_TOLERANCE = 5.0  # seconds between a time value and the client's clock around the statement

#: what an `-- expect` line can list; a bare `-- expect` compares DEFAULT_ASPECTS
ASPECTS = {
    "names": "column names (the case's database name reads {db})",
    "types": "column type codes as the driver reports them (cursor.description)",
    "rows": "every value, in order, with its Python type (implies rowcount)",
    "rowcount": "the number of rows only",
    "unordered": "with rows: compare rows as a sorted list",
    "now": "with rows: values within 5 s of the client's clock read <now>/<today>/<unix now>",
    "affected": "affected-row count of an OK packet",
    "insert_id": "last insert id of an OK packet",
    "warnings": "warning count of an OK packet",
    "ok": "nothing more than the kind of answer: OK packet, result set, or error code",
}
DEFAULT_ASPECTS = ("names", "types", "rows", "affected", "insert_id")

#: pymysql.constants.FIELD_TYPE, one name per code (that module has aliases: CHAR=TINY, ...)
TYPE_NAMES = {
    0: "DECIMAL",
    1: "TINY",
    2: "SHORT",
    3: "LONG",
    4: "FLOAT",
    5: "DOUBLE",
    6: "NULL",
    7: "TIMESTAMP",
    8: "LONGLONG",
    9: "INT24",
    10: "DATE",
    11: "TIME",
    12: "DATETIME",
    13: "YEAR",
    15: "VARCHAR",
    16: "BIT",
    245: "JSON",
    246: "NEWDECIMAL",
    247: "ENUM",
    248: "SET",
    249: "TINY_BLOB",
    250: "MEDIUM_BLOB",
    251: "LONG_BLOB",
    252: "BLOB",
    253: "VAR_STRING",
    254: "STRING",
    255: "GEOMETRY",
}

_DIRECTIVE = re.compile(r"^-- ([a-z_]+)(?::\s*(.*?))?\s*$")
_CONNECTION = re.compile(r"^(\w+)((?:\s+(?:nodb|found_rows))*)$")


class CorpusError(Exception):
    """A corpus file that does not follow the format (the message names file and line)."""


class CaseError(Exception):
    """A case that could not be run: a set-up statement failed, or a connection could not open."""


# -- the format ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionSpec:
    """A named client connection of a case: to the case's database unless `nodb`."""

    name: str = "main"
    nodb: bool = False
    found_rows: bool = False


@dataclass
class Expect:
    """The `-- expect` of one statement: what is compared and the recorded golden lines."""

    aspects: tuple[str, ...]
    golden: list[str]
    head: int  # index of the `-- expect` line in the file's lines
    end: int  # index one past its last golden line


@dataclass
class Step:
    sql: str
    line: int  # 1-based line of the statement's first line
    connection: ConnectionSpec
    expect: Expect | None  # None: a set-up statement, which only has to succeed


@dataclass
class Case:
    name: str
    path: Path
    line: int
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    masks: list[re.Pattern[str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.path.stem}.{self.name}"

    @property
    def expects(self) -> list[Step]:
        return [step for step in self.steps if step.expect is not None]


def parse_aspects(text: str | None, where: str) -> tuple[str, ...]:
    if not text:
        return DEFAULT_ASPECTS
    aspects = tuple(text.replace(",", " ").split())
    unknown = [a for a in aspects if a not in ASPECTS]
    if unknown:
        raise CorpusError(f"{where}: unknown aspect(s) {unknown}; known: {sorted(ASPECTS)}")
    if ("unordered" in aspects or "now" in aspects) and "rows" not in aspects:
        raise CorpusError(f"{where}: 'unordered' and 'now' qualify 'rows', which is missing")
    return aspects


def parse_connection(text: str, where: str, known: dict[str, ConnectionSpec]) -> ConnectionSpec:
    m = _CONNECTION.match(text)
    if not m:
        raise CorpusError(f"{where}: expected '-- connection: NAME [nodb] [found_rows]'")
    options = m.group(2).split()
    spec = ConnectionSpec(m.group(1), "nodb" in options, "found_rows" in options)
    if spec.name in known and options and known[spec.name] != spec:
        raise CorpusError(f"{where}: connection {spec.name!r} was opened with other options")
    return known.get(spec.name, spec) if not options else spec


def parse_file(path: Path) -> tuple[list[str], list[Case]]:
    """The file's lines and its cases; raises CorpusError on anything out of format."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cases: list[Case] = []
    case: Case | None = None
    connections: dict[str, ConnectionSpec] = {}
    current = ConnectionSpec()
    pending: list[str] = []  # lines of an unterminated statement
    pending_line = 0
    last_step: Step | None = None  # the statement an `-- expect` may attach to
    i = 0
    while i < len(lines):
        text, where = lines[i], f"{path.name}:{i + 1}"
        stripped = text.strip()
        if text.startswith("--"):
            if pending:
                raise CorpusError(f"{where}: comment inside a statement (missing ';'?)")
            m = _DIRECTIVE.match(text)
            keyword, value = (m.group(1), m.group(2)) if m else ("", None)
            if text.startswith(GOLDEN_PREFIX.rstrip()):
                raise CorpusError(f"{where}: golden line without an '-- expect' above it")
            if keyword == "case":
                if not value or not re.fullmatch(r"[a-z0-9_]+", value):
                    raise CorpusError(f"{where}: a case name is [a-z0-9_]+, got {value!r}")
                if any(c.name == value for c in cases):
                    raise CorpusError(f"{where}: case {value!r} is defined twice")
                case = Case(value, path, i + 1)
                cases.append(case)
                connections, current, last_step = {}, ConnectionSpec(), None
            elif case is None:
                if m and value is not None:
                    raise CorpusError(f"{where}: '-- {keyword}:' before the first '-- case:'")
            elif keyword == "note" and value:
                case.notes.append(value)
            elif keyword == "mask" and value:
                try:
                    case.masks.append(re.compile(value, re.MULTILINE))
                except re.error as exc:
                    raise CorpusError(f"{where}: bad mask regex: {exc}") from None
            elif keyword == "connection" and value:
                current = parse_connection(value, where, connections)
                connections[current.name] = current
            elif keyword == "expect":
                if last_step is None or last_step.expect is not None:
                    raise CorpusError(f"{where}: '-- expect' must follow a statement directly")
                aspects = parse_aspects(value, where)
                j = i + 1
                while j < len(lines) and lines[j].startswith(GOLDEN_PREFIX.rstrip()):
                    j += 1
                golden = [line[len(GOLDEN_PREFIX) :] for line in lines[i + 1 : j]]
                last_step.expect = Expect(aspects, golden, i, j)
                i = j
                continue
            elif m and value is not None:
                raise CorpusError(f"{where}: unknown directive '-- {keyword}:'")
            last_step = None if keyword != "expect" else last_step
            i += 1
            continue
        if stripped:
            if case is None:
                raise CorpusError(f"{where}: SQL before the first '-- case:'")
            if not pending:
                pending_line = i + 1
            pending.append(text)
            if stripped.endswith(";"):
                sql = "\n".join(pending).strip()[:-1].rstrip()
                last_step = Step(sql, pending_line, current, None)
                case.steps.append(last_step)
                pending = []
        elif not pending:
            last_step = None
        i += 1
    if pending:
        raise CorpusError(f"{path.name}:{pending_line}: statement without a final ';'")
    for c in cases:
        if not c.expects:
            raise CorpusError(f"{path.name}:{c.line}: case {c.name!r} has no '-- expect'")
    return lines, cases


def corpus_files(names: Sequence[str] = ()) -> list[Path]:
    if names:
        return [Path(n) if Path(n).exists() else CORPUS_DIR / n for n in names]
    return sorted(CORPUS_DIR.glob("*.sql"))


def load(names: Sequence[str] = ()) -> list[Case]:
    return [case for path in corpus_files(names) for case in parse_file(path)[1]]


# -- outcomes and their rendering ----------------------------------------------------------------


@dataclass
class Outcome:
    """What one statement did, as a client saw it."""

    error: int | None = None
    message: str = ""
    names: list[str] | None = None  # None: an OK packet, not a result set
    types: list[int] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    affected: int = 0
    insert_id: int = 0
    warnings: int = 0
    started: float = 0.0  # time.time() just before and after the statement
    ended: float = 0.0


class Token:
    """A value shown by its relation to the clock rather than itself (aspect `now`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def near_now(value: object, started: float, ended: float) -> Token | None:
    """<now>, <today> or <unix now> if `value` is within NOW_TOLERANCE of the clock, else None.
    The server's SYSTEM time zone is the client's local time zone (same machine)."""
    lo, hi = started - NOW_TOLERANCE, ended + NOW_TOLERANCE
    if isinstance(value, str):
        text = value
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
            try:
                value = datetime.datetime.strptime(text, fmt)
            except ValueError:
                continue
            if fmt == "%Y-%m-%d":
                value = value.date()
            break
        else:
            return None
    if isinstance(value, datetime.datetime):
        return Token("<now>") if lo <= value.timestamp() <= hi else None
    if isinstance(value, datetime.date):
        days = {datetime.date.fromtimestamp(lo), datetime.date.fromtimestamp(hi)}
        return Token("<today>") if value in days else None
    if isinstance(value, datetime.timedelta):  # CURTIME(): a time of day
        midnight = datetime.datetime.fromtimestamp(lo).replace(hour=0, minute=0, second=0)
        t = midnight.timestamp() + value.total_seconds()
        return Token("<now>") if lo <= t <= hi or lo <= t + 86400 <= hi else None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Token("<unix now>") if lo <= float(value) <= hi else None
    return None


@dataclass(frozen=True)
class Context:
    """How values of one case are shown: its database names become {db}, masks apply."""

    database: str
    masks: tuple[re.Pattern[str], ...] = ()

    def text(self, value: str) -> str:
        value = value.replace(self.database, DB_PLACEHOLDER)
        for mask in self.masks:
            value = mask.sub(MASKED, value)
        return value


def render(outcome: Outcome, aspects: Iterable[str], ctx: Context) -> list[str]:
    """The golden lines for `outcome`, showing exactly the selected aspects."""
    chosen = set(aspects)
    if outcome.error is not None:
        return [f"error: {outcome.error}"]
    if outcome.names is None:
        ok = ("affected", "insert_id", "warnings")
        shown = [f"{a}={getattr(outcome, a)}" for a in ok if a in chosen]
        return ["ok: " + " ".join(shown) if shown else "ok"]
    lines = []
    if "names" in chosen:
        lines.append(
            "names: " + json.dumps([ctx.text(n) for n in outcome.names], ensure_ascii=False)
        )
    if "types" in chosen:
        lines.append("types: " + json.dumps([TYPE_NAMES.get(t, str(t)) for t in outcome.types]))
    if "rows" in chosen or "rowcount" in chosen:
        lines.append(f"rows: {len(outcome.rows)}")
    if "rows" in chosen:
        shown_rows = [render_row(row, outcome, "now" in chosen, ctx) for row in outcome.rows]
        lines += sorted(shown_rows) if "unordered" in chosen else shown_rows
    return lines or ["result set"]


def render_row(row: tuple[Any, ...], outcome: Outcome, now: bool, ctx: Context) -> str:
    values: list[object] = []
    for value in row:
        token = near_now(value, outcome.started, outcome.ended) if now else None
        if token is not None:
            values.append(token)
        elif isinstance(value, str):
            values.append(ctx.text(value))
        elif isinstance(value, bytearray):
            values.append(bytes(value))
        else:
            values.append(value)
    return repr(tuple(values))


# -- clients -------------------------------------------------------------------------------------


class Client:
    """One client connection (pymysql unless a subclass says otherwise)."""

    def __init__(self, port: int, spec: ConnectionSpec, database: str) -> None:
        flags = CLIENT.FOUND_ROWS if spec.found_rows else 0
        self.conn = pymysql.connect(
            host="127.0.0.1",
            port=port,
            user="root",
            password="",
            database=None if spec.nodb else database,
            autocommit=True,
            charset="utf8mb4",
            client_flag=flags,
            connect_timeout=10,
            read_timeout=30,
            write_timeout=30,
        )

    def execute(self, sql: str) -> Outcome:
        outcome = Outcome(started=time.time())
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql)
                if cur.description is None:
                    outcome.affected = cur.rowcount
                    outcome.insert_id = cur.lastrowid or 0
                    outcome.warnings = getattr(cur._result, "warning_count", 0)
                else:
                    outcome.names = [d[0] for d in cur.description]
                    outcome.types = [d[1] for d in cur.description]
                    outcome.rows = [tuple(r) for r in cur.fetchall()]
        except pymysql.MySQLError as exc:
            if not exc.args or not isinstance(exc.args[0], int):
                raise
            outcome.error, outcome.message = exc.args[0], str(exc.args[1:])
        outcome.ended = time.time()
        return outcome

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:
            pass


class ConnectorClient(Client):
    """The same through mysql-connector-python (pure Python), buffered cursors."""

    def __init__(self, port: int, spec: ConnectionSpec, database: str) -> None:
        import mysql.connector
        from mysql.connector.constants import ClientFlag

        self.conn = mysql.connector.connect(
            host="127.0.0.1",
            port=port,
            user="root",
            password="",
            database=None if spec.nodb else database,
            autocommit=True,
            charset="utf8mb4",
            collation="utf8mb4_general_ci",
            use_pure=True,
            ssl_disabled=True,
            client_flags=[ClientFlag.FOUND_ROWS] if spec.found_rows else [],
            connection_timeout=30,
        )

    def execute(self, sql: str) -> Outcome:
        import mysql.connector

        outcome = Outcome(started=time.time())
        cur = self.conn.cursor(buffered=True)
        try:
            cur.execute(sql)
            if cur.description is None:
                outcome.affected = cur.rowcount
                outcome.insert_id = cur.lastrowid or 0
                outcome.warnings = cur.warning_count
            else:
                outcome.names = [d[0] for d in cur.description]
                outcome.types = [d[1] for d in cur.description]
                outcome.rows = [tuple(r) for r in cur.fetchall()]
        except mysql.connector.Error as exc:
            if exc.errno is None or exc.errno < 1000:
                raise
            outcome.error, outcome.message = exc.errno, str(exc.msg)
        finally:
            cur.close()
        outcome.ended = time.time()
        return outcome


CLIENTS: dict[str, type[Client]] = {"pymysql": Client, "connector": ConnectorClient}


# -- running a case ------------------------------------------------------------------------------


@dataclass
class Observed:
    """One compared statement of a run: its golden lines, and what this run gave."""

    step: Step
    expected: list[str]
    actual: list[str]
    message: str


def fresh_name() -> str:
    return f"jc_{uuid.uuid4().hex[:10]}"


@dataclass
class Run:
    """One run of a case: each compared statement, and whether dropping its databases failed."""

    observed: list[Observed]
    cleanup_error: str | None = None


def run_case(case: Case, port: int, client: str = "pymysql") -> Run:
    """Run `case` through the server on `port` in a fresh database (dropped afterwards, with any
    database whose name starts with it); return each compared statement's golden and actual."""
    database = fresh_name()
    factory = CLIENTS[client]
    admin = Client(port, ConnectionSpec("admin", nodb=True), database)
    opened: dict[str, Client] = {}
    ctx = Context(database, tuple(case.masks))
    run = Run([])
    try:
        created = admin.execute(f"CREATE DATABASE `{database}`")
        if created.error is not None:
            raise CaseError(f"CREATE DATABASE failed: {created.error} {created.message}")
        for step in case.steps:
            conn = opened.get(step.connection.name)
            if conn is None:
                try:
                    conn = factory(port, step.connection, database)
                except Exception as exc:
                    raise CaseError(f"connection {step.connection.name!r}: {exc}") from exc
                opened[step.connection.name] = conn
            try:
                outcome = conn.execute(step.sql.replace(DB_PLACEHOLDER, database))
            except Exception as exc:  # the driver could not read the answer: nothing to compare
                raise CaseError(
                    f"{client} could not read the answer to line {step.line} ({step.sql}): "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            if step.expect is None:
                if outcome.error is not None:
                    raise CaseError(
                        f"set-up statement at line {step.line} failed with "
                        f"{outcome.error} {outcome.message}: {step.sql}"
                    )
                continue
            actual = render(outcome, step.expect.aspects, ctx)
            run.observed.append(Observed(step, step.expect.golden, actual, outcome.message))
    finally:
        for conn in opened.values():
            conn.close()
        try:
            drop_databases(admin, database)
        except CaseError as exc:
            run.cleanup_error = str(exc)
        finally:
            admin.close()
    return run


def drop_databases(admin: Client, database: str) -> None:
    """Drop `database` and every database named `database_...` that a case created."""
    listed = admin.execute(f"SHOW DATABASES LIKE '{database}%'")
    names = [str(r[0]) for r in listed.rows] if listed.error is None else [database]
    for name in names:
        dropped = admin.execute(f"DROP DATABASE IF EXISTS `{name}`")
        if dropped.error is not None:
            raise CaseError(f"DROP DATABASE {name} failed: {dropped.error} {dropped.message}")


def differences(case: Case, run: Run) -> str:
    """A readable diff of every compared statement whose result differs from its golden, and
    the failure to drop the case's databases, if any."""
    parts = []
    for o in run.observed:
        if o.expected == o.actual:
            continue
        head = f"{case.path.name}:{o.step.line} [{o.step.connection.name}] {o.step.sql}"
        diff = difflib.unified_diff(o.expected, o.actual, "golden", "actual", lineterm="", n=20)
        note = f"\n  (server said: {o.message})" if o.message else ""
        parts.append(head + "\n" + "\n".join("  " + d for d in diff) + note)
    if run.cleanup_error:
        parts.append(f"after the case: {run.cleanup_error}")
    return "\n\n".join(parts)


# -- recording -----------------------------------------------------------------------------------


def record_file(path: Path, port: int, only: Callable[[Case], bool]) -> list[str]:
    """Re-record the goldens of `path`'s selected cases; return the problems found."""
    lines, cases = parse_file(path)
    problems: list[str] = []
    replacements: dict[int, tuple[int, list[str]]] = {}
    for case in cases:
        if not only(case):
            continue
        try:
            first, second = run_case(case, port), run_case(case, port)
        except CaseError as exc:
            problems.append(f"{case.id}: {exc}")
            continue
        problems += [f"{case.id}: {r.cleanup_error}" for r in (first, second) if r.cleanup_error]
        pairs = zip(first.observed, second.observed, strict=True)
        unstable = [a for a, b in pairs if a.actual != b.actual]
        if unstable:
            detail = "; ".join(f"line {o.step.line}" for o in unstable)
            problems.append(f"{case.id}: two runs answered differently at {detail}: not written")
            continue
        for o in first.observed:
            assert o.step.expect is not None
            new = [lines[o.step.expect.head]] + [GOLDEN_PREFIX + a for a in o.actual]
            replacements[o.step.expect.head] = (o.step.expect.end, new)
        print(f"recorded {case.id}", file=sys.stderr)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i in replacements:
            end, new = replacements[i]
            out += new
            i = end
        else:
            out.append(lines[i])
            i += 1
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--record", action="store_true", help="record goldens from MariaDB")
    what.add_argument("--backend", metavar="URL", help="compare a proxy serving URL")
    parser.add_argument("--client", choices=sorted(CLIENTS), default="pymysql")
    parser.add_argument("-k", dest="names", action="append", default=[], help="case name(s)")
    parser.add_argument("files", nargs="*", help="corpus files (default: all)")
    args = parser.parse_args(argv)

    def only(case: Case) -> bool:
        return not args.names or case.name in args.names or case.id in args.names

    from tests.support import MARIADB_URL, Proxy

    proxy = Proxy(MARIADB_URL if args.record else args.backend)
    try:
        if args.record:
            problems = [
                p for f in corpus_files(args.files) for p in record_file(f, proxy.port, only)
            ]
        else:
            problems = compare(load(args.files), proxy.port, args.client, only)
    finally:
        proxy.stop()
    for p in problems:
        print(p)
    return 1 if problems else 0


def compare(cases: list[Case], port: int, client: str, only: Callable[[Case], bool]) -> list[str]:
    problems = []
    selected = [c for c in cases if only(c)]
    for case in selected:
        try:
            diff = differences(case, run_case(case, port, client))
        except CaseError as exc:
            diff = str(exc)
        if diff:
            problems.append(f"--- {case.id}\n{diff}")
    print(f"{len(selected) - len(problems)} of {len(selected)} cases match", file=sys.stderr)
    return problems


if __name__ == "__main__":
    sys.exit(main())
