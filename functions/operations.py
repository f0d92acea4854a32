"""Timers that keep production observable and recoverable: the nightly table backup and the
five-minute watch (poison queues, clients behind on dunning) whose figures the alerts read.
The schedules are app settings in UTC; none runs on start-up."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("backup_tables")
@bp.timer_trigger(arg_name="timer", schedule="%BACKUP_SCHEDULE%", run_on_startup=False)
def backup_tables(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.operations.backups import TIMER_BUDGET_SECONDS, back_up

    services = bootstrap.services()
    back_up(bootstrap.table_backup(services.settings), services.clock,
            budget_seconds=TIMER_BUDGET_SECONDS,
            retention_days=services.settings.backup_retention_days,
            legacy=bootstrap.legacy_backup(services.settings))  # fmt: skip


@bp.function_name("resume_backup")
@bp.timer_trigger(arg_name="timer", schedule="%BACKUP_RESUME_SCHEDULE%", run_on_startup=False)
def resume_backup(timer: func.TimerRequest, context: func.Context) -> None:
    """Goes on with tonight's backup when a run stopped at its budget (or was cut off)."""
    from shared import bootstrap
    from shared.services.operations.backups import TIMER_BUDGET_SECONDS, resume

    services = bootstrap.services()
    resume(bootstrap.table_backup(services.settings), services.clock,
           budget_seconds=TIMER_BUDGET_SECONDS,
           retention_days=services.settings.backup_retention_days,
           legacy=bootstrap.legacy_backup(services.settings))  # fmt: skip


@bp.function_name("watch_operations")
@bp.timer_trigger(arg_name="timer", schedule="%WATCH_SCHEDULE%", run_on_startup=False)
def watch_operations(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.operations.watch import watch

    services = bootstrap.services()
    backups = bootstrap.table_backup(services.settings)
    watch(services.repos.store, services.queues, services.clock,  # type: ignore[arg-type]
          rates_warning=services.statutory_rates.warning, newest_backup=backups.newest_complete,
          files=services.files)  # fmt: skip
