"""Every morning, on the dunning schedule: does the table of days equated with holidays (the
Algemene termijnenwet's decrees) still reach a quarter ahead? If not, every agency gets an
action item (once per table end) and the log a warning. The same morning's look at the
calendar reminds an agency whose Wki registration ends within a quarter or has ended (law28:
shared/services/wki_registration_watch.py)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("check_holiday_table")
@bp.timer_trigger(arg_name="timer", schedule="%DUNNING_SCHEDULE%", run_on_startup=False)
def check_holiday_table(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    services = bootstrap.services()
    services.holiday_table.check()
    services.wki_registration.check()
