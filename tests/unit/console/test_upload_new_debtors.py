"""A business with only the console imports an invoice of a new customer (newcomer16 #5): the
upload refused every row of a debtor not yet in Inning ("onbekende debiteur ...: maak de
debiteur eerst aan"), no console page makes a debtor, and the export's `Naam` column was left
out. The upload now creates such a debtor from its row's columns (name, kind, e-mail, address)
by the API's own debtor schema, shows on the preview that it will be created, and never
changes a debtor already stored; a row of a new debtor without a name or kind is refused with
what to add."""

from __future__ import annotations

import re

from shared.domain.parties import DebtorKind
from shared.domain.people.authorisation import Role
from shared.services.invoice_upload import Upload
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors, work_jobs

EXPORT = (
    "Factuurnr.;Deb.nr.;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervalt;Factuur\n"
    "NEW-1;K-100;Fietsenhandel Jansen;zakelijk;info@jansen.example;Dorpsstraat 1;1234ab;"
    "Utrecht;01-11-2026;01-12-2026;€ 250,00\n"
    "NEW-2;K-100;Fietsenhandel Jansen;zakelijk;info@jansen.example;Dorpsstraat 1;1234ab;"
    "Utrecht;02-11-2026;02-12-2026;€ 50,00\n"
    "NEW-3;D1;debtor  D1;consument;;;;;01-11-2026;01-12-2026;€ 10,00\n"  # stored, same name
)


def _preview(browser, data: bytes, lang: str = "nl", **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get(f"/upload?lang={lang}"))
    return post_files(
        browser,
        f"/upload?lang={lang}",
        {"csrf": token, "do": "preview", **fields},
        {"file": ("export.csv", data)},
    )


def _token(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="upload" value="([^"]+)"', text(page))
    assert found, text(page)[:500]
    return found.group(1)


def test_the_upload_creates_a_new_customer_from_its_row_and_says_so_first(world, tenants):
    with_debtors(world, "C1", "D1")
    before = world.services.repos.debtors.get(tenants.c1, "D1")
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _preview(admin, EXPORT.encode())
    shown = text(page)
    assert page.status == 200, shown[:600]
    assert "Worden ingelezen: 3" in shown and "Geweigerd: 0" in shown
    assert "Nieuwe debiteuren (worden aangemaakt): 1" in shown
    debtors = shown.split('id="pv-debtors"')[1].split("</table>")[0]
    assert "K-100" in debtors and "Fietsenhandel Jansen" in debtors and "Zakelijk" in debtors
    assert "info@jansen.example" in debtors and "Dorpsstraat 1, 1234 AB Utrecht" in debtors
    assert "D1" not in debtors  # stored: not created, not changed
    assert "Kolommen die niet worden ingelezen" not in shown  # Naam and the rest are read
    assert "3 facturen inlezen en 1 debiteuren aanmaken" in shown
    assert world.services.repos.debtors.get(tenants.c1, "K-100") is None  # nothing yet
    done = admin.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)})
    result = text(done)
    assert done.status == 200 and "Nieuw: 3" in result, result[:600]
    assert "Nieuwe debiteuren aangemaakt: 1" in result
    made = world.services.repos.debtors.get(tenants.c1, "K-100")
    assert made is not None
    debtor = made[0]
    assert (debtor.name, debtor.kind, debtor.emails) == (
        "Fietsenhandel Jansen", DebtorKind.B2B, ("info@jansen.example",),
    )  # fmt: skip
    assert debtor.address is not None and debtor.address.postal_code == "1234 AB"
    invoice = world.services.repos.invoices.get(tenants.c1, "NEW-1")
    assert invoice is not None and invoice.invoice.debtor_number == "K-100"
    assert invoice.invoice.amount == 25000
    after = world.services.repos.debtors.get(tenants.c1, "D1")
    assert before is not None and after is not None and after[0] == before[0]  # untouched
    # the new debtor is found on the Debtors page
    listed = text(admin.get("/debtors?q=Jansen&by=name"))
    assert "K-100" in listed
    # and the Debtors page says how a new one is made
    assert "Een nieuwe debiteur maakt u aan met zijn eerste factuur" in listed


def test_a_new_debtor_without_a_name_or_kind_is_refused_with_what_to_add(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    no_name = (
        "Factuurnr.;Deb.nr.;Factuurdatum;Vervalt;Factuur\nN-1;K-200;01-11-2026;01-12-2026;10,00\n"
    )
    shown = text(_preview(staff, no_name.encode()))
    assert "onbekende debiteur K-200: geef de naam in een kolom Naam" in shown
    assert "maak de debiteur eerst aan" not in shown and "Worden ingelezen: 0" in shown
    no_kind = (
        "Factuurnr.;Deb.nr.;Naam;Factuurdatum;Vervalt;Factuur\n"
        "N-1;K-200;Jansen;01-11-2026;01-12-2026;10,00\n"
    )
    shown = text(_preview(staff, no_kind.encode()))
    assert "nieuwe debiteur K-200 heeft geen soort" in shown and "Worden ingelezen: 0" in shown
    # the form's choice gives the kind of every new debtor without one
    page = _preview(staff, no_kind.encode(), new_kind="b2c")
    shown = text(page)
    assert "Worden ingelezen: 1" in shown and "Consument" in shown
    staff.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)})
    made = world.services.repos.debtors.get(tenants.c1, "K-200")
    assert made is not None and made[0].kind is DebtorKind.B2C


def test_a_new_debtor_given_two_names_or_a_bad_postcode_is_refused(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    export = (
        "Factuurnr.;Deb.nr.;Naam;Soort;Postcode;Adres;Plaats;Factuurdatum;Vervalt;Factuur\n"
        "N-1;K-300;Jansen;zakelijk;;;;01-11-2026;01-12-2026;10,00\n"
        "N-2;K-300;Pietersen;zakelijk;;;;01-11-2026;01-12-2026;10,00\n"
        "N-3;K-301;Smit;consument;12;Kade 2;Delft;01-11-2026;01-12-2026;10,00\n"
    )
    shown = text(_preview(staff, export.encode(), lang="en"))
    assert "Rejected: 2" in shown and "To be imported: 1" in shown, shown[:800]
    assert (
        "new debtor K-300 has Naam &#39;Pietersen&#39; here but &#39;Jansen&#39; on line 2" in shown
    )
    assert "a Dutch postal code looks like 1234 AB" in shown


def test_a_large_uploads_job_creates_the_new_debtors_before_their_invoices(world, tenants):
    rows = "".join(
        f"J-{i};K-{i % 3};Klant {i % 3};consument;01-11-2026;01-12-2026;10,00\n" for i in range(600)
    )
    data = ("Factuurnr.;Deb.nr.;Naam;Soort;Factuurdatum;Vervalt;Factuur\n" + rows).encode()
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, data, lang="en")
    assert "New debtors (to be created): 3" in text(page)
    started = staff.post(
        "/upload?lang=en", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)}
    )
    assert started.status == 303
    work_jobs(world)
    for n in range(3):
        made = world.services.repos.debtors.get(tenants.c1, f"K-{n}")
        assert made is not None and made[0].name == f"Klant {n}"
    assert world.services.repos.invoices.get(tenants.c1, "J-599") is not None
    job = world.services.console_jobs.latest(tenants.c1, limit=1)[0]
    assert job.state.get("created") == 600 and job.state.get("debtors") == 3
    job_page = text(staff.get(f"/jobs/{job.job_id}?lang=en"))
    assert "New debtors created: 3" in job_page


def test_a_large_uploads_job_refuses_the_rows_of_a_debtor_stored_meanwhile(world, tenants):
    """codereview16c 2 in a job: K-1 stored under another name between preview and confirm;
    its 200 rows are refused, the others (and their new debtors) go in, all 600 counted."""
    rows = "".join(
        f"J-{i};K-{i % 3};Klant {i % 3};consument;01-11-2026;01-12-2026;10,00\n" for i in range(600)
    )
    data = ("Factuurnr.;Deb.nr.;Naam;Soort;Factuurdatum;Vervalt;Factuur\n" + rows).encode()
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, data, lang="en")
    with_debtors(world, "C1", "K-1")  # another name than "Klant 1"
    started = staff.post(
        "/upload?lang=en", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)}
    )
    assert started.status == 303
    work_jobs(world)
    assert world.services.repos.invoices.for_debtor(tenants.c1, "K-1") == []
    assert world.services.repos.invoices.get(tenants.c1, "J-599") is not None
    job = world.services.console_jobs.latest(tenants.c1, limit=1)[0]
    assert (job.state.get("created"), job.state.get("rejected")) == (400, 200)
    assert job.state.get("debtors") == 2


def test_an_upload_stashed_before_new_debtors_were_kept_still_loads():
    raw = b'{"file": "f.csv", "rows": [], "rejected": [], "importer": ["user:u", false]}'
    assert Upload.load(raw).debtors == ()


def test_a_debtor_stored_between_preview_and_confirm_is_not_written_over(world, tenants):
    """A debtor stored under the number between preview and confirm is never written over,
    and when its name is another than the row's the rows are refused as the preview refuses
    them (codereview16c 2: they were booked on whoever was stored meanwhile)."""
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, "".join(EXPORT.splitlines(keepends=True)[:3]).encode())
    assert "Nieuwe debiteuren (worden aangemaakt): 1" in text(page)
    with_debtors(world, "C1", "K-100")  # the client's CRM pushed another name meanwhile
    pushed = world.services.repos.debtors.get(tenants.c1, "K-100")
    done = staff.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)})
    assert done.status == 200 and "Nieuw: 0" in text(done), text(done)[:1500]
    assert "debiteur K-100 staat in Inning als" in text(done)
    assert "Nieuwe debiteuren aangemaakt" not in text(done)
    after = world.services.repos.debtors.get(tenants.c1, "K-100")
    assert pushed is not None and after is not None and after[0] == pushed[0]
    assert world.services.repos.invoices.for_debtor(tenants.c1, "K-100") == []


def test_two_name_columns_read_the_first_and_name_the_other(world, tenants):
    """A file read before the debtor columns were (Naam and Bedrijfsnaam both present) is not
    refused for giving the name twice: the first is read, the other named as left out."""
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    export = (
        "Factuurnr.;Deb.nr.;Naam;Bedrijfsnaam;Soort;Factuurdatum;Vervalt;Factuur\n"
        "N-1;K-400;Jan Smit;Smit Holding;zakelijk;01-11-2026;01-12-2026;10,00\n"
    )
    shown = text(_preview(staff, export.encode(), lang="en"))
    assert "To be imported: 1" in shown and "Jan Smit" in shown, shown[:800]
    assert (
        "Columns not imported (check their spelling if one holds an amount or date): Bedrijfsnaam"
        in shown
    )


def test_a_row_naming_another_debtor_than_the_stored_one_is_refused_and_shown(world, tenants):
    """newcomer16b F1: a mistyped debtor number (D1 is stored as consumer "Debtor D1") booked
    "Fietsenhandel Jansen, zakelijk" 250.00 on the consumer without a word. The preview shows
    the stored name beside the file's and refuses the row; a row whose name agrees but whose
    kind differs is imported on the stored debtor (kind kept) and shown so."""
    with_debtors(world, "C1", "D1")
    before = world.services.repos.debtors.get(tenants.c1, "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    export = (
        "Factuurnr.;Deb.nr.;Naam;Soort;E-mail;Factuurdatum;Vervalt;Factuur\n"
        "NF-1;D1;Fietsenhandel Jansen;zakelijk;info@jansen.example;01-10-2026;31-10-2026;250,00\n"
        "NF-2;D1;DEBTOR d1;zakelijk;;01-10-2026;31-10-2026;20,00\n"
    )
    page = _preview(staff, export.encode())
    shown = text(page)
    assert "Worden ingelezen: 1" in shown and "Geweigerd: 1" in shown, shown[:900]
    stored = shown.split('id="pv-stored"')[1].split("</table>")[0]
    assert "Fietsenhandel Jansen" in stored and "Debtor D1" in stored
    assert "Geweigerd (andere naam)" in stored and "Zakelijk" in stored and "Consument" in stored
    assert "Ingelezen op de debiteur in Inning, met de soort uit Inning" in stored  # NF-2
    assert (
        "debiteur D1 staat in Inning als &#39;Debtor D1&#39;, niet als &#39;Fietsenhandel "
        "Jansen&#39; zoals deze regel hem noemt: controleer het debiteurnummer" in shown
    )
    english = text(_preview(staff, export.encode(), lang="en"))
    assert (
        "debtor D1 is stored as &#39;Debtor D1&#39;, not &#39;Fietsenhandel Jansen&#39;" in english
    )
    done = staff.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)})
    assert done.status == 200 and "Nieuw: 1" in text(done)
    assert world.services.repos.invoices.get(tenants.c1, "NF-1") is None
    assert world.services.repos.invoices.get(tenants.c1, "NF-2") is not None
    after = world.services.repos.debtors.get(tenants.c1, "D1")
    assert before is not None and after is not None and after[0] == before[0]  # never changed


def test_a_later_row_of_a_new_debtor_names_what_differs_and_folds_the_rest(world, tenants):
    """newcomer16b F3: a later row with the e-mail left empty, in capitals, or a double space
    in the name was refused under Naam with no values. Folded values and an empty field agree;
    what truly differs is named with both values."""
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    export = (
        "Factuurnr.;Deb.nr.;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervalt;Factuur\n"
        "NT-1;K-941;Piet Bos;consument;piet@bos.example;Kade 1;1234ab;Delft;01-10-2026;31-10-2026;250,00\n"
        "NT-2;K-941;Piet Bos;consument;;;;;01-10-2026;31-10-2026;20,00\n"
        "NT-3;K-941;Piet  Bos;consument;Piet@Bos.example;kade  1;1234 AB;;01-10-2026;31-10-2026;30,00\n"
        "NT-4;K-941;piet bos;;;;;;01-10-2026;31-10-2026;40,00\n"
        "NT-5;K-941;Piet Bos;consument;anna@bos.example;;;;01-10-2026;31-10-2026;50,00\n"
    )
    shown = text(_preview(staff, export.encode()))
    assert "Worden ingelezen: 4" in shown and "Geweigerd: 1" in shown, shown[:900]
    rejected = shown.split('id="rj-h"')[1]
    assert '<td class="num">6</td><td>e-mail</td>' in rejected, rejected[:900]
    assert (
        "nieuwe debiteur K-941 heeft hier E-mail &#39;anna@bos.example&#39; maar op regel 2 "
        "&#39;piet@bos.example&#39;" in rejected
    )
    # an empty Soort on a later row agrees, whatever the form's kind of new debtors says
    assert "Worden ingelezen: 4" in text(_preview(staff, export.encode(), new_kind="b2b"))
    english = text(_preview(staff, export.encode(), lang="en"))
    assert (
        "new debtor K-941 has E-mail &#39;anna@bos.example&#39; here but "
        "&#39;piet@bos.example&#39; on line 2" in english
    )
