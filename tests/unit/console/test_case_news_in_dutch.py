"""cm24 F1, F2: what the agency of a case is told of money paid to the client directly and of a
dispute on its invoice, and the client's contact log lines of it, read Dutch on Dutch pages
with the case by its name; English pages keep them."""

from __future__ import annotations

from shared.api.console import action_text, contact_text
from shared.domain.statements.client_code import client_code
from shared.services.case_names import case_id_of


def test_the_case_news_reads_dutch():
    case_id = case_id_of("cla9d17f58cbc6", "K101", ["TF-101"])
    name = f"{client_code('cla9d17f58cbc6')} K101"
    titles = {
        f"Tulp received EUR 500.00 from the debtor itself on invoice TF-101 of case {case_id} "
        "(debtor K101) on 2027-01-20: booked to costs EUR 120.00, interest EUR 5.70, principal "
        "EUR 374.30; its principal open is now EUR 425.70; do not collect this money again.":
            f"Tulp ontving € 500,00 rechtstreeks van de debiteur op factuur TF-101 van zaak {name} "
            "op 20-01-2027: geboekt op kosten € 120,00, rente € 5,70 en hoofdsom € 374,30; de "
            "open hoofdsom is nu € 425,70; vorder dit geld niet nog eens.",
        f"The earlier payment of EUR 500.00 that Tulp received on invoice TF-101 of case {case_id} "
        "(debtor K101) on 2027-01-20 was taken back: collect it again; its principal open is now "
        "EUR 800.00.":
            f"De eerdere betaling van € 500,00 die Tulp ontving op factuur TF-101 van zaak {name} "
            "op 20-01-2027 is teruggedraaid: vorder dit bedrag weer; de open hoofdsom is nu "
            "€ 800,00.",
        f"Corrected: the payment of EUR 100.00 that Tulp received itself on invoice TF-101 of case "
        f"{case_id} (debtor K101), told as received on 2027-01-20: the bank's statement of Tulp's "
        "own account books it on 2027-01-22. The same payment: nothing was taken back, do not "
        "collect it again.":
            f"Gecorrigeerd: de betaling van € 100,00 die Tulp rechtstreeks ontving op factuur TF-101 "
            f"van zaak {name}, gemeld als ontvangen op 20-01-2027: het bankafschrift van de eigen "
            "rekening van Tulp boekt haar op 22-01-2027. Het is dezelfde betaling: er is niets "
            "teruggedraaid, vorder dit bedrag niet opnieuw.",
        f"Corrected: the payment of EUR 100.00 that Tulp received itself on invoice TF-101 of case "
        f"{case_id} (debtor K101), told as received on 2027-01-20: it is booked again on "
        "2027-01-18, the day Tulp's books give. The same payment: nothing was taken back, do not "
        "collect it again.":
            f"Gecorrigeerd: de betaling van € 100,00 die Tulp rechtstreeks ontving op factuur TF-101 "
            f"van zaak {name}, gemeld als ontvangen op 20-01-2027: zij is opnieuw geboekt op "
            "18-01-2027, de dag uit de boekhouding van Tulp. Het is dezelfde betaling: er is niets "
            "teruggedraaid, vorder dit bedrag niet opnieuw.",
        f"Partly taken back: of the payment of EUR 100.00 that Tulp received itself on invoice "
        f"TF-101 of case {case_id} (debtor K101) on 2027-01-20, EUR 40.00 was taken back and EUR "
        "60.00 stands: collect EUR 40.00 again, not more.":
            "Deels teruggedraaid: van de betaling van € 100,00 die Tulp rechtstreeks ontving op "
            f"factuur TF-101 van zaak {name} op 20-01-2027 is € 40,00 teruggedraaid en blijft "
            "€ 60,00 staan: vorder € 40,00 weer, niet meer.",
        f"Invoice TF-101 of case {case_id} (debtor K101) is disputed: nooit geleverd. Stop "
        "collecting it until Tulp ends the dispute.":
            f"Factuur TF-101 van zaak {name} wordt betwist: nooit geleverd. Int haar niet verder "
            "tot Tulp de betwisting beëindigt.",
        f"Tulp ended the dispute on invoice TF-101 of case {case_id} (debtor K101): it may be "
        "collected again.":
            f"Tulp heeft de betwisting van factuur TF-101 van zaak {name} beëindigd: u mag haar "
            "weer innen.",
    }  # fmt: skip
    for english, dutch in titles.items():
        assert action_text.title(english, "nl") == dutch
        assert action_text.title(english, "en") == english
    said = {
        f"Invoice TF-101 of case {case_id}: EUR 1234.50 paid to the client directly; the agency was told":
            f"Factuur TF-101 van zaak {name}: € 1.234,50 rechtstreeks aan de opdrachtgever betaald; "
            "het incassobureau is ingelicht",
        f"Invoice TF-101 of case {case_id}: EUR 500.00 received by the client taken back; the agency was told":
            f"Factuur TF-101 van zaak {name}: € 500,00 door de opdrachtgever ontvangen teruggedraaid; "
            "het incassobureau is ingelicht",
        f"Invoice TF-101 of case {case_id}: EUR 40.00 of EUR 100.00 received by the client taken back; the agency was told":
            f"Factuur TF-101 van zaak {name}: € 40,00 van € 100,00 door de opdrachtgever ontvangen "
            "teruggedraaid; het incassobureau is ingelicht",
        f"Invoice TF-101 of case {case_id}: EUR 425.70 received by the client corrected (the same payment); the agency was told":
            f"Factuur TF-101 van zaak {name}: € 425,70 door de opdrachtgever ontvangen gecorrigeerd "
            "(dezelfde betaling); het incassobureau is ingelicht",
        f"Invoice TF-101 of case {case_id} disputed; the agency was told":
            f"Factuur TF-101 van zaak {name} betwist; het incassobureau is ingelicht",
        f"Dispute on invoice TF-101 of case {case_id} ended; the agency was told":
            f"Betwisting van factuur TF-101 van zaak {name} beëindigd; het incassobureau is ingelicht",
    }  # fmt: skip
    for english, dutch in said.items():
        assert contact_text.summary(english, "nl") == dutch
        assert contact_text.summary(english, "en") == english
    assert action_text.kind_label("case_invoice_disputed", "nl") == "Factuur in zaak betwist"
    assert (
        action_text.kind_label("case_invoice_dispute_ended", "nl") == "Betwisting in zaak beëindigd"
    )
