"""A fresh clone stands alone: no test, benchmark or tool reads outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {
    ".venv",
    ".venv-checkov",
    "node_modules",
    ".git",
    ".data",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "inning.egg-info",
    "fixtures",
}
# a path that climbs out of the repository, or names the workplace's shared folder
OUTSIDE = re.compile(r"\.\./shared|shared/corpus|parents\[[3-9]\]|/work/")


def _sources() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".sh", ".json", ".toml", ".cfg", ".ini", "")
        and not SKIP.intersection(p.relative_to(ROOT).parts)
        and p.stat().st_size < 1_000_000
    ]


def test_nothing_reads_outside_the_repository():
    offenders = []
    for path in _sources():
        if path == Path(__file__):
            continue
        text = path.read_text(errors="replace")
        offenders += [
            f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line)
        ]
    assert offenders == []


def test_the_fixtures_carry_their_licences():
    fixtures = ROOT / "tests" / "fixtures"
    for folder in ("statements/mt940", "mollie"):
        assert (fixtures / folder / "LICENSE").is_file(), folder
    assert "licence" in (fixtures / "README.md").read_text()
