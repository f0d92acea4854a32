"""The console's long work: ``/jobs`` lists the client's latest jobs, ``/jobs/<id>`` shows where
one is (refreshing itself every 2 s while it runs) and its result, ``/jobs/<id>/file``
downloads the file it made. A job is looked up under the chosen client only, so a person sees
only jobs of clients in reach (another client's job id is simply not found); a job covering
several clients (an agency's report of all its clients) is shown, downloaded and started again
only for a person who may read every one of them (else it is not found either).

The refresh is the ``Refresh`` response header, not a ``<meta http-equiv=refresh>``: the same
behaviour in every browser, and a page that can be stopped from refreshing (``?still=1``;
WCAG 2.2.1), which axe's ``meta-refresh`` rule would refuse in markup.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from shared.adapters.tables.console_jobs_repo import Job
from shared.api.console.shell import Desk, page, templates, words
from shared.api.console.upload_reasons import field_word, reason
from shared.api.http import ApiResponse
from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Action
from shared.services.console_jobs import NOT_QUEUED, ROWS_KEPT
from shared.services.errors import ConflictingUpdate, NotFound
from shared.services.invoice_changes import Change, load_changes
from shared.services.invoice_upload import CHANGED_ROWS, REJECTED_ROWS, line_of, load_errors

REFRESH_SECONDS = 2
SHOWN_REJECTED = 200  # rows of the rejected-rows file shown on the page; the file has all

JOBS = """{% extends "shell" %}{% block main %}
<section><h2>{{ t.jobs_latest }}</h2>{% if jobs %}<div class="scroll" tabindex="0"><table><caption class="visually-hidden">{{ t.jobs_latest }}</caption>
<thead><tr><th scope="col">{{ t.jobs_what }}</th><th scope="col">{{ t.jobs_status }}</th><th scope="col" class="num">{{ t.jobs_progress }}</th><th scope="col">{{ t.jobs_started }}</th></tr></thead><tbody>
{% for j in jobs %}<tr><td><a href="{{ desk.url('/jobs/' + j.job_id) }}">{{ t['jobs_kind_' + j.kind] }}: {{ j.title }}</a></td><td>{{ t['jobs_s_' + j.status] }}</td><td class="num">{{ j.done }} / {{ j.total }}</td><td>{{ j.created_at|local }}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.jobs_none }}</p>{% endif %}</section>{% endblock %}"""

JOB = """{% extends "shell" %}{% block main %}<style nonce="{{ nonce }}">progress{width:100%;height:1.25rem}</style>
<section aria-labelledby="job-h"><h2 id="job-h">{{ t['jobs_kind_' + job.kind] }}: {{ job.title }}</h2>
<p role="status"><span class="badge">{{ t['jobs_s_' + job.status] }}</span> {{ t.jobs_done_of.format(done=job.done, total=job.total) }}</p>
<label for="job-progress">{{ t.jobs_progress }}</label>
<progress id="job-progress" max="{{ job.total or 1 }}" value="{{ job.done }}">{{ percent }}%</progress>
{% if job.running and not stalled %}<p class="muted">{{ t.jobs_refreshing }} {% if still %}<a href="{{ desk.url('/jobs/' + job.job_id) }}">{{ t.jobs_refresh_on }}</a>{% else %}<a href="{{ desk.url('/jobs/' + job.job_id, still=1) }}">{{ t.jobs_refresh_off }}</a>{% endif %}</p>{% endif %}
{% if stalled %}<div class="notice warning" role="status"><p>{{ t.jobs_stalled }}</p>
<form method="post" action="{{ desk.url('/jobs/' + job.job_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="requeue"><button type="submit">{{ t.jobs_requeue }}</button></form></div>{% endif %}
{% if job.error %}<p class="notice error" role="alert">{{ t.jobs_not_queued if job.error == not_queued else job.error }}</p>{% endif %}
{% if job.kind == 'invoice-import' and job.state %}<ul>
<li>{{ t.upload_created }}: {{ job.state.created or 0 }}</li><li>{{ t.upload_updated }}: {{ job.state.updated or 0 }}</li>
<li>{{ t.upload_unchanged }}: {{ job.state.unchanged or 0 }}</li>{% if job.state.debtors %}<li id="job-debtors">{{ t.upload_debtors_made }}: {{ job.state.debtors }}</li>{% endif %}{% if job.state.changed %}<li id="job-changed-count">{{ t.upload_changed_names }}: {{ job.state.changed }}</li>{% endif %}<li>{{ t.upload_rejected }}: {{ job.state.rejected or 0 }}</li></ul>{% endif %}
{% if job.status == 'done' and job.result_name and not rows_gone %}<p><a class="button" href="{{ desk.url('/jobs/' + job.job_id + '/file') }}">{{ t.jobs_download }} ({{ job.result_name }})</a></p>{% endif %}
{% if rows_gone %}<p class="notice" id="job-rows-gone">{{ t.jobs_rows_gone.format(days=rows_days) }}</p>{% elif rows_until %}<p class="muted" id="job-rows-kept">{{ t.jobs_rows_until.format(day=rows_until, days=rows_days) }}</p>{% endif %}
</section>
{% if changed %}<section aria-labelledby="job-changes-h"><h2 id="job-changes-h">{{ t.upload_changed_names }}</h2><div class="scroll" tabindex="0"><table id="job-changes"><caption>{{ t.jobs_changed_caption }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_number }}</th><th scope="col">{{ t.upload_amount }}</th><th scope="col">{{ t.upload_invoice_date }}</th><th scope="col">{{ t.upload_due }}</th></tr></thead><tbody>
{% for c in changed %}<tr><td class="num">{{ line_of(c.index) }}</td><th scope="row">{{ c.number }}</th><td>{% if c.amount_was != c.amount %}{{ desk.money(c.amount_was) }} → {{ desk.money(c.amount) }}{% else %}{{ desk.money(c.amount) }}{% endif %}</td><td>{% if c.dated_was != c.dated %}{{ day(c.dated_was) }} → {{ day(c.dated) }}{% else %}{{ day(c.dated) }}{% endif %}</td><td>{% if c.due_was != c.due %}{{ day(c.due_was) }} → {{ day(c.due) }}{% else %}{{ day(c.due) }}{% endif %}</td></tr>{% endfor %}
</tbody></table></div>{% if changed_more %}<p id="job-changes-more">{{ t.jobs_changed_more.format(n=changed_more) }}</p>{% endif %}</section>{% endif %}
{% if rejected %}<section><h2>{{ t.upload_rejected_rows }}</h2><div class="scroll" tabindex="0"><table><caption class="visually-hidden">{{ t.upload_rejected_rows }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_field }}</th><th scope="col">{{ t.upload_reason }}</th></tr></thead><tbody>
{% for r in rejected %}<tr><td class="num">{{ r[0] }}</td><td>{{ field_word(r[1], lang) }}</td><td>{{ reason(r[2], lang) }}</td></tr>{% endfor %}</tbody></table></div></section>{% endif %}
<p><a href="{{ desk.url('/jobs') }}">{{ t.jobs_all }}</a></p>{% endblock %}"""

templates(**{"jobs": JOBS, "job": JOB})

words(
    nl={"jobs_nav": "Taken", "jobs_title": "Lopende en afgeronde taken", "jobs_latest": "Laatste taken",
        "jobs_what": "Taak", "jobs_status": "Status", "jobs_progress": "Voortgang", "jobs_started": "Gestart",
        "jobs_none": "Nog geen taken.", "jobs_kind_invoice-import": "Facturen inlezen",
        "jobs_kind_report": "Rapport", "jobs_s_queued": "In de wachtrij", "jobs_s_running": "Bezig",
        "jobs_s_done": "Klaar", "jobs_s_failed": "Mislukt", "jobs_done_of": "{done} van {total} verwerkt.",
        "jobs_refreshing": "Deze pagina ververst zich elke 2 seconden.", "jobs_refresh_off": "Niet meer verversen",
        "jobs_refresh_on": "Weer verversen", "jobs_download": "Downloaden", "jobs_all": "Alle taken",
        "jobs_job": "Taak", "jobs_not_queued": "De taak kon niet in de wachtrij worden gezet (de opslag had het te druk): start haar opnieuw.", "jobs_stalled": "Deze taak is al een tijd niet verder gekomen (de fout staat op de actielijst).",
        "jobs_requeue": "Opnieuw starten", "jobs_not_stalled": "Deze taak loopt nog of is net opnieuw gestart; opnieuw starten kan pas als ze 10 minuten stilstaat.", "done_jobs_requeued": "De taak is opnieuw gestart.",
        "jobs_changed_caption": "Deze regels wijzigden een bestaande factuur (was → werd).",
        "jobs_changed_more": "En nog {n} gewijzigde facturen (hier niet getoond).",
        "jobs_rows_until": "De afgewezen en gewijzigde regels (met namen, adressen en bedragen van debiteuren) en het bestand ervan worden {days} dagen na afloop verwijderd, op {day}; de tellingen blijven.",
        "jobs_rows_gone": "De afgewezen en gewijzigde regels en het bestand ervan zijn {days} dagen na afloop verwijderd (zo kort mogelijk bewaard: ze bevatten gegevens van debiteuren); de tellingen blijven."},
    en={"jobs_nav": "Jobs", "jobs_title": "Running and finished jobs", "jobs_latest": "Latest jobs",
        "jobs_what": "Job", "jobs_status": "Status", "jobs_progress": "Progress", "jobs_started": "Started",
        "jobs_none": "No jobs yet.", "jobs_kind_invoice-import": "Invoice upload",
        "jobs_kind_report": "Report", "jobs_s_queued": "Queued", "jobs_s_running": "Running",
        "jobs_s_done": "Done", "jobs_s_failed": "Failed", "jobs_done_of": "{done} of {total} done.",
        "jobs_refreshing": "This page refreshes itself every 2 seconds.", "jobs_refresh_off": "Stop refreshing",
        "jobs_refresh_on": "Refresh again", "jobs_download": "Download", "jobs_all": "All jobs",
        "jobs_job": "Job", "jobs_not_queued": "The job could not be queued (the storage was busy): start it again.", "jobs_stalled": "This job has not moved for a while (the failure is on the action list).",
        "jobs_requeue": "Start again", "jobs_not_stalled": "This job is still moving or was just started again; it can be started again only after 10 minutes without progress.", "done_jobs_requeued": "The job was started again.",
        "jobs_changed_caption": "These rows changed an existing invoice (was → became).",
        "jobs_changed_more": "And {n} more invoices changed (not shown here).",
        "jobs_rows_until": "The rejected and changed rows (with debtors' names, addresses and amounts) and their file are deleted {days} days after the job ended, on {day}; the counts stay.",
        "jobs_rows_gone": "The rejected and changed rows and their file were deleted {days} days after the job ended (kept no longer than needed: they hold debtors' data); the counts stay."},
)  # fmt: skip


@page("jobs", nav="jobs_nav", order=80)
def jobs_page(desk: Desk, rest: list[str]) -> ApiResponse:
    jobs = desk.services.console_jobs
    client_id = desk.client.client_id

    def reads(other: str) -> bool:
        return desk.may(Action.READ, other)

    match rest:
        case []:
            return desk.render("jobs", "jobs_title", jobs=jobs.latest(client_id, reads=reads))
        case [job_id] if desk.req.method == "POST" and desk.field("do") == "requeue":
            # a job whose message was lost or ended in the poison queue: send it again (it
            # resumes at its checkpoint); only when stalled, once per stall (409 otherwise)
            try:
                jobs.requeue(client_id, job_id, reads)
            except ConflictingUpdate:
                return _job(
                    desk, jobs.get(client_id, job_id, reads), 409, desk.t["jobs_not_stalled"]
                )
            return desk.redirect(f"/jobs/{job_id}", done="jobs_requeued")
        case [job_id]:
            return _job(desk, jobs.get(client_id, job_id, reads))
        case [job_id, "file"]:
            data, name, content_type = jobs.result(client_id, job_id, reads)
            return desk.download(data, name, content_type)
    raise NotFound("no such page")


def _rejected(desk: Desk, job: Job) -> list[list[str]]:
    """The refused rows as refused (line, field, the API's reason), for the page to say in
    the viewer's language; the file speaks the language of whoever started the job. A job
    finished before the rows were kept beside the file has only the file (English, ",")."""
    kept = desk.services.console_jobs.kept(job, REJECTED_ROWS)
    if kept is not None:
        return [[str(line_of(e.index)), e.field or "", e.message] for e in load_errors(kept)]
    data, _, _ = desk.services.console_jobs.result(job.client_id, job.job_id)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]


def _changed(desk: Desk, job: Job) -> tuple[list[Change], int]:
    """The invoices the job changed, was -> became, as kept (the first SHOWN_CHANGES), and
    how many more it changed; a job finished before they were kept has none."""
    kept = desk.services.console_jobs.kept(job, CHANGED_ROWS)
    shown = load_changes(kept) if kept is not None else []
    counted = job.state.get("changed", len(shown))
    return shown, max(0, (counted if isinstance(counted, int) else len(shown)) - len(shown))


def _job(desk: Desk, job: Job, status: int = 200, notice: str = "") -> ApiResponse:
    rejected: list[list[str]] = []
    changed: list[Change] = []
    changed_more = 0
    jobs = desk.services.console_jobs
    rows_gone = jobs.rows_gone(job)
    until = jobs.rows_kept_until(job)

    def day(d: date) -> str:
        return d.strftime("%d-%m-%Y") if desk.lang == "nl" else d.isoformat()

    if job.kind == "invoice-import" and job.status == "done" and job.result_name and not rows_gone:
        rejected = _rejected(desk, job)[:SHOWN_REJECTED]
        changed, changed_more = _changed(desk, job)
    stalled = desk.services.console_jobs.stalled(job)
    still = desk.query("still") == "1" or stalled
    percent = round(100 * job.done / job.total) if job.total else (100 if not job.running else 0)
    answer = desk.render(
        "job",
        "jobs_job",
        status,
        notice=notice,
        error=bool(notice),
        job=job,
        rejected=rejected,
        changed=changed,
        changed_more=changed_more,
        line_of=line_of,
        day=day,
        not_queued=NOT_QUEUED,  # ops27's failure said in the page's language
        rows_gone=rows_gone,
        rows_until=day(amsterdam_date(until)) if until else "",
        rows_days=ROWS_KEPT.days,
        still=still,
        percent=percent,
        stalled=stalled,
        reason=reason,
        field_word=field_word,
    )
    if job.running and not still:
        answer.headers["Refresh"] = str(REFRESH_SECONDS)
    return answer
