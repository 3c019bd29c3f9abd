"""A private MariaDB server for tests that need one configured differently from the shared one.

`PrivateMariaDB` creates a datadir with `mariadb-install-db` in a fresh temporary directory and
runs `/usr/sbin/mariadbd` on a free port of 127.0.0.1 with its own socket, pid file and error
log, configured with what the shared server lacks:

* TLS: a self-signed CA and a server certificate are generated at start (`cryptography`, EC
  P-256, so generation takes milliseconds); `have_ssl` is YES.
* `max_allowed_packet=256M` (the shared server allows 16 MiB). 128M is not enough for a 64 MiB
  value sent by pymysql: PyMySQL 1.2 sends bytes parameters as hex literals (`_binary X'..'`),
  so the INSERT of a 64 MiB value is a 128 MiB + 39 byte statement.
* `proxy_protocol_networks=127.0.0.0/8` so the proxy on this machine may send a PROXY header.
  Verified on MariaDB 10.11: the header is OPTIONAL for these networks. The server sends its
  greeting first and only looks for a header when it reads the first packet, so a connection
  from 127.0.0.0/8 without a header logs in normally (as its TCP peer address), and one with a
  header is treated as coming from the address in the header. A header from an address outside
  the networks is refused with error 1130 "Proxy header is not accepted from ...".
* `max_connect_errors=10`, with host name resolution left ON: MariaDB only keeps its host cache
  (where connect errors are counted and hosts blocked with error 1129) when it resolves names.
  The address 127.0.0.1 (and ::1) never goes through that cache; it is called `localhost`
  without a lookup, so it can never be blocked. Other loopback addresses (127.0.0.2, ...) are
  ordinary hosts: after 10 aborted handshakes in a row they are blocked until `FLUSH HOSTS` or a
  successful login from them resets their count. A user `root@'%'` without password exists so
  that such addresses can log in.
* `max_connections=500`, and durability switched off (no doublewrite, no fsync at commit):
  the data is thrown away.

The server runs as root here, hence `--user=root` (added only when the tests run as root).
`stop()` signals exactly the process `start()` spawned (SIGTERM, then SIGKILL after a timeout)
and deletes the temporary directory. Start-up takes about 1 s on an idle machine
(mariadb-install-db 0.75-0.85 s, the server 0.12-0.2 s until it accepts a login, certificates
3 ms), 2-5 s on a loaded one; `startup_seconds` has the figure. Stopping takes about 0.1 s.

Test modules import the session-scoped fixture `private_mariadb` explicitly (its function has
another name, so that test parameters called `private_mariadb` do not shadow the import)::

    from tests.private_mariadb import private_mariadb_fixture  # noqa: F401

Without `mariadbd` the fixture skips with a loud reason; under CI=true it fails instead.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pymysql
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MARIADBD = os.environ.get("JASMINE_TEST_MARIADBD", "/usr/sbin/mariadbd")
INSTALL_DB = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
IN_CI = os.environ.get("CI", "").lower() == "true"

#: Addresses allowed to send a PROXY protocol header: every loopback address.
PROXY_PROTOCOL_NETWORKS = "127.0.0.0/8"
MAX_CONNECT_ERRORS = 10
MAX_ALLOWED_PACKET = 256 * 1024 * 1024

#: Options shared by the bootstrap (mariadb-install-db) and the server: the data is thrown away,
#: so nothing is written twice or synced at commit.
_COMMON_OPTIONS = ("--innodb-doublewrite=0", "--innodb-flush-log-at-trx-commit=0")

#: Run once the server is up (bootstrap mode runs with --skip-grant-tables: no CREATE USER).
_SETUP_SQL = (
    "CREATE USER IF NOT EXISTS 'root'@'%'",
    "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION",
)


def mariadbd_missing() -> str | None:
    """None if a private server can be built here; otherwise why not."""
    for path in (MARIADBD, INSTALL_DB):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (apt-get install mariadb-server)"
    return None


# -- TLS material -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TlsFiles:
    """PEM files: a self-signed CA and one certificate (with its key) that the CA signed."""

    ca: Path
    cert: Path
    key: Path


def make_tls_files(directory: Path, common_name: str) -> TlsFiles:
    """A fresh CA and a certificate for `common_name`, valid for localhost and 127.0.0.0/8
    addresses 127.0.0.1-127.0.0.3, written to `directory` as `<common_name>-{ca,cert,key}.pem`."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    validity = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=2))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{common_name} test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    names += [x509.IPAddress(ipaddress.ip_address(f"127.0.0.{i}")) for i in (1, 2, 3)]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    files = TlsFiles(
        ca=directory / f"{common_name}-ca.pem",
        cert=directory / f"{common_name}-cert.pem",
        key=directory / f"{common_name}-key.pem",
    )
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,  # "EC PRIVATE KEY": read by all
            serialization.NoEncryption(),
        )
    )
    files.key.chmod(0o600)
    return files


# -- the server ---------------------------------------------------------------------------------
def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class PrivateMariaDBError(RuntimeError):
    """The private server could not be created or did not come up in time."""


class PrivateMariaDB:
    """One private `mariadbd`: `start()`, use `url`/`connect()`, `stop()` (or use `with`)."""

    host = "127.0.0.1"

    def __init__(
        self,
        extra_options: Sequence[str] = (),
        *,
        start_timeout: float = 60.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self.extra_options = tuple(extra_options)
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.base: Path | None = None
        self.tls: TlsFiles | None = None
        self.startup_seconds = 0.0  # wall time of the last start(): datadir + server
        self.pids: list[int] = []  # every server process started, each in a session of its own

    # paths inside the temporary directory
    @property
    def _base(self) -> Path:
        if self.base is None:
            raise PrivateMariaDBError("the private server is not started")
        return self.base

    @property
    def datadir(self) -> Path:
        return self._base / "data"

    @property
    def socket_path(self) -> Path:
        return self._base / "mysqld.sock"

    @property
    def pid_file(self) -> Path:
        return self._base / "mysqld.pid"

    @property
    def error_log(self) -> Path:
        return self._base / "error.log"

    @property
    def url(self) -> str:
        """The backend URL to give the proxy (as root, no password)."""
        return f"mysql://root@{self.host}:{self.port}"

    def options(self) -> list[str]:
        """The server's command line after `--no-defaults`."""
        assert self.tls is not None
        user = ["--user=root"] if os.geteuid() == 0 else []
        return [
            *user,
            f"--datadir={self.datadir}",
            f"--tmpdir={self.datadir}",  # not /tmp: a start deletes every #sql* file there
            f"--socket={self.socket_path}",
            f"--pid-file={self.pid_file}",
            f"--log-error={self.error_log}",
            f"--bind-address={self.host}",
            f"--port={self.port}",
            f"--ssl-ca={self.tls.ca}",
            f"--ssl-cert={self.tls.cert}",
            f"--ssl-key={self.tls.key}",
            f"--max-allowed-packet={MAX_ALLOWED_PACKET}",
            f"--proxy-protocol-networks={PROXY_PROTOCOL_NETWORKS}",
            f"--max-connect-errors={MAX_CONNECT_ERRORS}",
            "--max-connections=500",
            "--log-warnings=4",  # aborted handshakes go to the error log
            *_COMMON_OPTIONS,
            *self.extra_options,
        ]

    def command(self) -> list[str]:
        """The server's whole command line (a subclass may start it with a --defaults-file)."""
        return [MARIADBD, "--no-defaults", *self.options()]

    # lifecycle
    def start(self) -> None:
        """Create the datadir and start the server; return once it accepts connections."""
        missing = mariadbd_missing()
        if missing:
            raise PrivateMariaDBError(missing)
        if self.proc is not None:
            raise PrivateMariaDBError("already started")
        began = time.monotonic()
        self.base = Path(tempfile.mkdtemp(prefix="jasmine-mariadb-"))
        atexit.register(self.stop)  # a safety net should the test session die without teardown
        try:
            self.tls = make_tls_files(self._base / "tls", "mariadb")
            self._install_db()
            for attempt in range(3):  # the free port may be taken before the server binds it
                self.port = _free_port(self.host)
                if self._launch(last_attempt=attempt == 2):
                    break
            self.execute(*_SETUP_SQL)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def _install_db(self) -> None:
        user = ["--user=root"] if os.geteuid() == 0 else []
        cmd = [
            INSTALL_DB,
            "--no-defaults",
            *user,
            f"--datadir={self.datadir}",
            f"--tmpdir={self.datadir}",  # not /tmp: a start deletes every #sql* file there
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            *_COMMON_OPTIONS,
        ]
        try:
            done = subprocess.run(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=self.start_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PrivateMariaDBError(f"mariadb-install-db took over {exc.timeout}s") from None
        if done.returncode != 0:
            output = done.stdout.decode(errors="replace")[-3000:]
            raise PrivateMariaDBError(f"mariadb-install-db failed ({done.returncode}):\n{output}")

    def _launch(self, *, last_attempt: bool) -> bool:
        """Start mariadbd and wait for it. False if it lost the race for its port."""
        self.error_log.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C for pytest is not for the server
        )
        self.pids.append(self.proc.pid)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                log = self.log_tail()
                self.proc = None
                if "Address already in use" in log and not last_attempt:
                    return False
                raise PrivateMariaDBError(f"mariadbd exited with {code}:\n{log}")
            if self._accepts():
                return True
            time.sleep(0.05)
        self._terminate()
        raise PrivateMariaDBError(
            f"mariadbd did not accept connections within {self.start_timeout}s:\n{self.log_tail()}"
        )

    def _accepts(self) -> bool:
        """True once our server answers a login over TCP, as the tests will use it."""
        try:
            with self.connect(connect_timeout=2) as conn, conn.cursor() as cur:
                cur.execute("SELECT @@socket")
                row = cur.fetchone()
        except pymysql.err.OperationalError:
            return False
        if row is None or row[0] != str(self.socket_path):  # someone else took the port
            raise PrivateMariaDBError(f"another server answers on {self.host}:{self.port}")
        return True

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.error_log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no error log)"

    def _terminate(self) -> None:
        """SIGTERM exactly our process; SIGKILL it if it has not exited after `stop_timeout`."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(self.stop_timeout)

    def stop(self) -> None:
        """Stop the server (if running) and delete its temporary directory. Idempotent."""
        atexit.unregister(self.stop)
        try:
            self._terminate()
        finally:
            base, self.base = self.base, None
            if base is not None:
                shutil.rmtree(base, ignore_errors=True)

    def restart(self, down_for: float = 0.0) -> None:
        """Stop the server (SIGTERM, as an operator would), stay down `down_for` seconds, and
        start it again on the same port and datadir; return once it accepts connections."""
        self._terminate()
        time.sleep(down_for)
        if not self._launch(last_attempt=True):
            raise PrivateMariaDBError(f"could not restart on port {self.port}")

    def __enter__(self) -> PrivateMariaDB:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # clients
    def connect(self, **kwargs: object) -> pymysql.connections.Connection:
        """A direct connection to the private server (root over TCP, autocommit, unless told
        otherwise)."""
        kwargs.setdefault("user", "root")
        kwargs.setdefault("autocommit", True)
        kwargs.setdefault("connect_timeout", 10)
        kwargs.setdefault("read_timeout", 120)
        kwargs.setdefault("host", self.host)
        kwargs.setdefault("port", self.port)
        return pymysql.connect(**kwargs)

    def execute(self, *statements: str) -> None:
        """Run administrative statements as root (direct, over 127.0.0.1)."""
        with self.connect() as conn, conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise PrivateMariaDBError("the private server is not running")
        return self.proc.pid


def _shout(config: pytest.Config, banner: str) -> None:
    """Write `banner` to the terminal now, past pytest's output capturing."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    uncaptured = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with uncaptured:
        reporter.write_line("\n" + "!" * len(banner) + "\n" + banner, red=True, bold=True)


@pytest.fixture(scope="session", name="private_mariadb")
def private_mariadb_fixture(request: pytest.FixtureRequest) -> Iterator[PrivateMariaDB]:
    """A private MariaDB for the session (see the module docstring for its configuration)."""
    missing = mariadbd_missing()
    if missing:
        reason = f"no private MariaDB can be started: {missing}"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        _shout(request.config, f"SKIPPING PRIVATE-BACKEND TESTS: {reason}")
        pytest.skip(reason)
    server = PrivateMariaDB()
    server.start()
    try:
        yield server
    finally:
        server.stop()
