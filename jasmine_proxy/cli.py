"""The `jasmine-proxy` command line. Errors become one line on stderr and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from jasmine_proxy.config import DEFAULT_BACKEND, DEFAULT_PORT, Settings, parse_backend_url
from jasmine_proxy.errors import BackendUnavailable, JasmineError, exit_code

if TYPE_CHECKING:
    from jasmine_proxy.core import Core
    from jasmine_proxy.extended import Executor
    from jasmine_proxy.scheduler import Scheduler

logger = logging.getLogger("jasmine_proxy")

SERVE_EXAMPLES = """\
examples:
  # the embedded default: a SQLite file jasmine.db here, no database server needed
  jasmine-proxy serve

  # the same on another file, with a password for the one account (root unless --user)
  jasmine-proxy serve --backend sqlite:////var/lib/jasmine/shop.db --password s3cret

  # relay to a MariaDB on this machine; clients log in as their own MariaDB users
  jasmine-proxy serve --backend mysql://jasmine:secret@127.0.0.1:3306/app

  # the same, configured from the environment, four processes sharing port 3307
  JASMINE_BACKEND=mariadb://jasmine:secret@db.internal/app jasmine-proxy serve --workers 4

  # TLS for clients (mariadb --ssl, pymysql ssl=...)
  jasmine-proxy serve --backend mysql://jasmine@127.0.0.1 --tls-cert cert.pem --tls-key key.pem

then connect:  mariadb -h 127.0.0.1 -P 3307 -u root      (embedded default)
               mariadb -h 127.0.0.1 -P 3307 -u <user> -p  (relay: the backend's own users)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jasmine-proxy",
        description="A MySQL wire-protocol proxy that compiles extended SQL into managed ETL.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="accept MySQL clients and relay them to the backend",
        description="Accept MySQL clients and relay them to the backend database. Ordinary "
        "statements pass through unchanged; Jasmine's extended statements are answered here.",
        epilog=SERVE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    env = os.environ.get
    serve.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    serve.add_argument(
        "--backend",
        default=env("JASMINE_BACKEND") or DEFAULT_BACKEND,
        help="backend URL: sqlite:///file.db (the embedded default, no server needed; "
        "sqlite:////abs/path.db for an absolute path) or mysql://user:pass@host:port/db "
        "(also mysql+pymysql://, mariadb://), whose credentials are Jasmine's own service "
        f"account [env JASMINE_BACKEND, default {DEFAULT_BACKEND}]",
    )
    serve.add_argument(
        "--user",
        default=env("JASMINE_USER", "root"),
        help="embedded backend only: the account clients log in as (a relay's clients log in "
        "as the backend's own users) [env JASMINE_USER, default root]",
    )
    serve.add_argument(
        "--password",
        default=env("JASMINE_PASSWORD", ""),
        help="embedded backend only: that account's password [env JASMINE_PASSWORD, default empty]",
    )
    serve.add_argument(
        "--host",
        default=env("JASMINE_HOST", "127.0.0.1"),
        help="address to listen on [env JASMINE_HOST, default 127.0.0.1]",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(env("JASMINE_PORT", str(DEFAULT_PORT))),
        help=f"port to listen on; 0 picks a free one [env JASMINE_PORT, default {DEFAULT_PORT}]",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (SO_REUSEPORT)"
    )
    serve.add_argument("--tls-cert", help="PEM certificate offered to clients that ask for TLS")
    serve.add_argument("--tls-key", help="PEM private key for --tls-cert")
    serve.add_argument(
        "--proxy-protocol",
        action="store_true",
        help="send a PROXY protocol v1 header so the backend sees each client's address "
        "(MariaDB: proxy_protocol_networks must include this host)",
    )
    serve.add_argument(
        "--catalog-schema",
        default=env("JASMINE_CATALOG_SCHEMA", "jasmine"),
        help="the database holding Jasmine's catalog on a MySQL backend "
        "[env JASMINE_CATALOG_SCHEMA, default jasmine]",
    )
    serve.add_argument(
        "--connect-timeout", type=float, default=10.0, help="seconds allowed for a login"
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not refresh materializations from this process (run `jasmine-proxy worker` "
        "elsewhere instead)",
    )
    add_scheduler_options(serve)
    worker = commands.add_parser(
        "worker",
        help="refresh materializations on the backend; accept no clients",
        description="Run the refresh scheduler alone, so refresh work scales out and stays "
        "apart from client traffic. Any number of workers and proxies may share a backend: "
        "each step is leased in the catalog, so none runs twice at once.",
    )
    add_backend_options(worker)
    add_scheduler_options(worker)
    status = commands.add_parser(
        "status",
        help="print the materializations on the backend and their health",
        description="Print every materialization in the backend's catalog, with its state, "
        "staleness and health, as SHOW MATERIALIZATIONS would (for every schema: this runs as "
        "the service account). Exits 0; 1 if any is not healthy, with --check.",
    )
    add_backend_options(status)
    status.add_argument("--json", action="store_true", help="one JSON object per line")
    status.add_argument(
        "--check", action="store_true", help="exit 1 unless every materialization is ok"
    )
    return parser


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    """What every command that is not `serve` needs: the backend and its catalog."""
    env = os.environ.get
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--backend",
        default=env("JASMINE_BACKEND") or DEFAULT_BACKEND,
        help=f"backend URL, as for serve [env JASMINE_BACKEND, default {DEFAULT_BACKEND}]",
    )
    parser.add_argument(
        "--catalog-schema",
        default=env("JASMINE_CATALOG_SCHEMA", "jasmine"),
        help="the database holding Jasmine's catalog on a MySQL backend [default jasmine]",
    )


def add_scheduler_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--refresh-timeout",
        type=float,
        default=float(os.environ.get("JASMINE_REFRESH_TIMEOUT", "3600")),
        help="seconds a statement of a step may run before it is cancelled with KILL QUERY "
        "(0: no limit) [env JASMINE_REFRESH_TIMEOUT, default 3600]",
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=int(os.environ.get("JASMINE_METRICS_PORT", "0")) or None,
        help="serve Prometheus metrics on this port (on --host for serve, 127.0.0.1 for "
        "worker) [env JASMINE_METRICS_PORT]",
    )
    parser.add_argument(
        "--alert-command",
        default=os.environ.get("JASMINE_ALERT_COMMAND"),
        help="shell command run with a JSON description on stdin whenever a materialization "
        "turns stale, failing, drifted or failed, and when it recovers "
        "[env JASMINE_ALERT_COMMAND]",
    )
    parser.add_argument(
        "--refresh-concurrency",
        type=int,
        default=int(os.environ.get("JASMINE_REFRESH_CONCURRENCY", "4")),
        help="refreshes run at once by this process [env JASMINE_REFRESH_CONCURRENCY, default 4]",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # until the event loop takes over the signals: a SIGTERM during start-up is a clean exit too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        commands = {"serve": serve, "worker": worker, "status": status}
        return commands[args.command](args)
    except (JasmineError, OSError) as exc:
        print(f"jasmine-proxy: error: {describe(exc, args)}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        return 0


def describe(exc: BaseException, args: argparse.Namespace) -> str:
    if isinstance(exc, OSError) and exc.errno in (98, 48):  # EADDRINUSE (Linux, BSD)
        return f"cannot listen on {args.host}:{args.port}: address already in use"
    if isinstance(exc, OSError) and exc.errno == 99:  # EADDRNOTAVAIL
        return f"cannot listen on {args.host}:{args.port}: address not available here"
    return str(exc)


def serve(args: argparse.Namespace) -> int:
    from jasmine_proxy import wire

    settings = Settings(
        backend=parse_backend_url(args.backend),
        host=args.host,
        port=args.port,
        workers=args.workers,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        proxy_protocol=args.proxy_protocol,
        connect_timeout=args.connect_timeout,
        user=args.user,
        password=args.password,
    )
    version = check_backend(settings)

    def announce(port: int) -> None:
        if settings.backend.is_sqlite:
            logger.info(
                "listening on %s:%d, serving %s (%s), user %s",
                settings.host,
                port,
                settings.backend.redacted(),
                version,
                settings.user,
            )
            return
        logger.info(
            "listening on %s:%d, relaying to %s (%s), %d worker%s",
            settings.host,
            port,
            settings.backend.redacted(),
            version,
            settings.workers,
            "" if settings.workers == 1 else "s",
        )

    from jasmine_proxy.core import Core
    from jasmine_proxy.scheduler import Background

    executor = open_executor(settings, args)
    background = None
    if not args.no_scheduler and isinstance(executor, Core):
        background = Background(make_scheduler(executor, args))

    def ready(port: int) -> None:
        announce(port)
        if args.metrics_port:
            from jasmine_proxy import metrics

            metrics.serve(args.metrics_port, settings.host)
            logger.info("metrics on http://%s:%d/metrics", settings.host, args.metrics_port)
        if background is not None:  # in the parent only, once any workers are forked
            background.start()

    try:
        wire.run(settings, executor, ready)
    finally:
        if background is not None:
            background.stop()
    return 0


def status(args: argparse.Namespace) -> int:
    """`jasmine-proxy status`: the catalog as a terminal table (read-only)."""
    import json

    from jasmine_proxy import report
    from jasmine_proxy.backends import open_backend
    from jasmine_proxy.catalog import Catalog, now

    settings = Settings(backend=parse_backend_url(args.backend))
    check_backend(settings)
    backend = open_backend(settings.backend, args.catalog_schema)
    catalog = Catalog(backend.engine, backend.catalog_schema, backend.catalog_prefix)
    at = now()
    rows = [report.show_row(m, at) for m in catalog.all()] if catalog.exists() else []
    if args.json:
        for row in rows:
            print(json.dumps(dict(zip(report.SHOW_COLUMNS, row, strict=True)), default=str))
    elif rows:
        print(report.table_text(report.SHOW_COLUMNS, rows))
    else:
        print(f"no materializations on {settings.backend.redacted()}")
    unhealthy = [r for r in rows if r[8] != "ok" or r[3] == "failed"]
    return 1 if args.check and unhealthy else 0


def make_scheduler(core: Core, args: argparse.Namespace) -> Scheduler:
    from jasmine_proxy.alerts import Alerts
    from jasmine_proxy.scheduler import Scheduler

    return Scheduler(core.steps, args.refresh_concurrency, alerts=Alerts(args.alert_command))


def worker(args: argparse.Namespace) -> int:
    """`jasmine-proxy worker`: the scheduler alone, until SIGINT/SIGTERM."""
    import trio

    from jasmine_proxy.scheduler import run_until_signalled

    settings = Settings(backend=parse_backend_url(args.backend))
    version = check_backend(settings)
    core = open_core(settings, args)
    logger.info(
        "worker refreshing materializations on %s (%s), %d at a time",
        settings.backend.redacted(),
        version,
        args.refresh_concurrency,
    )
    if args.metrics_port:
        from jasmine_proxy import metrics

        metrics.serve(args.metrics_port)
    trio.run(run_until_signalled, make_scheduler(core, args))
    logger.info("worker (pid %d) stopped", os.getpid())
    return 0


def open_executor(settings: Settings, args: argparse.Namespace) -> Executor:
    """The core on this backend; on one the core does not support yet, extended statements
    are recognised and refused (`embedded.NoCore`)."""
    from jasmine_proxy.backends import BACKENDS
    from jasmine_proxy.embedded import NoCore

    if settings.backend.scheme not in BACKENDS:
        return NoCore()
    return open_core(settings, args)


def open_core(settings: Settings, args: argparse.Namespace) -> Core:
    """The core on this backend: catalog created or upgraded, interrupted steps recovered."""
    from jasmine_proxy.backends import open_backend
    from jasmine_proxy.core import Core

    backend = open_backend(settings.backend, args.catalog_schema)
    backend.statement_timeout = args.refresh_timeout or None
    core = Core(backend)
    for outcome in core.open():
        state = outcome.after.state if outcome.after else "dropped"
        logger.info("recovered %s: %s", outcome.before.qualified, state)
    core.backend.engine.dispose()  # no pooled connection may be shared with forked workers
    return core


def check_backend(settings: Settings) -> str:
    """Reach the backend (and log in as the service account if one is given); its version."""
    import pymysql

    backend = settings.backend
    if backend.is_sqlite:
        return check_sqlite(backend.path or "")
    where = f"{backend.host}:{backend.port}"
    if not backend.user:
        try:
            with socket.create_connection((backend.host, backend.port), settings.connect_timeout):
                return "version unknown"
        except OSError as exc:
            raise BackendUnavailable(f"cannot reach the backend at {where}: {exc}") from None
    try:
        conn = pymysql.connect(
            host=backend.host,
            port=backend.port,
            user=backend.user,
            password=backend.password,
            database=backend.database,
            connect_timeout=settings.connect_timeout,
        )
    except pymysql.err.OperationalError as exc:
        code, message = exc.args[0], exc.args[-1]
        if code in (2003, 2013):
            raise BackendUnavailable(f"cannot reach the backend at {where}: {message}") from None
        raise BackendUnavailable(
            f"backend at {where} refused the service account: {message}"
        ) from None
    with conn:
        return str(conn.get_server_info())


def check_sqlite(path: str) -> str:
    """Open (creating) the embedded database file and check it can be written; SQLite's version."""
    import sqlite3

    from jasmine_proxy import sqlite_db

    try:
        conn = sqlite_db.connect(path)
        try:
            conn.execute("BEGIN IMMEDIATE")  # takes the write lock: fails on a read-only file
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise OSError(f"cannot use the database file {path}: {exc}") from None
    return f"embedded SQLite {sqlite3.sqlite_version}"
