"""A `mysqldump` of a MariaDB database restores into the embedded default with the `mariadb`
client as written (no --force): MariaDB's sandbox line, the version-conditional comments
(`/*!40101 SET NAMES ... */`, `/*!50001 CREATE VIEW ... */`), LOCK TABLES and
`ALTER TABLE ... DISABLE KEYS`; then tables and view answer as on MariaDB."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import MARIADB_HOST, MARIADB_PORT, Proxy, direct, rows

pytestmark = pytest.mark.backend  # the dump comes from MariaDB

QUERIES = (
    "SELECT * FROM a ORDER BY id",
    "SELECT * FROM b ORDER BY id",
    "SELECT * FROM v ORDER BY name",
    "SELECT COUNT(*), SUM(price) FROM a",
)


@pytest.fixture
def source() -> Iterator[str]:
    name = f"jd_{uuid.uuid4().hex[:8]}"
    conn = direct()
    try:
        for sql in (
            f"CREATE DATABASE {name}",
            f"USE {name}",
            "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, "
            "price DECIMAL(10,2), at DATETIME DEFAULT CURRENT_TIMESTAMP, note TEXT, "
            "KEY ix_name (name))",
            "CREATE TABLE b (id INT PRIMARY KEY, a_id INT, qty INT, "
            "FOREIGN KEY (a_id) REFERENCES a (id))",
            "INSERT INTO a (name, price, at, note) VALUES "
            "('x', 1.50, '2024-01-01 10:00:00', 'it''s \"q\" \\\\ back\\nline'), "
            "('y', NULL, '2024-01-02 00:00:00', NULL), ('é', 0.10, '2024-02-29 23:59:59', '')",
            "INSERT INTO b VALUES (1, 1, 3), (2, 2, 4), (3, 1, 5)",
            "CREATE VIEW v AS SELECT a.name, SUM(b.qty) AS q FROM a JOIN b ON b.a_id = a.id "
            "GROUP BY a.name",
        ):
            rows(conn, sql)
        conn.commit()
        yield name
    finally:
        rows(conn, f"DROP DATABASE IF EXISTS {name}")
        conn.commit()
        conn.close()


def test_a_mysqldump_restores_as_written(source: str, tmp_path: Path) -> None:
    dump = subprocess.run(
        ["mysqldump", "-h", MARIADB_HOST, "-P", str(MARIADB_PORT), "-u", "root", source],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "/*!40101 SET" in dump
    assert "DISABLE KEYS" in dump
    proxy = Proxy(f"sqlite:///{tmp_path / 'jasmine.db'}")
    try:
        with proxy.connect(autocommit=True) as conn:
            rows(conn, f"CREATE DATABASE {source}")
        restore = subprocess.run(
            ["mariadb", "-h", "127.0.0.1", "-P", str(proxy.port), "-u", "root", source],
            input=dump, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert restore.returncode == 0, restore.stderr
        conn = direct(database=source)
        try:
            expected = [rows(conn, q) for q in QUERIES]
        finally:
            conn.close()
        with proxy.connect(database=source) as conn:
            assert [rows(conn, q) for q in QUERIES] == expected
    finally:
        assert proxy.stop() == 0, proxy.log
