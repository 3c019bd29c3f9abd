"""Where a materialization test runs: the shared MariaDB through the session's proxy, or the
embedded SQLite default (a proxy of its own on a temporary file), behind one interface, so a test
written once runs on both (`site` fixture, parametrised by backend name).

On MariaDB, set-up and writers connect directly (as the applications writing the sources would),
and the client reads through the proxy; on the embedded default everything goes through its proxy,
which is the only way in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymysql
import pytest

from tests.support import Proxy, direct, rows

BACKENDS = ("mariadb", "sqlite")


@dataclass
class Site:
    """A backend, a database on it, and the ways to connect."""

    backend: str
    database: str
    proxy: Proxy  # the proxy clients use
    embedded: bool

    def writer(self, autocommit: bool = False) -> pymysql.connections.Connection:
        """A connection as an application writing the sources (not through Jasmine on
        MariaDB)."""
        if self.embedded:
            return self.proxy.connect(database=self.database, autocommit=autocommit)
        return direct(database=self.database, autocommit=autocommit)

    def client(self, **kw: Any) -> pymysql.connections.Connection:
        """A connection through the proxy, in the site's database."""
        kw.setdefault("autocommit", True)
        return self.proxy.connect(database=self.database, **kw)

    def run(self, *statements: str) -> None:
        """Set-up statements, committed."""
        with self.writer(autocommit=True) as conn:
            for sql in statements:
                rows(conn, sql)


def embedded_site(path: Path, database: str = "shop", **proxy_kw: Any) -> Iterator[Site]:
    """A proxy on a fresh embedded file with `database` created; stopped afterwards."""
    proxy = Proxy(f"sqlite:///{path}", **proxy_kw)
    try:
        with proxy.connect(autocommit=True) as conn:
            rows(conn, f"CREATE DATABASE `{database}`")
        yield Site("sqlite", database, proxy, embedded=True)
    finally:
        if proxy.proc.poll() is None:
            assert proxy.stop() == 0, proxy.log


@pytest.fixture(params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """The test's database on each backend in turn (imported by conftest, for every test)."""
    get: Callable[[str], Any] = request.getfixturevalue
    sites = (
        embedded_site(tmp_path / "jasmine.db")
        if request.param == "sqlite"
        else iter([Site("mariadb", get("database"), get("proxy"), embedded=False)])
    )
    yield from sites
