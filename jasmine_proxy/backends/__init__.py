"""Backends, one module each, registered by URL scheme: where plans run and the catalog lives.

A backend renders plan operations in its dialect (`render`, for EXPLAIN) and runs them (`run`,
which may look at what exists first, so that running an operation again converges). It also
answers the questions the lifecycle asks about objects (`kind`, `show_create`, `sample`, `count`)
and checks, on the client's own connection, what the client's user may do (`verify_as_client`).

All of it is synchronous: the wire front end calls the core from worker threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.engine import Engine

from jasmine_proxy.analysis import KeyInfo
from jasmine_proxy.errors import ConfigError
from jasmine_proxy.extended import ClientSession
from jasmine_proxy.plan import Name, Op

#: MySQL/MariaDB: the primary key of a table Jasmine creates whose rows have no key of their
#: own. Galera replicates a row change by its primary key (without one, every other node finds
#: the row by scanning the table); INVISIBLE, so `SELECT *` and `INSERT ... VALUES` without a
#: column list (what readers and Jasmine's own refreshes use) do not see it
HIDDEN_KEY = "`_jasmine_row` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT INVISIBLE PRIMARY KEY"


def on_galera(conn: Any) -> bool:
    """Whether a service-account connection (SQLAlchemy's) is to a node of a Galera cluster,
    as noted when it was opened (`mysql.causal_reads`)."""
    return bool(conn.connection.info.get("wsrep"))


@dataclass
class StepContext:
    """What an operation marked `stateful` (incremental's) needs of the step running it, given
    to `run` as `context=` (only for such operations, so a backend without them never gets
    it): the materialization's catalog row (`materialization` id in the `catalog` table), the
    step's lease `fence` (a catalog write in the operation's own transaction is guarded by
    it), and the `watermarks` as stored, which the operation replaces with those it committed.
    """

    materialization: int
    fence: int
    catalog: Name | None  # the catalog's materializations table (None: not in this backend)
    watermarks: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    name: str
    engine: Engine  # the service account's connections: catalog and plan work
    catalog_schema: str | None  # the catalog's database (None: tables named with `prefix`)
    catalog_prefix: str
    statement_timeout: float | None  # a plan statement running longer is cancelled

    def connect(self) -> AbstractContextManager[Any]:
        """A service-account connection for plan work; what it is is the backend's business."""
        ...

    def render(self, op: Op, default_schema: str | None) -> list[str]: ...

    def run(self, conn: Any, op: Op, default_schema: str | None) -> int | None:
        """Run `op`; the rows it wrote into its target when that comes for free (`CREATE
        TABLE ... AS` reports them), else None."""
        ...

    def process_id(self, conn: Any) -> int | None:
        """The backend's id for this connection's session (None if it has none)."""
        ...

    def cancel(self, process_id: int) -> None:
        """Stop that session's running statement and end it (a dead holder's leftover)."""
        ...

    def kind(self, conn: Any, name: Name) -> str | None: ...

    def show_create(self, conn: Any, name: Name, kind: str) -> str: ...

    def count(self, conn: Any, name: Name) -> int: ...

    def sample(
        self, conn: Any, name: Name, limit: int
    ) -> tuple[list[str], list[Sequence[Any]]]: ...

    def query_rows(
        self, conn: Any, query: str, default_schema: str | None
    ) -> Iterator[Sequence[Any]]: ...

    def table_rows(self, conn: Any, name: Name) -> Iterator[Sequence[Any]]: ...

    def keys(self, conn: Any, tables: Sequence[Name]) -> KeyInfo: ...

    def verify_as_client(
        self, session: ClientSession, target: Name, query: str, kind: str
    ) -> None: ...

    def require(self, session: ClientSession, target: Name, privilege: str) -> None: ...

    def visible_schemas(self, session: ClientSession) -> set[str]: ...

    def current_database(self, session: ClientSession) -> str | None: ...


BACKENDS: dict[str, Callable[..., Backend]] = {}


def register(*schemes: str) -> Callable[[Callable[..., Backend]], Callable[..., Backend]]:
    def add(factory: Callable[..., Backend]) -> Callable[..., Backend]:
        for scheme in schemes:
            BACKENDS[scheme] = factory
        return factory

    return add


def open_backend(url: Any, catalog_schema: str) -> Backend:
    """The backend for a parsed `--backend` URL (`config.BackendURL`)."""
    try:
        factory = BACKENDS[url.scheme]
    except KeyError:
        raise ConfigError(f"no backend module for {url.scheme}://") from None
    return factory(url, catalog_schema)


from jasmine_proxy.backends import mysql, sqlite  # noqa: E402, F401  (registration)
