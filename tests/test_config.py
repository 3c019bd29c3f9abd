"""Backend URLs and settings (no server needed)."""

from __future__ import annotations

import pytest

from jasmine_proxy.config import Settings, parse_backend_url
from jasmine_proxy.errors import ConfigError, UnsupportedStatement, exit_code, mysql_error


@pytest.mark.parametrize(
    "url",
    ["mysql://u:p@h:3310/db", "mysql+pymysql://u:p@h:3310/db", "mariadb://u:p@h:3310/db"],
)
def test_schemes(url: str) -> None:
    b = parse_backend_url(url)
    assert (b.host, b.port, b.user, b.password, b.database) == ("h", 3310, "u", "p", "db")


def test_defaults_and_escapes() -> None:
    b = parse_backend_url("mysql://etl:p%40ss%2Fw@db.internal")
    assert (b.port, b.password, b.database) == (3306, "p@ss/w", None)
    assert b.redacted() == "mysql://etl@db.internal:3306"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://u@h/db", "unsupported backend URL scheme"),
        ("mysql:///db", "has no host"),
        ("mysql://h:99999/db", "invalid backend URL"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_backend_url(url)


def test_settings_validation() -> None:
    backend = parse_backend_url("mysql://h")
    with pytest.raises(ConfigError, match="go together"):
        Settings(backend=backend, tls_cert="c.pem")
    with pytest.raises(ConfigError, match="workers"):
        Settings(backend=backend, workers=0)


def test_error_mapping() -> None:
    assert mysql_error(UnsupportedStatement("nope")) == (1235, "42000", "nope")
    code, state, message = mysql_error(RuntimeError("boom"))
    assert (code, state) == (1105, "HY000")
    assert "boom" in message
    assert exit_code(ConfigError("x")) == 64
