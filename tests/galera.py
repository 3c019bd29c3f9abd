"""A 3-node MariaDB Galera cluster on loopback, for tests of Jasmine on a multi-primary backend.

`GaleraCluster` builds on `PrivateMariaDB` (tests/private_mariadb.py): each node is a private
`mariadbd` in its own temporary directory (datadir made by `mariadb-install-db`), started with
its own `--defaults-file` (the state-transfer scripts read the node's settings from it) holding
what Galera needs:

* `wsrep_provider=/usr/lib/galera/libgalera_smm.so`, a cluster name of its own (random, so two
  test sessions on one machine never join each other), `wsrep_cluster_address=gcomm://` listing
  every node's group port, `binlog_format=ROW`, `innodb_autoinc_lock_mode=2`, InnoDB default;
* every port chosen free on 127.0.0.1 (SQL, group communication, IST, SST): nothing listens on
  another address, and the shared server on 3306 is never touched;
* rsync state transfer (`wsrep_sst_method=rsync`; needs `rsync` and `ss`), so a node that joins
  or rejoins copies the datadir of a synced one; run as root, the nodes run as `mysql` (see
  `RUN_AS`);
* node 1 starts first with `--wsrep-new-cluster` (the bootstrap), then nodes 2 and 3 join at
  once; `start()` returns when every node reports `wsrep_cluster_size=3` and `Synced`;
* durability off (no doublewrite, no fsync at commit: the data is thrown away), a 64 MiB
  buffer pool and a 32 MiB gcache per node.

`kill(i)` SIGKILLs node i as a crash would (and waits until the others form a cluster without
it); `rejoin(i)` starts it again on the same ports and datadir (it rejoins with a state transfer)
and waits until all are Synced. `stop()` stops exactly the processes it started: each node was
started in a session of its own, so its pid is its process group's id, and what is left of that
group whose command line names the node's directory (a state-transfer script's rsync) is killed
after the server. The session fixture
`galera_cluster` stops the cluster however the tests end; import it as::

    from tests.galera import galera_cluster_fixture  # noqa: F401

Measured here (MariaDB 10.11, galera-4 26.4, 2 cores shared with other work): 12-20 s to start
the three, about 0.5 GB of memory for them.
"""

from __future__ import annotations

import os
import pwd
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pymysql
import pytest

from tests.private_mariadb import (
    IN_CI,
    MARIADBD,
    PrivateMariaDB,
    PrivateMariaDBError,
    _free_port,
    _shout,
    mariadbd_missing,
)

PROVIDER = os.environ.get("JASMINE_TEST_GALERA", "/usr/lib/galera/libgalera_smm.so")
SIZE = 3
#: the account the nodes run as when the tests run as root: rsync's daemon, which the joiner's
#: state-transfer script starts as the server's user, drops root for `nobody` (who may not write
#: the datadir); as `mysql` it keeps its user
RUN_AS = "mysql"
#: how fast a dead node is noticed: short enough for a kill test, long enough that a node
#: starved of CPU on a busy 2-core machine is not taken for dead
EVS = "evs.suspect_timeout=PT4S;evs.inactive_timeout=PT8S;evs.keepalive_period=PT1S"


def galera_missing() -> str | None:
    """None if a Galera cluster can be built here; otherwise why not."""
    missing = mariadbd_missing()
    if missing:
        return missing
    if not os.path.exists(PROVIDER):
        return f"{PROVIDER} is not installed (apt-get install galera-4)"
    for tool in ("rsync", "ss"):
        if not any(os.access(Path(d) / tool, os.X_OK) for d in os.get_exec_path()):
            return f"{tool} is not installed (rsync state transfer needs rsync and ss)"
    return None


class GaleraNode(PrivateMariaDB):
    """One node: a private server started with a --defaults-file of Galera settings."""

    def __init__(self, number: int, cluster: GaleraCluster) -> None:
        super().__init__(start_timeout=180.0, stop_timeout=60.0)
        self.number = number
        self.cluster = cluster
        self.group_port = cluster.group_ports[number - 1]
        self.ist_port = 0
        self.sst_port = 0
        self.bootstrap = number == 1  # only for the first start: later starts join

    @property
    def config(self) -> Path:
        return self._base / "my.cnf"

    def settings(self) -> dict[str, str]:
        """The node's [mariadbd] section."""
        if not self.ist_port:
            self.ist_port, self.sst_port = _free_port(self.host), _free_port(self.host)
        provider_options = ";".join(
            (
                f"base_port={self.group_port}",
                f"gmcast.listen_addr=tcp://{self.host}:{self.group_port}",
                f"ist.recv_addr={self.host}:{self.ist_port}",
                "gcache.size=32M",
                EVS,
            )
        )
        values = {
            "datadir": str(self.datadir),
            "tmpdir": str(self.datadir),  # not /tmp, where a start deletes every #sql* file
            "socket": str(self.socket_path),
            "pid-file": str(self.pid_file),
            "log-error": str(self.error_log),
            "bind-address": self.host,
            "port": str(self.port),
            "max-connections": "500",
            "innodb-doublewrite": "0",
            "innodb-flush-log-at-trx-commit": "0",
            "innodb-buffer-pool-size": "64M",
            "default-storage-engine": "InnoDB",
            "binlog-format": "ROW",
            "innodb-autoinc-lock-mode": "2",
            "wsrep-on": "ON",
            "wsrep-provider": PROVIDER,
            "wsrep-provider-options": f'"{provider_options}"',
            "wsrep-cluster-name": self.cluster.name,
            "wsrep-cluster-address": self.cluster.address,
            "wsrep-node-name": f"node{self.number}",
            "wsrep-node-address": f"{self.host}:{self.group_port}",
            "wsrep-node-incoming-address": f"{self.host}:{self.port}",
            "wsrep-sst-method": "rsync",
            "wsrep-sst-receive-address": f"{self.host}:{self.sst_port}",
            "wsrep-slave-threads": "2",
        }
        if os.geteuid() == 0:
            values["user"] = RUN_AS
        return values

    def command(self) -> list[str]:
        lines = ["[mariadbd]", *(f"{k}={v}" for k, v in self.settings().items())]
        self.config.write_text("\n".join(lines) + "\n")
        if os.geteuid() == 0:  # the server, and so its state-transfer scripts, run as RUN_AS
            account = pwd.getpwnam(RUN_AS)
            for path in (self._base, *self._base.rglob("*")):
                os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
        extra = ["--wsrep-new-cluster"] if self.bootstrap else []
        return [MARIADBD, f"--defaults-file={self.config}", *extra]

    def status(self) -> dict[str, str]:
        """The node's wsrep status variables (empty if it does not answer)."""
        try:
            with self.connect(connect_timeout=2, read_timeout=10) as conn, conn.cursor() as cur:
                cur.execute("SHOW GLOBAL STATUS LIKE 'wsrep%'")
                return {str(k): str(v) for k, v in cur.fetchall()}
        except pymysql.err.MySQLError:
            return {}

    def synced(self, size: int) -> bool:
        found = self.status()
        return (
            found.get("wsrep_local_state_comment") == "Synced"
            and found.get("wsrep_cluster_size") == str(size)
            and found.get("wsrep_ready") == "ON"
        )

    def _launch(self, *, last_attempt: bool) -> bool:
        """Start the server and wait until it accepts SQL (a joiner answers a login before it
        has caught up: 1047 "WSREP has not yet prepared node for application use")."""
        if not super()._launch(last_attempt=last_attempt):
            return False
        deadline = time.monotonic() + self.start_timeout
        while self.status().get("wsrep_ready") != "ON":
            if time.monotonic() > deadline or self.proc is None or self.proc.poll() is not None:
                raise PrivateMariaDBError(f"node {self.number} not ready:\n{self.log_tail()}")
            time.sleep(0.1)
        return True

    def crash(self) -> None:
        """SIGKILL the server, as a power cut would; its datadir stays."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait(self.stop_timeout)
        self._kill_leftovers()

    def _terminate(self) -> None:
        super()._terminate()
        self._kill_leftovers()  # a state-transfer script left behind by a failed start

    def _kill_leftovers(self) -> None:
        """SIGKILL what is left of the sessions this node's servers were started in: processes
        whose process group and session are one of those servers' pids and whose command line
        names this node's directory (so a pid reused by someone else is never touched)."""
        if self.base is None:
            return
        marker, ours = str(self.base), set(self.pids)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                group, session = int(fields[2]), int(fields[3])
                if group not in ours or session != group:
                    continue
                if marker in (stat.parent / "cmdline").read_bytes().decode(errors="replace"):
                    os.kill(int(stat.parent.name), signal.SIGKILL)
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile, or not ours to read

    def start_node(self) -> None:
        """Start (first time: datadir and all) and note that later starts join."""
        self.start()
        self.bootstrap = False

    def launch_again(self) -> None:
        """Start the stopped server again on its ports and datadir (it joins the others)."""
        if not self._launch(last_attempt=True):
            raise PrivateMariaDBError(f"node {self.number} could not start again on {self.port}")


class GaleraCluster:
    """Three `GaleraNode`s on loopback: `start()`, `nodes[i]`, `kill(i)`, `rejoin(i)`, `stop()`."""

    def __init__(self, size: int = SIZE) -> None:
        self.name = f"jasmine-test-{uuid.uuid4().hex[:8]}"
        self.group_ports = [_free_port("127.0.0.1") for _ in range(size)]
        self.address = "gcomm://" + ",".join(f"127.0.0.1:{p}" for p in self.group_ports)
        self.nodes = [GaleraNode(i + 1, self) for i in range(size)]
        self.startup_seconds = 0.0

    def start(self, timeout: float = 240.0) -> None:
        """Bootstrap node 1, join the others, return once all are Synced."""
        began = time.monotonic()
        try:
            self.nodes[0].start_node()
            _all(node.start_node for node in self.nodes[1:])
            self.wait_synced(timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def running(self) -> list[GaleraNode]:
        return [node for node in self.nodes if node.proc is not None]

    def wait_synced(self, timeout: float = 180.0) -> None:
        """Until every running node is Synced in a cluster of all running nodes."""
        size = len(self.running())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(node.synced(size) for node in self.running()):
                return
            time.sleep(0.2)
        states = {n.number: n.status().get("wsrep_local_state_comment") for n in self.nodes}
        raise PrivateMariaDBError(f"the cluster did not sync within {timeout}s: {states}")

    def kill(self, number: int) -> None:
        """SIGKILL node `number` (1-based); return once the others are a cluster without it."""
        self.nodes[number - 1].crash()
        self.wait_synced()

    def rejoin(self, number: int) -> None:
        """Start a killed node again; return once it has caught up and all are Synced."""
        self.nodes[number - 1].launch_again()
        self.wait_synced()

    def stop(self) -> None:
        """Stop every node (the last one last, so no node waits for a dead majority)."""
        for node in reversed(self.nodes):
            node.stop()


def _all(actions: Iterator[Callable[[], None]] | list[Callable[[], None]]) -> None:
    """Run the actions at once in threads; re-raise the first error."""
    errors: list[BaseException] = []

    def run(action: Callable[[], None]) -> None:
        try:
            action()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


@pytest.fixture(scope="session", name="galera_cluster")
def galera_cluster_fixture(request: pytest.FixtureRequest) -> Iterator[GaleraCluster]:
    """A 3-node Galera cluster for the session, stopped however the session ends."""
    missing = galera_missing()
    if missing:
        reason = f"no Galera cluster can be started: {missing}"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        _shout(request.config, f"SKIPPING GALERA TESTS: {reason}")
        pytest.skip(reason)
    cluster = GaleraCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
