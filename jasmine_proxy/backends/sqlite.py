"""The embedded SQLite default: plans run through the embedded engine, as MySQL statements.

Plan work goes through an `embedded.EmbeddedSession` of the service account, so every statement
a plan runs (CREATE TABLE ... AS SELECT with MySQL column types, CREATE VIEW, RENAME TABLE, DROP)
is translated exactly as a client's would be, and the tables it makes look to clients like any
other (SHOW CREATE TABLE, information_schema). A snapshot's swap is one `RENAME TABLE target TO
old, shadow TO target`, which the engine runs in one SQLite transaction: readers (WAL) see the
old table or the new one, never neither.

The catalog is SQLAlchemy Core on the same file, in tables named `jasmine.<table>` (how the
embedded engine spells database.table), with `BEGIN IMMEDIATE` transactions so that a catalog
write waits for the file's write lock instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from jasmine_proxy import sqlite_db
from jasmine_proxy.analysis import KeyInfo
from jasmine_proxy.backends import register
from jasmine_proxy.backends.mysql import literal, read_keys, render_common
from jasmine_proxy.embedded import EmbeddedSession, Ok
from jasmine_proxy.errors import NameTaken, UnsupportedStatement
from jasmine_proxy.extended import ClientSession
from jasmine_proxy.plan import CreateTableAs, CreateView, Name, Op, Swap


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
        """MySQL statements, as for MySQL without its table options: the engine runs them."""
        common = render_common(op, default_schema, "")
        if common is None:
            raise UnsupportedStatement(
                f"not supported on the embedded backend: {type(op).__name__} operations"
            )
        return common

    def run(self, conn: EmbeddedSession, op: Op, default_schema: str | None) -> None:
        if isinstance(op, Swap):
            self._swap(conn, op)
            return
        new = op.creates() if isinstance(op, CreateTableAs | CreateView) else None
        if new and self.kind(conn, new):  # never replace what is not ours
            raise NameTaken(f"Table '{new}' already exists")
        for statement in self.render(op, default_schema):
            conn.execute(statement)

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
        if not rows:
            return None
        return "VIEW" if rows[0][0] == "VIEW" else "TABLE"

    def show_create(self, conn: EmbeddedSession, name: Name, kind: str) -> str:
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
