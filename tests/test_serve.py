"""`jasmine-proxy serve` as a user runs it: start-up errors, environment, workers, signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from tests.support import MARIADB_URL, ROOT, Proxy, free_port, rows


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jasmine_proxy", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def test_help_has_examples() -> None:
    out = run_cli("serve", "--help")
    assert out.returncode == 0
    assert "examples:" in out.stdout
    assert "mariadb -h 127.0.0.1 -P 3307 -u <user> -p" in out.stdout


def test_backend_unreachable_is_one_line() -> None:
    out = run_cli("serve", "--backend", f"mysql://root@127.0.0.1:{free_port()}", "--port", "0")
    assert out.returncode == 69
    assert out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith("jasmine-proxy: error: cannot reach the backend at 127.0.0.1:")
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "postgres://x@h/db"], "unsupported backend URL scheme"),
        (["--backend", "sqlite://host/x.db"], "names a file, not a host"),
        (["--backend", "sqlite:///x.db", "--workers", "2"], "--workers must be 1"),
        (["--backend", MARIADB_URL, "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_configuration_errors(args: list[str], message: str) -> None:
    out = run_cli("serve", *args, env={"JASMINE_BACKEND": ""})
    assert out.returncode == 64
    assert message in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.backend
def test_port_taken_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = run_cli("serve", "--backend", MARIADB_URL, "--port", str(port))
    assert out.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}: address already in use" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.backend
def test_wrong_service_account_is_one_line() -> None:
    out = run_cli("serve", "--backend", "mysql://root:wrong@127.0.0.1:3306", "--port", "0")
    assert out.returncode == 69
    assert "refused the service account" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.backend
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signals_close_clients_and_exit_zero(sig: signal.Signals) -> None:
    proxy = Proxy()
    client = proxy.connect()
    assert rows(client, "SELECT 1") == [(1,)]
    assert proxy.stop(sig) == 0
    assert "stopped" in proxy.log
    assert client._sock is not None
    client._sock.settimeout(5)
    assert client._sock.recv(1) == b""  # the proxy closed the client's connection


@pytest.mark.backend
def test_environment_configures_serve() -> None:
    port = free_port()
    env = {"JASMINE_BACKEND": MARIADB_URL, "JASMINE_PORT": str(port), "JASMINE_HOST": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jasmine_proxy", "serve"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert f"listening on 127.0.0.1:{port}" in line
        assert "relaying to mysql://root@127.0.0.1:3306" in line
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0


@pytest.mark.backend
def test_workers_share_the_port() -> None:
    proxy = Proxy(MARIADB_URL, "--workers", "3")
    try:
        pids = set()
        for _ in range(30):
            with proxy.connect() as c:
                assert rows(c, "SELECT 1") == [(1,)]
        children = subprocess.run(
            ["pgrep", "-P", str(proxy.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        pids.update(children)
        assert len(pids) == 2  # two forked workers beside the first process
    finally:
        assert proxy.stop() == 0
    leftover = subprocess.run(["pgrep", "-P", str(proxy.proc.pid)], capture_output=True)
    assert leftover.stdout == b""
