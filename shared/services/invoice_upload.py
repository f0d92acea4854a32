"""An invoice upload of the console, confirmed: the rows the page validated (with the API's
own rules) are written by the import service, at once for a small file or as a console job in
chunks for a large one; the result lists every rejected row with its line, field and reason.

The payload is what the preview produced: the valid rows as invoice drafts with their row
index, and the rows already rejected then. A chunk is an idempotent upsert by the client's
invoice numbers; what its invoices were before its first run (kept before it writes any),
its rejected rows and its figures are kept as blobs named after the chunk, so a redelivered
job message that repeats a chunk overwrites the same rejected rows and counts the chunk's
invoices as its first run did (created, not "unchanged"), nothing twice.

The file of rejected rows is written in the language the job recorded (its headers and the
reasons the console knows, spelled for the person's Excel: Dutch ``;``); beside it the rows
are kept as they were refused (``rejected.json``), so the job page shows them in the language
of whoever looks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from shared.adapters.tables.console_jobs_repo import Job
from shared.adapters.tables.invoices_repo import StoredInvoice
from shared.domain.law.prescription import ClaimKind
from shared.domain.parties import Address, Client, Debtor, DebtorKind, Language
from shared.domain.spreadsheet import csv_cell
from shared.services.batch import BatchResult, RowError
from shared.services.claim_terms_changes import PLAIN, Importer
from shared.services.console_jobs import JobFiles, JobInputError, Step
from shared.services.imports import ImportService, InvoiceDraft
from shared.services.invoice_changes import SHOWN_CHANGES, changes_in, dump_changes, load_changes
from shared.services.reports.words import CODES, ReportWords
from shared.services.repositories import Repositories

CHUNK = 250  # rows per job step: a few entity-group transactions, progress every few seconds
AT_ONCE = 500  # a file of up to this many rows is imported while the page waits
REJECTED_ROWS = "rejected.json"  # the job's refused rows as refused (index, field, message)
# the first SHOWN_CHANGES invoices the job changed, was -> becomes (the count: state "changed")
CHANGED_ROWS = "changed.json"


@dataclass(frozen=True)
class Upload:
    file: str
    rows: list[tuple[int, InvoiceDraft]]
    rejected: list[RowError]  # refused by the preview already
    # who uploaded it, as the preview saw them: the import screens the claim terms they may
    # change (an upload stashed before this was noted: a plain importer)
    importer: Importer = PLAIN
    # the debtors the file's rows name that were not stored at the preview, made from the
    # row's debtor columns (name, kind, e-mail, address), each with the index of the first
    # row naming it: created before the invoices that need them, never written over a stored
    # one (newcomer16 #5: a business with only the console had no way to make a debtor)
    debtors: tuple[tuple[int, Debtor], ...] = ()
    # the name of each stored debtor the rows name, as the preview found it (number, name):
    # the confirm books a row only on the debtor the preview showed (attack17 F1: number D1
    # given to business 'Fietsenhandel Jansen' after the preview of consumer 'Debtor D1' took
    # its 250.00); an upload stashed before this was noted: none (its stash expired since)
    shown: tuple[tuple[str, str], ...] = ()

    def dump(self) -> bytes:
        return json.dumps({
            "file": self.file,
            "rows": [[i, _draft_out(d)] for i, d in self.rows],
            "rejected": [[e.index, e.field, e.message] for e in self.rejected],
            "importer": [self.importer.actor, self.importer.may_decide],
            "debtors": [[i, _debtor_out(d)] for i, d in self.debtors],
            "shown": [list(n) for n in self.shown],
        }).encode()  # fmt: skip

    @classmethod
    def load(cls, data: bytes) -> Upload:
        raw = json.loads(data)
        actor, may_decide = raw.get("importer") or (PLAIN.actor, PLAIN.may_decide)
        return cls(
            str(raw["file"]),
            [(int(i), _draft_in(d)) for i, d in raw["rows"]],
            [RowError(int(i), f, str(m)) for i, f, m in raw["rejected"]],
            Importer(str(actor), may_decide is True),
            tuple((int(i), _debtor_in(d)) for i, d in raw.get("debtors") or ()),
            tuple((str(n), str(name)) for n, name in raw.get("shown") or ()),
        )

    def debtors_for(self, rows: Sequence[tuple[int, InvoiceDraft]]) -> list[tuple[int, Debtor]]:
        """The new debtors ``rows`` name (a job's chunk creates those its invoices need)."""
        named = {d.debtor_number for _, d in rows}
        return [(i, d) for i, d in self.debtors if d.number in named]

    def names_for(self, rows: Sequence[tuple[int, InvoiceDraft]]) -> dict[str, str]:
        """The name the preview showed for each debtor ``rows`` name (by number): a new
        debtor's as the file made it, a stored one's as it was stored then."""
        named = {d.debtor_number for _, d in rows}
        shown = {n: name for n, name in self.shown if n in named}
        return shown | {d.number: d.name for _, d in self.debtors if d.number in named}


def _debtor_out(d: Debtor) -> dict[str, Any]:
    return {"number": d.number, "kind": d.kind.value, "name": d.name, "emails": list(d.emails),
            "address": asdict(d.address) if d.address else None,
            "language": d.language.value, "segment": d.segment}  # fmt: skip


def _debtor_in(raw: dict[str, Any]) -> Debtor:
    address = raw.get("address")
    debtor = Debtor(
        client_id="",
        number=str(raw["number"]),
        kind=DebtorKind(raw["kind"]),
        name=str(raw["name"]),
        emails=tuple(str(e) for e in raw.get("emails") or ()),
        address=Address(**address) if address else None,
        language=Language(raw.get("language") or "nl"),
    )
    # a preview stored before the upload read the group has none: the domain's default
    segment = raw.get("segment")
    return replace(debtor, segment=str(segment)) if segment else debtor


def create_debtors(
    imports: ImportService, client: Client, debtors: Sequence[tuple[int, Debtor]]
) -> int:
    """The upload's new debtors that are still not stored, created (a stored one, also one
    another writer made since the preview, is left as it is); how many were created. A row
    refused here leaves its invoices to be refused as an unknown debtor's."""
    if not debtors:
        return 0
    return imports.upsert_debtors(client, list(debtors), only_new=True).created


# a row naming another debtor than the one stored under its number (newcomer16b F1: a mistyped
# number booked a business's invoice on a consumer, silently); an upload never changes a
# stored debtor, so the row is refused (at the preview and again at the confirm) and the
# stored name shown beside the file's (the console's page says it in Dutch: upload_reasons)
STORED_OTHER_NAME = ("debtor {number} is stored as '{stored}', not '{given}' as this row names "
                      "it: check the debtor number (an upload never changes a stored debtor; "
                      "write its stored name in the Naam column if the number is right)")  # fmt: skip


def folded(text: str) -> str:
    """A name or address as compared: case and runs of spaces do not make another debtor."""
    return " ".join(text.split()).casefold()


def taken_since(
    imports: ImportService,
    client: Client,
    shown: Mapping[str, str],
    rows: Sequence[tuple[int, InvoiceDraft]],
) -> tuple[list[tuple[int, InvoiceDraft]], list[RowError]]:
    """The rows, less those whose debtor number holds another debtor now than the one the
    preview showed (``shown``: number -> name, :meth:`Upload.names_for`); those refused as the
    preview refuses a row naming another debtor than the stored one (a name that agrees, case
    and spaces aside, is the same debtor: its invoices go on him with his stored kind, as the
    preview says). Every row is checked, not only a new debtor's: a new debtor another writer
    stored under its number since the preview (codereview16c 2) and a stored debtor whose
    number was given to another since (attack17 F1: consumer 'Debtor D1' previewed, business
    'Fietsenhandel Jansen' stored under D1 before the confirm, 250.00 booked on him). Read
    after :func:`create_debtors`: a debtor it created is the upload's."""
    # (a row whose debtor the preview did not name, of an upload stashed before the names were
    # kept, is left to the import, as then)
    numbers = sorted({d.debtor_number for _, d in rows} & set(shown))
    if not numbers:
        return list(rows), []
    stored = imports.repos.debtors.get_many(client.client_id, numbers)
    other = {
        n: found[0] for n, found in stored.items() if folded(found[0].name) != folded(shown[n])
    }
    if not other:
        return list(rows), []
    kept = [(i, d) for i, d in rows if d.debtor_number not in other]
    refused = [
        RowError(i, "debtor_name", STORED_OTHER_NAME.format(
            number=d.debtor_number, stored=other[d.debtor_number].name,
            given=shown[d.debtor_number]))
        for i, d in rows if d.debtor_number in other
    ]  # fmt: skip
    return kept, refused


def _draft_out(d: InvoiceDraft) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(d).items()}


def _draft_in(raw: dict[str, Any]) -> InvoiceDraft:
    def day(name: str) -> date | None:
        value = raw.get(name)
        return date.fromisoformat(value) if value else None

    def cents(name: str) -> int | None:
        value = raw.get(name)
        return None if value is None else int(value)

    invoice_date, due_date = day("invoice_date"), day("due_date")
    if invoice_date is None or due_date is None:
        raise ValueError("an invoice draft without its dates")
    return InvoiceDraft(
        number=str(raw["number"]),
        debtor_number=str(raw["debtor_number"]),
        invoice_date=invoice_date,
        due_date=due_date,
        amount=int(raw["amount"]),
        open_amount=cents("open_amount"),
        payment_reference=raw.get("payment_reference"),
        description=raw.get("description"),
        fourteen_day_letter_on=day("fourteen_day_letter_on"),
        interest_from=day("interest_from"),
        contract_date=day("contract_date"),
        claim_kind=ClaimKind(raw["claim_kind"]) if raw.get("claim_kind") else None,
    )


def line_of(index: int) -> int:
    """The file's line of a data row (the header is line 1)."""
    return index + 2


def rejected_csv(errors: Sequence[RowError], words: ReportWords = CODES) -> bytes:
    spelling = words.spelling
    out = io.StringIO()
    writer = csv.writer(out, delimiter=spelling.delimiter, lineterminator="\r\n")
    writer.writerow(words.rejected_columns)
    for e in sorted(errors, key=lambda e: (e.index, e.field or "")):
        writer.writerow(
            [line_of(e.index), csv_cell(e.field or ""), csv_cell(words.reason(e.message))]
        )
    return ("\ufeff" if spelling.bom else "").encode() + out.getvalue().encode("utf-8")


def dump_errors(errors: Sequence[RowError]) -> bytes:
    return json.dumps([[e.index, e.field, e.message] for e in errors]).encode()


def load_errors(data: bytes) -> list[RowError]:
    return [RowError(int(i), f, str(m)) for i, f, m in json.loads(data)]


def import_now(
    imports: ImportService, repos: Repositories, client_id: str, upload: Upload
) -> tuple[BatchResult, int]:
    """A small upload, while the page waits; the preview's rejections are part of the result,
    with the number of new debtors created before its invoices."""
    found = repos.clients.get(client_id)
    if found is None:
        raise JobInputError("the client is gone")
    debtors = create_debtors(imports, found[0], upload.debtors)
    rows, refused = taken_since(imports, found[0], upload.names_for(upload.rows), upload.rows)
    result = imports.upsert_invoices(found[0], rows, upload.importer)
    result.errors += upload.rejected + refused
    return result, debtors


class InvoiceImportWork:
    def __init__(
        self,
        imports: ImportService,
        repos: Repositories,
        words_for: Callable[[str], ReportWords] = lambda lang: CODES,
    ) -> None:
        self.imports = imports
        self.repos = repos
        self.words_for = words_for  # the console's words (a job without a language: English)
        self._read: tuple[str, Upload] | None = None

    def step(self, job: Job, data: bytes, files: JobFiles) -> Step:
        if self._read is None or self._read[0] != job.job_id:  # read once per delivery
            try:
                self._read = (job.job_id, Upload.load(data))
            except (ValueError, KeyError, TypeError) as exc:
                raise JobInputError(f"the upload cannot be read: {exc}") from None
        upload = self._read[1]
        total = len(upload.rows)
        tally = {
            k: int(job.state.get(k, 0))
            for k in ("created", "updated", "unchanged", "rejected", "debtors")
        }
        if job.done < total:
            found = self.repos.clients.get(job.client_id)
            if found is None:
                raise JobInputError("the client is gone")
            chunk = upload.rows[job.done : job.done + CHUNK]
            before, repeat = self._before(files, job.client_id, job.done, chunk)
            named = upload.debtors_for(chunk)
            tally["debtors"] += self._new_debtors(files, found[0], job.done, named)
            rows, taken = taken_since(self.imports, found[0], upload.names_for(chunk), chunk)
            result = self.imports.upsert_invoices(found[0], rows, upload.importer)
            result.errors += taken
            files.put(f"rejected-{job.done:07d}.json", dump_errors(result.errors))
            if repeat:  # a first run's figures, from what its invoices were before it
                result = self._as_first_run(job.client_id, rows, before, result)
            counts = _first_counts(files, job.done, result)
            for k in ("created", "updated", "unchanged"):
                tally[k] += counts[k]
            tally["rejected"] += len({e.index for e in result.errors})  # rows, not findings
            done = job.done + len(chunk)
            if done < total:
                return Step(done, total, tally)
        errors = list(upload.rejected)
        for start in range(0, total, CHUNK):
            part = files.get(f"rejected-{start:07d}.json")
            errors += load_errors(part or b"[]")
        refused = {e.index for e in errors}
        tally["rejected"] = len(refused)
        errors.sort(key=lambda e: (e.index, e.field or ""))
        files.put(REJECTED_ROWS, dump_errors(errors), "application/json")
        # the invoices the import changed, was -> becomes, as a small upload's preview shows
        # them (misc16 #2): the first SHOWN_CHANGES kept for the page, all of them counted
        changed = [
            c
            for start in range(0, total, CHUNK)
            for c in load_changes(files.get(f"changes-{start:07d}.json") or b"[]")
            if c.index not in refused
        ]
        changed.sort(key=lambda c: c.index)
        tally["changed"] = len(changed)
        files.put(CHANGED_ROWS, dump_changes(changed[:SHOWN_CHANGES]), "application/json")
        words = self.words_for(job.lang or "en")
        return Step(total, total, tally, finished=True, result=rejected_csv(errors, words),
                    result_name=f"rejected-rows-{upload.file.removesuffix('.csv')}.csv", result_type="text/csv; charset=utf-8")  # fmt: skip

    def _new_debtors(
        self, files: JobFiles, client: Client, start: int, debtors: Sequence[tuple[int, Debtor]]
    ) -> int:
        """The chunk's new debtors created (before its invoices), and how many: those not
        stored before the chunk's first run (kept as ``debtors-<start>.json`` before it
        creates any) that are stored now, so a repeat of the chunk counts what its first run
        created, not nothing."""
        if not debtors:
            return 0
        name = f"debtors-{start:07d}.json"
        kept = files.get(name)
        if kept is None:
            stored = self.repos.debtors.get_many(client.client_id, [d.number for _, d in debtors])
            missing = [d.number for _, d in debtors if d.number not in stored]
            files.put(name, json.dumps(missing).encode(), "application/json")
        else:
            missing = [str(n) for n in json.loads(kept)]
        create_debtors(self.imports, client, debtors)
        return len(self.repos.debtors.get_many(client.client_id, missing)) if missing else 0

    def _before(
        self, files: JobFiles, client_id: str, start: int, chunk: Sequence[tuple[int, InvoiceDraft]]
    ) -> tuple[dict[str, str | None], bool]:
        """The chunk's invoices as they stood before its first run (number: what the import
        writes of it, :func:`_as_imported`; none when not stored), kept as
        ``before-<start>.json`` before the first upsert, and whether this run repeats the
        chunk (the blob was there). Written after the upserts, the chunk's figures were lost
        to a cut between them and ``counts-<start>.json`` and the repeat counted the first
        run's invoices "unchanged" (failure15c: created 346, unchanged 248 where the uncut
        import shows created 594, unchanged 0). The rows that change a stored invoice's
        amount or dates are kept as ``changes-<start>.json`` just before (the job's result
        names them, :data:`CHANGED_ROWS`): a repeat finds them as the first run saw them."""
        name = f"before-{start:07d}.json"
        kept = files.get(name)
        if kept is not None:
            return {str(k): v for k, v in json.loads(kept).items()}, True
        stored = self.repos.invoices.get_many(client_id, [d.number for _, d in chunk])
        files.put(f"changes-{start:07d}.json", dump_changes(changes_in(stored, chunk)),
                  "application/json")  # fmt: skip
        before = {d.number: (_as_imported(stored[d.number]) if d.number in stored else None)
                  for _, d in chunk}  # fmt: skip
        files.put(name, json.dumps(before).encode(), "application/json")
        return before, False

    def _as_first_run(
        self,
        client_id: str,
        chunk: Sequence[tuple[int, InvoiceDraft]],
        before: dict[str, str | None],
        result: BatchResult,
    ) -> BatchResult:
        """A repeat's figures as the first run counted them: a row stored now that was not
        before the first run was created, one whose fields the import writes changed since
        was updated, the rest unchanged (the rows the repeat refused stay refused). Not the
        ETag: a colleague's pause, the daily run's step or a payment saved between the cut and
        the redelivery changed it, and the job counted the invoice updated by the import
        (codereview15b F3: 1 updated, 48 unchanged for 0 and 49). A before-file of a run cut
        before this was deployed holds ETags, compared as they were."""
        refused = {e.index for e in result.errors}
        now = self.repos.invoices.get_many(client_id, [d.number for _, d in chunk])
        counted = BatchResult(errors=result.errors, notes=result.notes)
        for index, draft in chunk:
            if index in refused or draft.number not in now:
                continue
            was = before.get(draft.number)
            if was is None:
                counted.created += 1
            elif _changed(now[draft.number], was):
                counted.updated += 1
            else:
                counted.unchanged += 1
        return counted


_IMPORTED = "import:"  # a before-file's value that is no ETag (those of runs before F3's fix)


def _as_imported(stored: StoredInvoice) -> str:
    """What the import writes of a stored invoice (``ImportService._merge``: its dates, amount,
    texts, terms and the client's books' figure, through which the import moves money paid
    before the hand-over), as a digest: fields others save (pause, promise, dunning step,
    status, payments) are left out."""
    inv = stored.invoice
    fields = (inv.debtor_number, inv.invoice_date, inv.due_date, inv.amount, inv.description,
              inv.payment_reference, inv.contract_date, inv.claim_kind, inv.books)  # fmt: skip
    return _IMPORTED + hashlib.sha256(repr(fields).encode()).hexdigest()[:32]


def _changed(now: StoredInvoice, was: str) -> bool:
    if was.startswith(_IMPORTED):
        return _as_imported(now) != was
    return now.etag != was  # a before-file written by the run before this was deployed


def _first_counts(files: JobFiles, start: int, result: BatchResult) -> dict[str, int]:
    """The chunk's figures as its first run counted them, kept beside its rejected rows: a
    redelivery that repeats a chunk (the delivery died before its checkpoint) finds its
    invoices there and would count them "unchanged" (failure15b Q6: created 346, unchanged
    248 where the uncut import shows created 594). A first run cut before them leaves the
    repeat to count from ``before-<start>.json`` (:meth:`InvoiceImportWork._before`)."""
    name = f"counts-{start:07d}.json"
    kept = files.get(name)
    if kept is not None:
        return {k: int(v) for k, v in json.loads(kept).items()}
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    files.put(name, json.dumps(counts).encode(), "application/json")
    return counts
