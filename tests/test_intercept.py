"""The cheap check that decides which statements Jasmine answers (no server needed)."""

from __future__ import annotations

import pytest

from jasmine_proxy.intercept import PEEK, is_extended

OURS = [
    "CREATE MATERIALIZATION daily AS SELECT 1",
    "create materialization if not exists s.m using snapshot as select 1",
    "  \n\tCREATE\n  MATERIALIZATION `m` AS SELECT 1",
    "CREATE /* nightly */ MATERIALIZATION m AS SELECT 1",
    "/* leading */ -- line comment\n# hash comment\nDROP MATERIALIZATION IF EXISTS m",
    "SHOW MATERIALIZATIONS",
    "show materializations from app like 'd%'",
    "SHOW CREATE MATERIALIZATION m",
    "SHOW MATERIALIZATION EVENTS FOR m LIMIT 5",
    "EXPLAIN CREATE MATERIALIZATION m AS SELECT 1",
    "ALTER MATERIALIZATION m STEP verify",
    "REFRESH MATERIALIZATION m",
    "ReFrEsH MaTeRiAlIzAtIoN m",
]

NOT_OURS = [
    "SELECT * FROM materialization",
    "SELECT 'CREATE MATERIALIZATION m AS SELECT 1'",
    "CREATE TABLE materialization (id INT)",
    "CREATE TABLE materializations (id INT)",
    "DROP TABLE materialization",
    "SHOW TABLES LIKE 'materialization'",
    "CREATE MATERIALIZATIONX m",
    "INSERT INTO t VALUES ('create materialization')",
    "/*!50000 CREATE */ MATERIALIZATION m",  # an executable comment is the server's business
    "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1",
    "HANDLER t OPEN",
    "",
]


@pytest.mark.parametrize("sql", OURS)
def test_recognises_extended_statements(sql: str) -> None:
    assert is_extended(sql.encode())


@pytest.mark.parametrize("sql", NOT_OURS)
def test_leaves_everything_else_to_the_backend(sql: str) -> None:
    assert not is_extended(sql.encode())


def test_only_looks_at_the_first_bytes() -> None:
    long_comment = "/*" + "x" * PEEK + "*/ SHOW MATERIALIZATIONS"
    assert not is_extended(long_comment.encode())


def test_binary_garbage_is_not_ours() -> None:
    assert not is_extended(bytes(range(256)))
    assert not is_extended(b"\xff\xfe create materialization")
