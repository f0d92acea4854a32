"""The inbound-mail page on the in-memory world: unlinked first, one message's text escaped
(never the sender's HTML), attachments downloaded through the client's own message, the link
form (several debtors, an action, a template answer that pauses), and the dossier's timeline
linking back to the message. Another client's message is not found."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.inbound.mail import AttachmentNote, MailKind, ReceivedMail, mail_key
from shared.domain.people.authorisation import Role
from shared.services.inbound.filing import ATTACHMENTS_CONTAINER, action_id_for
from tests.support.page_words import words
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for, forms_of

MAILBOX = "facturen@c1.example"


def file_mail(world, client_id: str, n: int, text: str, sender: str = "jan@devries.example",  # type: ignore[no-untyped-def]
              attachments: tuple[AttachmentNote, ...] = ()) -> str:  # fmt: skip
    client = world.services.repos.clients.get(client_id)[0]
    received = ReceivedMail(
        mailbox=MAILBOX, graph_id=f"AAMk{n}", internet_message_id=f"<m{n}@devries.example>",
        received_at=world.clock.now() + timedelta(minutes=n), sender=sender, sender_name="Jan",
        subject=f"Vraag {n}", body_text=text, unique_text=None, headers={"message-id": f"<m{n}@devries.example>"},
    )  # fmt: skip
    world.services.inbound_filing.file(
        received, MailKind.CORRESPONDENCE, [client], list(attachments)
    )
    return mail_key(MAILBOX, f"<m{n}@devries.example>")


def seed(world):  # type: ignore[no-untyped-def]
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", emails=["jan@devries.example"]), debtor_row("D2")]}).status == 200  # fmt: skip
    assert (
        api.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-1001", "D1")]}).status
        == 200
    )


def test_unlinked_first_text_escaped_and_attachment_through_the_client(world, tenants):
    seed(world)
    world.services.files.put(
        ATTACHMENTS_CONTAINER, "c1/bon.pdf", b"%PDF-1.4 bon", content_type="application/pdf"
    )
    note = AttachmentNote("bon.pdf", "application/pdf", 12, blob="c1/bon.pdf")
    skipped = AttachmentNote(
        "groot.zip", "application/zip", 99_000_000, skipped="over the size limit"
    )
    first = file_mail(world, tenants.c1, 1, "Factuur F-1001 is betaald. <script>alert(1)</script>",
                      attachments=(note, skipped))  # fmt: skip
    file_mail(world, tenants.c1, 2, "Wie ben ik?", sender="x@unknown.example")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    listing = staff.get("/mail?lang=en")
    body = listing.encoded().decode()
    assert listing.status == 200 and "Vraag 1" in body and "Vraag 2" in body
    states = [m for m in ("not linked", '"ok">linked') for _ in [0] if m in body]
    assert '"ok">linked' not in body or body.index("not linked") < body.index('"ok">linked')
    assert states  # the state is shown per message
    page = staff.get(f"/mail/{first}?lang=en")
    text = page.encoded().decode()
    assert page.status == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert" not in text
    assert "over the size limit" in text and f"/mail/{first}/attachments/0" in text
    got = staff.get(f"/mail/{first}/attachments/0")
    assert got.status == 200 and got.encoded() == b"%PDF-1.4 bon"
    assert "attachment;" in got.headers["Content-Disposition"]
    assert staff.get(f"/mail/{first}/attachments/1").status == 404  # not kept
    assert staff.get(f"/mail/{first}/attachments/x").status == 404
    for form in forms_of(page):
        assert 'name="csrf"' in form


def test_link_to_several_debtors_with_an_action_and_an_answer_that_pauses(world, tenants):
    seed(world)
    key = file_mail(world, tenants.c1, 1, "Wie ben ik?", sender="x@unknown.example")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/mail/{key}?lang=en")
    assert "No debtor found" in page.encoded().decode()
    token = csrf_of(page)
    bad = staff.post(f"/mail/{key}?lang=en", {"csrf": token, "do": "link", "more": "D9"})
    assert bad.status == 422 and "D9" in words(bad.encoded())
    done = staff.post(f"/mail/{key}", {"csrf": token, "do": "link", "more": "D1, D2", "action": "1",
                                       "note": "bellen", "template": "in-behandeling"})  # fmt: skip
    assert done.status == 303
    repos = world.services.repos
    for number in ("D1", "D2"):
        assert repos.debtors.get(tenants.c1, number)[0].pause.reason == "correspondence"
    mail = world.services.inbound_mail.get(repos.clients.get(tenants.c1)[0], key)
    assert mail.linked and mail.filed_debtors == ("D1", "D2") and mail.answer_key
    for number in ("D1", "D2"):  # an action per debtor on the action list
        task = repos.actions.get(tenants.c1, action_id_for(mail.received_at, key, f"t{number}"))
        assert task is not None and task[0].detail["note"] == "bellen"
    # the dossier's timeline links to the message it filed
    dossier = staff.get("/dossier/D2?lang=en").encoded().decode()
    assert "Open the e-mail" in dossier
    link = dossier.split("Open the e-mail")[0].rsplit('href="', 1)[1].split('"')[0]
    opened = staff.get(link.replace("/api/console", "").replace("&amp;", "&"))
    assert opened.status == 200 and "Wie ben ik?" in opened.encoded().decode()


def test_another_clients_mail_is_not_found_and_read_only_cannot_link(world, tenants):
    seed(world)
    key = file_mail(world, tenants.c1, 1, "Hallo")
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    assert other.get(f"/mail/{key}").status == 404
    assert other.get(f"/mail/{key}/attachments/0").status == 404
    assert "Hallo" not in other.get("/mail").encoded().decode()
    token = csrf_of(other.get("/mail"))
    assert other.post(f"/mail/{key}", {"csrf": token, "do": "link", "more": "D1"}).status == 404
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get(f"/mail/{key}")
    assert page.status == 200 and 'value="link"' not in page.encoded().decode()
    assert (
        reader.post(f"/mail/{key}", {"csrf": csrf_of(page), "do": "link", "more": "D1"}).status
        == 403
    )
