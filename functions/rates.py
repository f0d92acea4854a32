"""Every morning, on the dunning schedule: are the statutory interest rates in force current?
When the newest is older than seven months every agency gets an action item (once per stale
table) and the log a warning."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("check_statutory_rates")
@bp.timer_trigger(arg_name="timer", schedule="%DUNNING_SCHEDULE%", run_on_startup=False)
def check_statutory_rates(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().statutory_rates.check()
