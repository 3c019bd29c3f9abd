"""The scheduler's catalog read, `Catalog.all_since`: what `all()` reads, re-reading in full
only the rows whose `updated` or `fence` moved since the rows it is given were read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from jasmine_proxy.backends import open_backend
from jasmine_proxy.catalog import Catalog
from jasmine_proxy.config import parse_backend_url
from tests.materialize import Jasmine, run
from tests.support import MARIADB_URL

QUERY = "SELECT g, COUNT(*) AS n FROM o GROUP BY g"


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def catalog_of(j: Jasmine) -> Catalog:
    backend = open_backend(parse_backend_url(MARIADB_URL), j.catalog)
    return Catalog(backend.engine, backend.catalog_schema, backend.catalog_prefix)


@pytest.mark.backend
def test_changed_rows_are_read_again_and_others_reused(j: Jasmine, database: str) -> None:
    catalog = catalog_of(j)
    with j.connect(database) as conn:
        run(conn, "CREATE TABLE o (id INT PRIMARY KEY, g INT)", "INSERT INTO o VALUES (1, 1)")
        for name in ("a", "b", "c"):
            run(conn, f"CREATE MATERIALIZATION {name} USING snapshot AS {QUERY}")
        known = {m.id: m for m in catalog.all()}
        assert catalog.all_since(known) == catalog.all()
        # a row as known is not read again (one a scheduled refresh changed meanwhile is)
        again = catalog.all_since(known)
        assert all(m is known[m.id] for m in again if m.id in known and m == known[m.id])

        # an ALTER ... SET changes the definition but not the fence; a refresh both; a DROP
        # and a CREATE remove and add rows
        run(
            conn,
            "ALTER MATERIALIZATION a SET (target_lag = '7 seconds')",
            "INSERT INTO o VALUES (2, 2)",
            "REFRESH MATERIALIZATION b",
            "DROP MATERIALIZATION c",
            f"CREATE MATERIALIZATION d USING snapshot AS {QUERY}",
        )
        now = catalog.all()
        assert catalog.all_since(known) == now
        by_name = {m.name: m for m in now if m.schema == database}
        assert set(by_name) == {"a", "b", "d"}
        assert by_name["a"].options.target_lag == 7
        assert by_name["b"].rows == 2


@pytest.mark.backend
def test_a_row_known_with_another_stamp_is_read_again(j: Jasmine, database: str) -> None:
    catalog = catalog_of(j)
    with j.connect(database) as conn:
        run(conn, "CREATE TABLE o (id INT PRIMARY KEY, g INT)", "INSERT INTO o VALUES (1, 1)")
        run(conn, f"CREATE MATERIALIZATION m USING snapshot AS {QUERY}")
    (m,) = [m for m in catalog.all() if m.schema == database]
    for stale in (
        replace(m, updated=m.updated - timedelta(microseconds=1), rows=99),
        replace(m, fence=m.fence - 1, rows=99),
    ):
        (again,) = [r for r in catalog.all_since({m.id: stale}) if r.schema == database]
        assert again == m
