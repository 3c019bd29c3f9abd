"""The embedded SQLite default: plans run through the embedded engine, as MySQL statements.

Plan work goes through an `embedded.EmbeddedSession` of the service account, so every statement
a plan runs (CREATE TABLE ... AS SELECT with MySQL column types, CREATE VIEW, RENAME TABLE, DROP)
is translated exactly as a client's would be, and the tables it makes look to clients like any
other (SHOW CREATE TABLE, information_schema). A snapshot's swap is one `RENAME TABLE target TO
old, shadow TO target`, which the engine runs in one SQLite transaction: readers (WAL) see the
old table or the new one, never neither.

Triggers (`trigger`) are SQLite's own: clients cannot create them through the engine, so the
backend creates them on the session's sqlite3 connection, named like tables (`"db.name"`), as
`CREATE TRIGGER ... AFTER INSERT|UPDATE|DELETE ON "db.t" FOR EACH ROW [WHEN ...] BEGIN ... END`,
each statement of the body being the pattern's MySQL statement as the engine translates it for a
client (`EmbeddedSession.translate_write`: names, functions, upserts as `ON CONFLICT DO UPDATE`,
DECIMAL assignments rounded to the column's scale as the engine stores them). They run in the
writer's transaction (there is one writer at a time), so a rollback undoes them with the write.
A keyed table is created without its key and then given it with ALTER TABLE, through the engine
(so SHOW CREATE TABLE and the column types are right). A `Fill` is one engine transaction
(BEGIN IMMEDIATE: writers wait for it, readers see the old rows until it commits).

The catalog is SQLAlchemy Core on the same file, in tables named `jasmine.<table>` (how the
embedded engine spells database.table), with `BEGIN IMMEDIATE` transactions so that a catalog
write waits for the file's write lock instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Any, cast

import sqlalchemy as sa
import sqlglot
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlglot import exp

from jasmine_proxy import sqlite_db, translate
from jasmine_proxy.analysis import KeyInfo
from jasmine_proxy.backends import StepContext, register
from jasmine_proxy.backends import sqlite_incremental as incremental
from jasmine_proxy.backends.mysql import literal, quote, read_keys, render_common
from jasmine_proxy.embedded import EmbeddedSession, Ok
from jasmine_proxy.errors import NameTaken, UnsupportedStatement
from jasmine_proxy.extended import ClientSession
from jasmine_proxy.plan import (
    CreateTableAs,
    CreateTrigger,
    CreateView,
    DropTrigger,
    Fill,
    IncrementalBuild,
    IncrementalRefresh,
    Name,
    Op,
    Swap,
)
from jasmine_proxy.sqlite_errors import sqlite_error


@register("sqlite")
class SQLiteBackend:
    name = "sqlite"
    catalog_schema: str | None = None
    statement_timeout: float | None = None  # not enforced on the embedded default yet

    def __init__(self, url: Any, catalog_schema: str) -> None:
        self.path: str = url.path
        self.catalog_prefix = f"{catalog_schema}."
        self.engine: Engine = sa.create_engine(
            "sqlite://", creator=lambda: sqlite_db.connect(self.path)
        )
        event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))

    @contextmanager
    def connect(self) -> Iterator[EmbeddedSession]:
        session = EmbeddedSession(self.path, user="jasmine")
        try:
            yield session
        finally:
            session.close()

    # -- plans -----------------------------------------------------------------------------

    def render(self, op: Op, default_schema: str | None) -> list[str]:
        """MySQL statements, as for MySQL without its table options: the engine runs them;
        triggers in SQLite's dialect (the engine does not take CREATE TRIGGER from clients)."""
        use = [f"USE {quote(default_schema)}"] if default_schema else []
        if isinstance(op, CreateTableAs) and op.key:
            key = ", ".join(quote(c) for c in op.key)
            return [
                *use,
                f"CREATE TABLE {op.target.sql()} AS {op.query}",
                f"ALTER TABLE {op.target.sql()} ADD PRIMARY KEY ({key})",
            ]
        common = render_common(op, default_schema, "")
        if common is not None:
            return common
        if isinstance(op, CreateTrigger):
            plain = partial(translate.to_sqlite, database=default_schema)
            return [trigger_sql(op, default_schema, plain)]
        if isinstance(op, DropTrigger):
            return [f"DROP TRIGGER IF EXISTS {_native(op.name)}"]
        if isinstance(op, IncrementalBuild):
            return [*use, *incremental.render_build(op, self._catalog_table())]
        if isinstance(op, IncrementalRefresh):
            return [*use, *incremental.render_refresh(op, self._catalog_table())]
        if isinstance(op, Fill):
            columns = ", ".join(quote(c) for c in op.columns)
            return [
                *use,
                "BEGIN",
                f"DELETE FROM {op.target.sql()}",
                f"INSERT INTO {op.target.sql()} ({columns}) {op.query}",
                "COMMIT",
            ]
        raise UnsupportedStatement(
            f"not supported on the embedded backend: {type(op).__name__} operations"
        )

    def _catalog_table(self) -> str:
        """The catalog's materializations table, as SQLite names it."""
        return f"{self.catalog_prefix}materializations"

    def run(
        self,
        conn: EmbeddedSession,
        op: Op,
        default_schema: str | None,
        context: StepContext | None = None,
    ) -> None:
        """`context`: the step's, for the operations marked `stateful` (incremental's)."""
        if isinstance(op, IncrementalBuild | IncrementalRefresh):
            if context is None:
                raise TypeError(f"{type(op).__name__} runs only within a step (context=)")
            if isinstance(op, IncrementalBuild):
                if self.kind(conn, op.target):
                    raise NameTaken(f"Table '{op.target}' already exists")
                incremental.build(conn, op, default_schema, context, self._catalog_table())
            else:
                incremental.refresh(conn, op, default_schema, context, self._catalog_table())
            return
        if isinstance(op, Swap):
            self._swap(conn, op)
            return
        if isinstance(op, CreateTrigger | DropTrigger):
            if default_schema:
                conn.use(default_schema)
            if isinstance(op, CreateTrigger):
                statement = trigger_sql(op, default_schema, conn.translate_write)
            else:
                statement = self.render(op, None)[0]
            try:
                conn.conn.execute(statement)  # SQLite's own: the engine takes no triggers
            except sqlite3.Error as exc:
                raise sqlite_error(exc, exp.Command(this="TRIGGER")) from None
            return
        new = op.creates() if isinstance(op, CreateTableAs | CreateView) else None
        if new and self.kind(conn, new):  # never replace what is not ours
            raise NameTaken(f"Table '{new}' already exists")
        try:
            for statement in self.render(op, default_schema):
                conn.execute(statement)
        except BaseException:
            if conn.in_transaction:  # a Fill that failed half-way: nothing of it stays
                conn.execute("ROLLBACK")
            raise

    def _swap(self, conn: EmbeddedSession, op: Swap) -> None:
        conn.execute(f"DROP TABLE IF EXISTS {op.old.sql()}")
        if self.kind(conn, op.shadow) is None:
            if self.kind(conn, op.target) == "TABLE":
                return  # swapped already (a step run again after a crash)
            raise NameTaken(f"Table '{op.shadow}' is missing: nothing to swap in")
        first = self.kind(conn, op.target) is None
        for statement in self.render(replace(op, first=first), None):
            conn.execute(statement)

    def process_id(self, conn: EmbeddedSession) -> int | None:
        return None  # one process: a dead holder's statements died with it

    def cancel(self, process_id: int) -> None:
        pass

    # -- objects ---------------------------------------------------------------------------

    def kind(self, conn: EmbeddedSession, name: Name) -> str | None:
        rows = _rows(
            conn,
            "SELECT TABLE_TYPE FROM information_schema.TABLES "
            f"WHERE TABLE_SCHEMA = {literal(name.schema)} AND TABLE_NAME = {literal(name.name)}",
        )
        if not rows and name.name.startswith("_jasmine_"):  # a trigger of Jasmine's?
            return "TRIGGER" if _trigger(conn, name) is not None else None
        if not rows:
            return None
        return "VIEW" if rows[0][0] == "VIEW" else "TABLE"

    def show_create(self, conn: EmbeddedSession, name: Name, kind: str) -> str:
        if kind == "TRIGGER":
            return _trigger(conn, name) or ""
        rows = _rows(conn, f"SHOW CREATE {kind} {name.sql()}")
        return str(rows[0][1]) if rows else ""

    def count(self, conn: EmbeddedSession, name: Name) -> int:
        return int(_rows(conn, f"SELECT COUNT(*) FROM {name.sql()}")[0][0])

    def sample(
        self, conn: EmbeddedSession, name: Name, limit: int
    ) -> tuple[list[str], list[Sequence[Any]]]:
        outcome = conn.execute(f"SELECT * FROM {name.sql()} LIMIT {int(limit)}")
        if isinstance(outcome, Ok):
            return [], []
        return [c for c, _ in outcome.columns], list(outcome.rows)

    def query_rows(
        self, conn: EmbeddedSession, query: str, default_schema: str | None
    ) -> Iterator[Sequence[Any]]:
        if default_schema:
            conn.use(default_schema)
        yield from _rows(conn, query)

    def table_rows(self, conn: EmbeddedSession, name: Name) -> Iterator[Sequence[Any]]:
        yield from _rows(conn, f"SELECT * FROM {name.sql()}")

    def keys(self, conn: EmbeddedSession, tables: Sequence[Name]) -> KeyInfo:
        return read_keys(lambda sql: _rows(conn, sql), tables)

    # -- the client's own rights: one account on the embedded default -------------------------

    def current_database(self, session: ClientSession) -> str | None:
        value = session.query("SELECT DATABASE()").rows[0][0]
        return None if value is None else value.decode()

    def visible_schemas(self, session: ClientSession) -> set[str]:
        return {row[0].decode() for row in session.query("SHOW DATABASES").rows if row[0]}

    def verify_as_client(self, session: ClientSession, target: Name, query: str, kind: str) -> None:
        """The query must run for the client (its tables exist, it translates); the embedded
        default has one account, which may create anywhere."""
        session.query(f"SELECT * FROM ({query}) AS `_jasmine_verify` LIMIT 0")

    def require(self, session: ClientSession, target: Name, privilege: str) -> None:
        """The embedded default's one account may do everything."""


def _rows(conn: EmbeddedSession, sql: str) -> list[tuple[Any, ...]]:
    outcome = conn.execute(sql)
    return [] if isinstance(outcome, Ok) else list(outcome.rows)


def _native(name: Name) -> str:
    """The SQLite name of a trigger (or table) named `name` in MySQL's terms."""
    return translate.quote(translate.sqlite_name(name.schema, name.name))


def _trigger(conn: EmbeddedSession, name: Name) -> str | None:
    """The SQL of the trigger `name`, None if there is none."""
    found = conn.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (translate.sqlite_name(name.schema, name.name),),
    ).fetchone()
    return None if found is None else str(found[0])


def trigger_sql(
    op: CreateTrigger, default_schema: str | None, translated: Callable[[str], list[str]]
) -> str:
    """The SQLite CREATE TRIGGER of `op`, each body statement `translated` from MySQL's
    dialect (the engine's translation, unqualified names in `default_schema`)."""
    body = []
    for statement in op.body:
        sqlite = translated(statement)
        if len(sqlite) != 1:
            raise UnsupportedStatement(
                f"not supported on the embedded backend: trigger statement {statement[:60]}"
            )
        body.append(f"  {sqlite[0]};\n")
    when = ""
    if op.when:
        parsed = cast(exp.Expression, sqlglot.parse_one(op.when, read="mysql"))
        condition = translate.rewrite(parsed, default_schema)
        when = f" WHEN {condition.sql('sqlite')}"
    return (
        f"CREATE TRIGGER {_native(op.name)} AFTER {op.event} ON {_native(op.table)} "
        f"FOR EACH ROW{when}\nBEGIN\n{''.join(body)}END"
    )
