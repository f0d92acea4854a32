"""``python -m tools.devhost [--port N]``: run the local host on already-running storage."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from tools.devhost.config import HostConfig, apply_settings, load_local_settings

ROOT = Path(__file__).resolve().parent.parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.devhost")
    parser.add_argument("--port", type=int, default=7071)
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    apply_settings(load_local_settings(ROOT))
    from tools.devhost.host import LocalHost

    host = LocalHost(ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=args.port)
    host.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        host.stop()


if __name__ == "__main__":
    main()
