"""Parse every Bicep file under a folder with pycep (the Bicep grammar checkov uses) and fail
on the first that does not parse. There is no Bicep compiler on these machines: checkov only
reports a file it cannot parse, and skips its checks, without failing; this does fail.

Run with the checkov environment's Python: ``.venv-checkov/bin/python tools/bicep_parse.py infra``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(folder: str) -> int:
    from pycep import BicepParser  # type: ignore[import-not-found]

    parser = BicepParser()
    failed = 0
    files = sorted(Path(folder).rglob("*.bicep"))
    for path in files:
        try:
            parser.parse(text=path.read_text())
        except Exception as exc:  # the grammar's own error says where
            failed += 1
            print(f"{path}: {str(exc).splitlines()[0]}", file=sys.stderr)
    print(f"bicep: {len(files) - failed} of {len(files)} files parse")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "infra"))
