"""The timer that reads debtors' answers from the clients' mailboxes (Graph delta queries) and
files them: shared/services/inbound/reader.py. The schedule is the INBOUND_MAIL_SCHEDULE
setting; it never runs on start-up (a restart is not a reason to read mail)."""

from __future__ import annotations

import logging

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]
log = logging.getLogger("inning.inbound")


@bp.function_name("read_inbound_mail")
@bp.timer_trigger(arg_name="timer", schedule="%INBOUND_MAIL_SCHEDULE%", run_on_startup=False)
def read_inbound_mail(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    report = bootstrap.services().inbox_reader.run()
    log.info(
        "inbound mail: %s mailbox(es), %s filed, %s automatic, %s bounce(s), %s skipped, "
        "%s waiting for a matching index, %s failed",
        report.mailboxes, report.filed, report.auto_replies, report.bounces, report.skipped,
        report.waiting, len(report.failed),
    )  # fmt: skip
