"""The README's configuration table and local.settings.sample.json name the same settings
(newcomer31 F6: ``INNING_BACKUP_STORAGE`` was read and documented but missing from the sample,
so a newcomer copying the sample never saw it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# settings of the Functions host itself, not Inning's: the sample needs them, the table does not
HOST_ONLY = {"FUNCTIONS_WORKER_RUNTIME"}


def _table_names() -> set[str]:
    """The settings the first column of the README's *Configuration* table names (a suffix
    such as ``/_SECRET`` completes the name before it), less the families (``GRAPH_*``,
    ``MOLLIE_KEY_<CLIENT NUMBER>``) and the azd environment's values (not app settings)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if not line.startswith("| `") or "(azd env)" in line:
            continue
        first = line.split("|")[1]
        previous = ""
        for name in re.findall(r"`([^`]+)`", first):
            if name.startswith("_") and previous:  # `GRAPH_CLIENT_ID`/`_SECRET`
                name = previous.rsplit("_", 1)[0] + name
            if not re.search(r"[<*]", name):
                names.add(name)
                previous = name
    return names


def _sample() -> dict[str, str]:
    values: dict[str, str] = json.loads((ROOT / "local.settings.sample.json").read_text())["Values"]
    return values


def test_every_setting_in_the_readme_table_is_in_the_sample():
    sample = _sample()
    notes = " ".join(v for k, v in sample.items() if k.startswith("_"))
    # make run's ports are no app settings: the sample names them in a note (_MAKE_RUN_PORTS)
    missing = sorted(n for n in _table_names() if n not in sample and n not in notes)
    assert not missing, f"in the README's Configuration table, not in the sample: {missing}"


def test_every_setting_in_the_sample_is_in_the_readme_table():
    table = _table_names()
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    families = re.findall(r"`([A-Z_]+)\*`", section)  # GRAPH_*, CM_*, ...
    missing = sorted(
        name
        for name in _sample()
        if not name.startswith("_")
        and name not in table | HOST_ONLY
        and not name.startswith(tuple(families))
    )
    assert not missing, f"in the sample, not in the README's Configuration table: {missing}"


def test_each_sample_setting_has_its_note():
    sample = _sample()
    # a setting says what it is in a note of its own, or in its family's (_GRAPH for GRAPH_*)
    notes = {k[1:] for k in sample if k.startswith("_")}
    unexplained = sorted(
        n
        for n in sample
        if not n.startswith("_") and n not in notes and n.split("_")[0] not in notes
    )
    assert not unexplained, unexplained
