"""A debtor is found by its number among invoices whose numbers start the same (attack29 F2).

``DebtorBy.NUMBER`` and ``InvoiceBy.NUMBER`` are equal StrEnum members ("number"), so the one
map of key prefixes kept a single entry for both: a debtor's number keys were written under
the invoices' ``in|``. Debtor 1000 of a client whose invoices are numbered 1000000 on sorted
after all of them ("|" after the digits): the console's first page for debtor number "1000"
was empty, with a next page."""

from __future__ import annotations

from shared.adapters.tables.keys import encode
from shared.domain.search.keys import DebtorBy, InvoiceBy
from tests.support.search_index import import_c1, search_keys
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.people.conftest import Tenants


def test_a_debtor_number_is_found_among_invoice_numbers_it_starts(
    world: World, tenants: Tenants
) -> None:
    import_c1(
        world,
        [debtor_row("1000", name="Bakkerij Jansen")],
        [invoice_row(f"1000{i:03d}", "1000") for i in range(60)],
    )
    search = world.services.console_search
    found = search.debtors(tenants.c1, "1000", DebtorBy.NUMBER, page_size=50, token=None)
    assert [(d.number, d.name) for d in found.items] == [("1000", "Bakkerij Jansen")]
    assert found.next is None
    keys = search_keys(world, tenants.c1)
    assert f"dn|1000|{encode('1000')}" in keys and f"in|1000|{encode('1000')}" not in keys
    invoices = search.invoices(tenants.c1, "1000", InvoiceBy.NUMBER, page_size=60, token=None)
    assert len(invoices.items) == 60


def test_an_index_built_before_is_built_again_without_the_debtors_invoice_range_keys(
    world: World, tenants: Tenants
) -> None:
    """A client searched before the fix (``~built2``, its debtors' number keys under ``in|``):
    its next search builds the index again, finds the debtor, and deletes the old keys."""
    from shared.adapters.tables.search_repo import CONSOLE_SEARCH
    from shared.ports.tables import Row

    import_c1(world, [debtor_row("1000", name="Bakkerij Jansen")], [invoice_row("1000001", "1000")])
    pk, old = encode(tenants.c1), f"in|1000|{encode('1000')}"
    world.store.upsert(CONSOLE_SEARCH, Row(pk, "~built2", {"Built": True}))
    world.store.upsert(CONSOLE_SEARCH, Row(pk, old, {"Number": "1000", "Name": "Bakkerij Jansen",
                                                     "Kind": "business"}))  # fmt: skip
    search = world.services.console_search
    found = search.debtors(tenants.c1, "1000", DebtorBy.NUMBER, page_size=50, token=None)
    assert [d.number for d in found.items] == ["1000"]
    keys = search_keys(world, tenants.c1)
    assert old not in keys and f"dn|1000|{encode('1000')}" in keys and "~built3" in keys
