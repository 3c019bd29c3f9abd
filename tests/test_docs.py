"""The README, grammar/ and examples/ stay true to the code."""

from __future__ import annotations

import re
import subprocess

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
    for name in ("demo_shop.sql", "passthrough.sql", "daily_revenue.sql"):
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
