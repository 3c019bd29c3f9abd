"""Settings: one frozen dataclass built from command-line flags and the environment.

>>> parse_backend_url("mysql://etl:s3cret@db.internal:3306/app")  # doctest: +NORMALIZE_WHITESPACE
BackendURL(scheme='mysql', host='db.internal', port=3306, user='etl', password='s3cret',
           database='app', path=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from jasmine_proxy.errors import ConfigError

MYSQL_SCHEMES = ("mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql")
SQLITE_SCHEME = "sqlite"
DEFAULT_PORT = 3307
#: The embedded default: `serve` with no --backend.
DEFAULT_BACKEND = "sqlite:///jasmine.db"


@dataclass(frozen=True)
class BackendURL:
    """Where the backend is, and Jasmine's own service account on it."""

    scheme: str
    host: str
    port: int
    user: str
    password: str
    database: str | None
    path: str | None = None  # the database file, for scheme "sqlite"

    @property
    def is_sqlite(self) -> bool:
        return self.scheme == SQLITE_SCHEME

    def redacted(self) -> str:
        """The URL as it is safe to log: no password."""
        if self.is_sqlite:
            return f"sqlite:///{self.path}"
        auth = f"{self.user}@" if self.user else ""
        db = f"/{self.database}" if self.database else ""
        return f"{self.scheme}://{auth}{self.host}:{self.port}{db}"


def parse_backend_url(url: str) -> BackendURL:
    """Parse `mysql://user:pass@host:port/db` (also `mysql+pymysql://`, `mariadb://`), or
    `sqlite:///relative/file.db` / `sqlite:////absolute/file.db` (the embedded backend).

    >>> parse_backend_url("sqlite:////tmp/x.db").redacted()
    'sqlite:////tmp/x.db'
    >>> parse_backend_url("sqlite:///jasmine.db").path
    'jasmine.db'
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"invalid backend URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme == SQLITE_SCHEME:
        return _sqlite_url(url, parts.netloc, parts.path)
    if scheme not in MYSQL_SCHEMES:
        known = ", ".join(f"{s}://" for s in (*MYSQL_SCHEMES, SQLITE_SCHEME))
        raise ConfigError(f"unsupported backend URL scheme {scheme!r} (expected one of {known})")
    if not parts.hostname:
        raise ConfigError(f"backend URL {url!r} has no host")
    database = unquote(parts.path.lstrip("/")) or None
    return BackendURL(
        scheme=scheme,
        host=parts.hostname,
        port=port or 3306,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        database=database,
    )


def _sqlite_url(url: str, netloc: str, path: str) -> BackendURL:
    if netloc:
        raise ConfigError(
            f"backend URL {url!r}: a SQLite URL names a file, not a host "
            "(sqlite:///relative.db or sqlite:////absolute/path.db)"
        )
    file = unquote(path[1:] if path.startswith("/") else path)
    if not file:
        raise ConfigError(f"backend URL {url!r} names no database file")
    return BackendURL(SQLITE_SCHEME, "", 0, "", "", None, path=file)


@dataclass(frozen=True)
class Settings:
    """Everything `jasmine-proxy serve` needs to know; no module keeps globals."""

    backend: BackendURL
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    workers: int = 1
    tls_cert: str | None = None
    tls_key: str | None = None
    proxy_protocol: bool = False
    connect_timeout: float = 10.0
    user: str = "root"  # the embedded backend's one account (--user/--password)
    password: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is out of range 0-65535")
        if self.workers < 1:
            raise ConfigError("--workers must be at least 1")
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ConfigError("--tls-cert and --tls-key go together")
        if self.backend.is_sqlite and self.workers != 1:
            raise ConfigError("--workers must be 1 with the embedded SQLite backend")
        if self.backend.is_sqlite and self.tls_cert:
            raise ConfigError("--tls-cert/--tls-key are not available with the embedded backend")
        if self.backend.is_sqlite and self.proxy_protocol:
            raise ConfigError("--proxy-protocol needs a MySQL/MariaDB backend")
