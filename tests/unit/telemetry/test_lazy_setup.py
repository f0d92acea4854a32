"""Cold start: importing the app loads no OpenTelemetry, and outside Azure (no
APPLICATIONINSIGHTS_CONNECTION_STRING) the first invocation does not load the distro either."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.code_scan import ROOT

PROBE = """
import sys
import function_app
assert not [m for m in sys.modules if m.startswith(("opentelemetry", "azure.monitor"))], "imported at start"
from shared.telemetry import setup, metrics
setup.ensure({})
metrics.count("inning.probe")  # the API only: a no-op without a provider
loaded = sorted(m for m in sys.modules if m.startswith(("azure.monitor", "opentelemetry.sdk")))
assert not loaded, loaded
print("lazy")
"""


def test_no_telemetry_import_at_start_and_none_of_the_distro_locally() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPLICATIONINSIGHTS_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "lazy"
