"""The debtors and invoices lists: found by name, number, reference and amount through the
search index the import keeps, paged on the server, each row to its dossier; the invoice PDF
upload; per role, and never another client's rows."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from shared.domain.references.betalingskenmerk import display
from shared.domain.search.keys import DebtorBy
from tests.support.page_words import words
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants


def _seed(world: World) -> None:
    debtors = [
        debtor_row("D1", name="Bakkerij Jansen"),
        debtor_row("D2", name="Müller & Zonen", kind="b2b"),
        debtor_row("K/3", name="Jan de Vries"),
    ]
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": debtors}).status == 200
    invoices = [
        invoice_row("F-2025/001", "D1", amount="121.00"),
        invoice_row("F-2025/002", "D2", amount="50.00"),
        invoice_row("G-77", "K/3", amount="121.00"),
    ]
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).status == 200
    other = [debtor_row("X1", name="Jansen Elders")]
    assert world.agency_a.call("POST", "/v1/clients/C2/debtors", {"items": other}).status == 200


def _text(browser: Browser, path: str) -> str:
    page = browser.get(path)
    assert page.status == 200, page.encoded()[:300]
    return page.encoded().decode()


def test_debtors_found_by_name_word_and_number(world: World, tenants: Tenants) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    everyone = _text(staff, "/debtors")
    assert "Bakkerij Jansen" in everyone and "Jan de Vries" in everyone
    assert "Jansen Elders" not in everyone  # another client's debtor
    by_word = _text(staff, "/debtors?q=jans&by=name")
    assert "Bakkerij Jansen" in by_word and "Jan de Vries" not in by_word
    assert 'href="/api/console/dossier/D1"' in by_word
    accents = _text(staff, "/debtors?q=mull&by=name")
    assert "Müller &amp; Zonen" in accents
    two_words = _text(staff, "/debtors?q=jan+vr&by=name")
    assert "Jan de Vries" in two_words and "Bakkerij" not in two_words
    by_number = _text(staff, "/debtors?q=k3&by=number")
    assert "Jan de Vries" in by_number and 'href="/api/console/dossier/K%2F3"' in by_number


def test_invoices_found_by_number_name_reference_and_amount(world: World, tenants: Tenants) -> None:
    _seed(world)
    staff = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    by_number = _text(staff, "/invoices?q=f2025&by=number")
    assert "F-2025/001" in by_number and "F-2025/002" in by_number
    assert "G-77" not in words(by_number)
    assert "Bakkerij Jansen" in by_number  # the debtor's name, linking to the dossier
    by_name = _text(staff, "/invoices?q=jan&by=debtor")
    assert "F-2025/001" in by_name and "G-77" in words(by_name) and "F-2025/002" not in by_name
    by_amount = _text(staff, "/invoices?q=121,00&by=amount")
    assert "F-2025/001" in by_amount and "G-77" in words(by_amount)
    assert "F-2025/002" not in by_amount
    invoice = world.services.repos.invoices.get(tenants.c1, "G-77")
    assert invoice and invoice.invoice.payment_reference
    reference = invoice.invoice.payment_reference
    by_reference = _text(staff, f"/invoices?q={display(reference).replace(' ', '+')}&by=reference")
    assert "G-77" in words(by_reference) and "F-2025/001" not in by_reference
    assert "Niets gevonden" in _text(staff, "/invoices?q=abc&by=amount")


def test_lists_page_on_the_server(world: World, tenants: Tenants) -> None:
    rows = [debtor_row(f"P{n:03d}", name=f"Pagina Klant {n}") for n in range(60)]
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    first = _text(staff, "/debtors?q=pagina&by=name")
    assert first.count("<tr>") == 51  # a header and 50 rows
    assert "P049" in words(first) and "P050" not in words(first)
    import re
    from urllib.parse import unquote

    after = re.search(r'href="(/api/console/debtors\?[^"]*after=[^"]+)"', first)
    assert after, "a next link"
    # the test browser passes the query on as written: decode it as a browser's host does
    second = _text(staff, unquote(after.group(1).replace("/api/console", "").replace("&amp;", "&")))
    assert {"P050", "P059"} <= words(second) and "P049" not in words(second)
    assert "Eerste pagina" in second
    # a token somebody edited starts again at the first page, it is no error
    assert "P000" in words(_text(staff, "/debtors?q=pagina&by=name&after=garbage"))
    plain = _text(staff, "/debtors")
    assert plain.count("<tr>") == 51


def test_the_index_is_built_once_for_data_from_before_it(world: World, tenants: Tenants) -> None:
    _seed(world)
    store = world.services.repos.store
    for row in list(store.query("ConsoleSearch", pk=tenants.c1, page_size=1000).rows):
        store.delete("ConsoleSearch", row.pk, row.rk)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert "Bakkerij Jansen" in _text(staff, "/debtors?q=bakk&by=name")
    assert world.services.console_search.index.is_built(tenants.c1)


def test_a_renamed_debtor_is_found_by_its_new_name_only(world: World, tenants: Tenants) -> None:
    _seed(world)
    renamed = [debtor_row("D1", name="Broodhuis Pietersen")]
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": renamed}).status == 200
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert "Broodhuis" in _text(staff, "/debtors?q=pieter&by=name")
    assert "Niets gevonden" in _text(staff, "/debtors?q=bakkerij&by=name")


def _multipart(csrf: str, client: str, data: bytes) -> tuple[bytes, str]:
    boundary = "----inningtest"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="client"\r\n\r\n{client}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="f.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _upload(browser: Browser, path: str, csrf: str, client: str, data: bytes) -> int:
    from shared.api.http import ApiRequest

    body, content_type = _multipart(csrf, client, data)
    number = path.split("number=")[1]
    headers = {
        "cookie": "; ".join(f"{k}={v}" for k, v in browser.jar.items()),
        "accept-language": "en",
        "content-type": content_type,
    }
    answer = browser.app.handle(
        ApiRequest("POST", "/invoices/pdf", headers, {"number": number}, body)
    )
    return answer.status


def test_invoice_pdf_upload_per_role(world: World, tenants: Tenants) -> None:
    from shared.services.dunning import INVOICE_PDFS, invoice_pdf_name

    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = staff.get("/invoices/pdf?number=G-77")
    assert form.status == 200 and b'enctype="multipart/form-data"' in form.encoded()
    csrf = csrf_of(form)
    assert _upload(staff, "/invoices/pdf?number=G-77", csrf, tenants.c1, b"not a pdf") == 422
    assert _upload(staff, "/invoices/pdf?number=G-77", "x" * 32, tenants.c1, b"%PDF-1.4 x") == 403
    assert _upload(staff, "/invoices/pdf?number=G-77", csrf, tenants.c1, b"%PDF-1.4 x") == 303
    assert world.services.files.get(INVOICE_PDFS, invoice_pdf_name(tenants.c1, "G-77")) == (
        b"%PDF-1.4 x"
    )
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert reader.get("/invoices/pdf?number=G-77").status == 200
    assert _upload(reader, "/invoices/pdf?number=G-77", csrf_of(reader.get("/invoices")),
                   tenants.c1, b"%PDF-1.4 y") == 403  # fmt: skip
    other = desk_for(world, Role.CLIENT_ADMIN, tenants.c2, "a@c2.example")
    assert other.get("/invoices/pdf?number=G-77").status == 404  # C1's invoice, not C2's


def test_agency_staff_pick_the_client(world: World, tenants: Tenants) -> None:
    _seed(world)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "s@agency-a.example")
    assert "Jansen Elders" in _text(agency, f"/debtors?client={tenants.c2}")
    assert "Bakkerij Jansen" in _text(agency, f"/debtors?client={tenants.c1}&q=bak")


def test_a_narrowed_name_search_never_shows_an_empty_page(world: World, tenants: Tenants) -> None:
    rows = [debtor_row(f"A{n:03d}", name=f"de Boer {n}") for n in range(120)]
    # words that start with "de" sort before the word "de" itself: a whole typed word reads
    # its own range only
    rows += [debtor_row(f"B{n:03d}", name=f"Dekker van den Berg {n}") for n in range(600)]
    rows.append(debtor_row("Z999", name="de Graaf"))
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    found = world.services.console_search.debtors(
        tenants.c1, "de gr", DebtorBy.NAME, page_size=50, token=None
    )
    assert [d.name for d in found.items] == ["de Graaf"]
    found = world.services.console_search.debtors(
        tenants.c1, "de g", DebtorBy.NAME, page_size=50, token=None
    )  # "de" and "g": the range of "de" read on past the pages of "de Boer"
    assert [d.name for d in found.items] == ["de Graaf"] and found.next is None
