"""Fixtures. Backend tests talk to the real MariaDB through the real proxy.

Without a reachable MariaDB they skip with a loud reason; under CI=true that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.sites import site  # noqa: F401  (a fixture: a test's database on each backend)
from tests.support import Proxy, direct, mariadb_reason

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("backend") for item in items):
        return
    reason = mariadb_reason()
    if reason is None:
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true and backend tests cannot run: {reason}")
    banner = f"SKIPPING BACKEND TESTS: {reason}"
    config.get_terminal_writer().line("\n" + "!" * len(banner) + "\n" + banner, red=True)
    for item in items:
        if item.get_closest_marker("backend"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def proxy() -> Iterator[Proxy]:
    """One proxy for the session, relaying to the shared MariaDB."""
    p = Proxy()
    yield p
    assert p.stop() == 0, p.log


@pytest.fixture
def make_database() -> Iterator[Callable[[], str]]:
    """Creates fresh databases on demand; drops them all afterwards."""
    names: list[str] = []

    def make() -> str:
        names.append(f"jt_{uuid.uuid4().hex[:10]}")
        with direct() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{names[-1]}`")
        return names[-1]

    yield make
    with direct() as conn, conn.cursor() as cur:
        cur.execute("SET SESSION lock_wait_timeout = 20")  # a leaked lock fails, not hangs
        for name in names:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        # and what Jasmine's shared catalog recorded about materializations in them
        cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                    "'jasmine' AND TABLE_NAME = 'materializations'")  # fmt: skip
        if names and cur.fetchone()[0]:
            marks = ", ".join(["%s"] * len(names))
            cur.execute(
                f"DELETE FROM jasmine.materializations WHERE schema_name IN ({marks})", names
            )
            conn.commit()  # direct() does not autocommit: without this the DELETE was undone


@pytest.fixture
def database(make_database: Callable[[], str]) -> str:
    """A fresh database, dropped afterwards."""
    return make_database()


@pytest.fixture
def user(database: str) -> Iterator[tuple[str, str]]:
    """A backend user with a password and all privileges on `database` only; dropped after."""
    name, password = f"ju_{uuid.uuid4().hex[:8]}", "pw-" + uuid.uuid4().hex[:8]
    with direct() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE USER '{name}'@'%%' IDENTIFIED BY %s", (password,))
        cur.execute(f"GRANT ALL ON `{database}`.* TO '{name}'@'%'")
    yield name, password
    with direct() as conn, conn.cursor() as cur:
        cur.execute(f"DROP USER IF EXISTS '{name}'@'%'")
