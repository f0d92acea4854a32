"""`make` never installs through a `.venv` or `node_modules` linked from another checkout
(newcomer26 F0). A fresh clone with both linked to save the install ran `make run`: the
clone's files are newer than the stamps inside the links, so it ran `pip install -e .` (the
other checkout's `inning` then imported the clone's code) and `npm ci` (which emptied the
other checkout's node_modules, Azurite with it, under everyone's tests). Here `npm` and the
venv's python are stand-ins that only note being called."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _checkout(tmp: Path) -> tuple[Path, Path, Path]:
    """A clone with the Makefile, its stamps' inputs newer than the stamps of the checkout
    its .venv and node_modules link to; the stand-ins write to ``calls``."""
    other, clone, calls = tmp / "other", tmp / "clone", tmp / "calls"
    (other / ".venv" / "bin").mkdir(parents=True)
    (other / "node_modules").mkdir()
    python = other / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho python "$@" >> {calls}\n')
    python.chmod(0o755)
    (other / ".venv" / ".installed").touch()
    (other / "node_modules" / ".installed").touch()
    (other / "node_modules" / "azurite").mkdir()
    time.sleep(0.01)
    clone.mkdir()
    shutil.copy(ROOT / "Makefile", clone / "Makefile")
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml", "package.json",
                 "package-lock.json"):  # fmt: skip
        (clone / name).write_text("newer than the stamps\n")
        os.utime(clone / name, (time.time() + 60, time.time() + 60))
    (clone / ".venv").symlink_to(other / ".venv")
    (clone / "node_modules").symlink_to(other / "node_modules")
    npm = tmp / "bin" / "npm"
    npm.parent.mkdir()
    npm.write_text(f'#!/bin/sh\necho npm "$@" >> {calls}\n')
    npm.chmod(0o755)
    return clone, other, calls


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("stamp", [".venv/.installed", "node_modules/.installed"])
def test_make_refuses_to_install_through_a_link(tmp_path: Path, stamp: str) -> None:
    clone, other, calls = _checkout(tmp_path)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    done = subprocess.run(["make", stamp], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode != 0
    assert "is a link to" in done.stderr and str(other) in done.stderr
    assert not calls.exists()  # neither pip nor npm ran
    assert (other / "node_modules" / "azurite").is_dir()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_installs_into_a_checkouts_own_folders(tmp_path: Path) -> None:
    clone, _, calls = _checkout(tmp_path)
    (clone / "node_modules").unlink()
    (clone / "node_modules").mkdir()
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    done = subprocess.run(["make", "node_modules/.installed"], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert calls.read_text().startswith("npm ci")
