"""Timers that keep production observable and recoverable: the nightly table backup and the
five-minute watch (poison queues, clients behind on dunning) whose figures the alerts read.
Both schedules are app settings in UTC; neither runs on start-up."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("backup_tables")
@bp.timer_trigger(arg_name="timer", schedule="%BACKUP_SCHEDULE%", run_on_startup=False)
def backup_tables(timer: func.TimerRequest) -> None:
    from shared import bootstrap
    from shared.services.operations.backups import back_up

    services = bootstrap.services()
    back_up(bootstrap.table_backup(services.settings), services.clock)


@bp.function_name("watch_operations")
@bp.timer_trigger(arg_name="timer", schedule="%WATCH_SCHEDULE%", run_on_startup=False)
def watch_operations(timer: func.TimerRequest) -> None:
    from shared import bootstrap
    from shared.services.operations.watch import watch

    services = bootstrap.services()
    watch(services.repos.store, services.queues, services.clock)  # type: ignore[arg-type]
