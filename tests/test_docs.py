"""The README, grammar/ and examples/ stay true to the code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from jasmine_proxy.intercept import is_extended
from tests.support import ROOT, Proxy

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    "module", sorted(p.name for p in (ROOT / "jasmine_proxy").glob("*.py") if p.name[0] != "_")
)
def test_every_module_is_in_the_architecture_map(module: str) -> None:
    assert f"`jasmine_proxy/{module}`" in README


def test_readme_names_the_two_setup_commands() -> None:
    assert "pip install . && jasmine-proxy serve" in README
    assert "pip install -e '.[test]' && python -m pytest" in README
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_grammar_examples_agree_with_the_check() -> None:
    text = (ROOT / "grammar" / "README.md").read_text()
    block = text[text.index("## Recognition examples") :]
    for line in re.findall(r"^(.+;)\s+-- (recognised|an ordinary)", block, re.MULTILINE):
        assert is_extended(line[0].encode()) == (line[1] == "recognised"), line


@pytest.mark.backend
def test_examples_run_through_the_proxy(proxy: Proxy) -> None:
    for name in ("demo_shop.sql", "passthrough.sql", "daily_revenue.sql", "live_revenue.sql"):
        script = (ROOT / "examples" / name).read_text()
        out = subprocess.run(
            ["mariadb", "-h", "127.0.0.1", "-P", str(proxy.port), "-u", "root", "jasmine_demo"]
            if name != "demo_shop.sql"
            else ["mariadb", "-h", "127.0.0.1", "-P", str(proxy.port), "-u", "root"],
            input=script,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
    subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(proxy.port), "-u", "root", "-e",
         "DROP DATABASE jasmine_demo"],
        check=True,
        timeout=60,
    )  # fmt: skip


def test_examples_run_on_the_embedded_default(tmp_path: Path) -> None:
    """The examples as written, on `serve --backend sqlite:///...` (no MariaDB involved);
    daily_revenue.sql (materializations) once the core has a SQLite backend."""
    from jasmine_proxy.backends import BACKENDS

    names = ["demo_shop.sql", "passthrough.sql"]
    if "sqlite" in BACKENDS:
        names += ["daily_revenue.sql", "live_revenue.sql"]
    embedded = Proxy(f"sqlite:///{tmp_path / 'examples.db'}")
    try:
        for name in names:
            database = [] if name == "demo_shop.sql" else ["jasmine_demo"]
            out = subprocess.run(
                ["mariadb", "-h", "127.0.0.1", "-P", str(embedded.port), "-u", "root", *database],
                input=(ROOT / "examples" / name).read_text(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert out.returncode == 0, f"{name}: {out.stderr}"
            if name == "demo_shop.sql":  # the same cents as on MariaDB
                assert "2026-11-01\t4421.50" in out.stdout, out.stdout
    finally:
        assert embedded.stop() == 0, embedded.log
