"""Helpers of the materialization tests: a real proxy with a catalog of its own, and direct reads.

Each test module starts one proxy (`Jasmine.start()`) whose catalog lives in a fresh database
(`--catalog-schema jt_cat_...`), so its tests neither see nor recover the materializations of
other test runs sharing the server, and everything the module recorded goes when the catalog
database is dropped at the end. Tests still create their materializations in databases of their
own (the `database` / `make_database` fixtures).

What Jasmine says (through the proxy) is checked against what is really there: the catalog rows
and the backend's tables, read directly from MariaDB as root.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pymysql
import pytest
from pymysql.cursors import DictCursor

from tests.support import MARIADB_URL, Proxy, direct


class Jasmine:
    """A proxy on the shared MariaDB with its own catalog database."""

    def __init__(self, catalog: str, env: Mapping[str, str] | None = None) -> None:
        self.catalog = catalog
        self.proxy = Proxy(MARIADB_URL, "--catalog-schema", catalog, env=env)

    @classmethod
    @contextmanager
    def start(cls) -> Iterator[Jasmine]:
        catalog = f"jt_cat_{uuid.uuid4().hex[:10]}"
        j = cls(catalog)
        try:
            yield j
        finally:
            code = j.proxy.stop()
            drop_database(catalog)
            assert code == 0, j.proxy.log

    def also(self, env: Mapping[str, str] | None = None) -> Proxy:
        """Another proxy on the same backend and catalog (the caller stops it)."""
        return Proxy(MARIADB_URL, "--catalog-schema", self.catalog, env=env)

    def connect(self, db: str | None = None, port: int | None = None, **kw: Any) -> Any:
        kw.setdefault("user", "root")
        kw.setdefault("autocommit", True)
        kw.setdefault("charset", "utf8mb4")
        if db is not None:
            kw["database"] = db
        return pymysql.connect(host="127.0.0.1", port=port or self.proxy.port, **kw)

    # -- the catalog, read directly ----------------------------------------------------------

    def row(self, schema: str, name: str) -> dict[str, Any] | None:
        found = direct_dicts(
            f"SELECT * FROM `{self.catalog}`.materializations WHERE schema_name = %s AND name = %s",
            (schema, name),
        )
        return found[0] if found else None

    def rows(self, schema: str) -> list[dict[str, Any]]:
        return direct_dicts(
            f"SELECT * FROM `{self.catalog}`.materializations WHERE schema_name = %s ORDER BY id",
            (schema,),
        )

    def events(self, schema: str, name: str | None = None) -> list[dict[str, Any]]:
        """The event log of a schema (or one materialization), oldest first."""
        sql = f"SELECT * FROM `{self.catalog}`.events WHERE schema_name = %s"
        args: tuple[str, ...] = (schema,)
        if name is not None:
            sql += " AND name = %s"
            args += (name,)
        return direct_dicts(sql + " ORDER BY id", args)

    def recorded(self, schema: str) -> tuple[Any, ...]:
        """Everything Jasmine and the backend hold for `schema`: catalog rows (without the
        `updated` stamp), the number of events, the tables with their CREATE statements and
        row counts. Equal before and after a statement means it changed nothing."""
        mats = tuple(
            tuple(sorted((k, str(v)) for k, v in r.items() if k != "updated"))
            for r in self.rows(schema)
        )
        return mats, len(self.events(schema)), table_contents(schema)


# -- direct access to MariaDB (as root, not through the proxy) --------------------------------


def direct_dicts(sql: str, args: tuple[Any, ...] | None = None) -> list[dict[str, Any]]:
    with direct(charset="utf8mb4", cursorclass=DictCursor) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def direct_run(*statements: str) -> None:
    with direct(charset="utf8mb4", autocommit=True) as conn, conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def tables(schema: str) -> dict[str, str]:
    """name -> 'TABLE' or 'VIEW' for every table and view of `schema`."""
    found = direct_dicts(
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
        (schema,),
    )
    return {r["TABLE_NAME"]: "VIEW" if r["TABLE_TYPE"] == "VIEW" else "TABLE" for r in found}


def table_contents(schema: str) -> tuple[tuple[str, str, str], ...]:
    """(name, CREATE statement, sorted rows) of every table and view of `schema`."""
    out = []
    with direct(charset="utf8mb4") as conn, conn.cursor() as cur:
        for name, kind in sorted(tables(schema).items()):
            ident = f"{quote(schema)}.{quote(name)}"
            cur.execute(f"SHOW CREATE {kind} {ident}")
            create = str(cur.fetchone()[1])
            try:
                cur.execute(f"SELECT * FROM {ident}")
                data = str(sorted(map(repr, cur.fetchall())))
            except pymysql.err.MySQLError as exc:  # a view over a dropped table
                data = f"unreadable: {exc.args[0]}"
            out.append((name, create, data))
    return tuple(out)


def drop_database(name: str) -> None:
    direct_run("SET SESSION lock_wait_timeout = 20", f"DROP DATABASE IF EXISTS {quote(name)}")


def quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


# -- talking to the proxy -----------------------------------------------------------------------


def dicts(conn: Any, sql: str) -> list[dict[str, Any]]:
    with conn.cursor(DictCursor) as cur:
        cur.execute(sql)
        return list(cur.fetchall())


def columns(conn: Any, sql: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(sql)
        cur.fetchall()
        return [d[0] for d in cur.description]


def run(conn: Any, *statements: str) -> None:
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def scalar(conn: Any, sql: str) -> Any:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def fails(conn: Any, sql: str) -> tuple[int, str]:
    """The (code, message) of the error `sql` gets; the test fails if it succeeds."""
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()
    except pymysql.err.MySQLError as exc:
        code, message = exc.args[0], exc.args[1]
        assert isinstance(code, int), exc
        return code, str(message)
    pytest.fail(f"no error from: {sql}")


def usable(conn: Any) -> None:
    """The connection still answers, in the same session."""
    assert scalar(conn, "SELECT 41 + 1") == 42


def show(conn: Any, schema: str) -> dict[str, dict[str, Any]]:
    """SHOW MATERIALIZATIONS FROM schema, by name."""
    return {r["Name"]: r for r in dicts(conn, f"SHOW MATERIALIZATIONS FROM {quote(schema)}")}


def report(conn: Any, sql: str) -> dict[tuple[str, str], Any]:
    """A STEP report as {(phase, item): value}; the columns are checked on the way."""
    with conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
        assert [d[0] for d in cur.description] == ["Phase", "Item", "Value"]
    out: dict[tuple[str, str], Any] = {}
    for phase, item, value in rows:
        assert phase in ("before", "after"), phase
        out[(phase, item)] = value
    return out


def orders(conn: Any, n: int = 5) -> None:
    """A source table `o(id, g, v)` with `n` rows in the current database."""
    run(
        conn,
        "CREATE TABLE o (id INT PRIMARY KEY, g VARCHAR(10) NOT NULL, v INT NOT NULL)",
        *(f"INSERT INTO o VALUES ({i}, 'g{i % 2}', {i * 10})" for i in range(1, n + 1)),
    )


def no_leftovers(schema: str) -> None:
    internal = [t for t in tables(schema) if t.startswith("_jasmine_")]
    assert internal == [], f"internal objects left behind in {schema}: {internal}"
