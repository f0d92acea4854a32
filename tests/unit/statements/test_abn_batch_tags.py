"""ABN AMRO's SEPA batch credit (review newcomer8 #4): ``/PREF/<PmtInfId>/NRTX/<n>/PIND/BRUTO``.
NRTX (number of transactions) and PIND (payment indicator) are tags of their own, not part of
the batch id, so Inning's own direct-debit file is recognised in ABN AMRO's layout too; and a
line whose batch id was read raises no "nothing of :86: was read" warning."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from shared.domain.statements.batches import own_collection_file
from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from shared.services.plans.direct_debit import CONTAINER
from tests.conftest import STATEMENTS
from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit

FILES = STATEMENTS / "mt940" / "review"


def test_abn_amros_batch_tags_end_the_batch_id():
    details = split_details(
        "/TRTP/SEPA Incasso batch/PREF/109180-911/NRTX/162/PIND/BRUTO", bank="ABNA"
    )
    assert details.batch_id == "109180-911"
    own = split_details(
        "/TRTP/SEPA Incasso batch/PREF/SDD20261201a1b2c3d4e5f6-RCUR/NRTX/3/PIND/BRUTO"
    )
    assert own_collection_file(own.batch_id) is not None


def test_abn_amros_documented_batch_examples_read_without_a_warning():
    # ABN AMRO's examples 6 and 7 (the second wraps before /PIND/)
    for name in (
        "abn_example06_sepa_incasso_batch.sta",
        "abn_example07_sepa_incasso_batch_bedrijven.sta",
    ):
        (statement,) = parse_statement_file((FILES / name).read_bytes())
        assert [x.batch_id for x in statement.lines] == ["109180-911"]
        assert statement.warnings == ()


def test_a_rabobank_line_of_only_a_batch_id_raises_no_warning():
    statements = parse_statement_file((FILES / "rabo_php_mt940_sample4.sta").read_bytes())
    assert [w for s in statements for w in s.warnings if "nothing of :86:" in w] == []
    assert any(x.batch_id for s in statements for x in s.lines)


def test_our_own_direct_debit_file_credited_in_abn_amros_layout_is_the_collection(plans):
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, _ = plans
    a = world.agency_a
    verify_ibans(a, "C1")
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    run_day(world, date(2026, 1, 24))  # the file is made
    (name,) = world.services.files.names(CONTAINER)
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    amount = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["amount"]
    euros = str(Decimal(amount).quantize(Decimal("0.01"))).replace(".", ",")
    world.clock.at = datetime(2026, 1, 26, 18, 0, tzinfo=UTC)
    data = (
        "ABNANL2A\n940\nABNANL2A\n:20:ABN AMRO BANK NV\n"
        f":25:{client_iban('C1')}\n:28:13901/1\n:60F:C260126EUR0,00\n"
        f":61:2601260126C{euros}N247NONREF\n"
        f":86:/TRTP/SEPA Incasso batch/PREF/{message_id}-FRST/NRTX/1/PIND/BRUTO\n"
        f":62F:C260126EUR{euros}\n"
    ).encode()
    report = world.services.statements.ingest("agency-a/abn-batch.sta", data)
    assert report.booked == report.unmatched == report.suggested == 0
    assert report.warnings == []
    for kind in ("collection_batch", "unmatched_credit", "payment_suggestion", "statement_warning"):
        assert _actions(world, kind) == []
