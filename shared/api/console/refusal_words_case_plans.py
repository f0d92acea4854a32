"""The refusals of the agency's payment plan on a case (agencyplan26; shown on the console's
case page since cases26), in Dutch and English."""

from __future__ import annotations

# code -> (Dutch, English); shared/services/plans/agency_party.py, agency_plans.py, service.py
CASE_PLAN_REFUSALS: dict[str, tuple[str, str]] = {
    "case_not_open": (
        "De zaak is ingetrokken: de facturen zijn weer van de opdrachtgever, het incassobureau "
        "maakt of start er geen regeling op.",
        "The case was withdrawn: its invoices are the client's again, so the agency makes or "
        "starts no plan on it.",
    ),
    "plan_of_agency": (
        "Deze betalingsregeling is van het incassobureau: alleen het incassobureau wijzigt, "
        "pauzeert of beëindigt haar; de opdrachtgever kan haar inzien.",
        "This payment plan is the agency's: only the agency changes, pauses or ends it; the "
        "client reads it.",
    ),
    "plan_invoice_not_handed_over": (
        "Factuur {invoice} is niet aan dit incassobureau overgedragen: de opdrachtgever regelt "
        "de betaling van haar eigen facturen.",
        "Invoice {invoice} is not handed over to this agency: the client arranges payment of "
        "its own invoices.",
    ),
    "plan_invoice_not_in_case": (
        "Factuur {invoice} hoort niet bij zaak {case}: de regeling van het incassobureau gaat "
        "over facturen van de zaak.",
        "Invoice {invoice} is not in case {case}: the agency's plan covers invoices of the case.",
    ),
    "plan_agency_whole_claim": (
        "Een regeling van het incassobureau gaat over de hele vordering (kosten, rente en "
        "hoofdsom).",
        "An agency's plan covers the whole claim (costs, interest and principal).",
    ),
    "agency_no_third_party_account": (
        "Het incassobureau heeft nog geen derdengeldrekening: een regeling zou de debiteur geen "
        "rekening noemen om naar over te maken. Voeg eerst de rekening toe (inning agency update "
        "--iban).",
        "The agency has no third-party account yet: a plan would name the debtor no account to "
        "pay into. Add the account first (inning agency update --iban).",
    ),
    "plan_agency_transfer_only": (
        "Een regeling van het incassobureau wordt per overboeking op de derdengeldrekening van "
        "het incassobureau betaald.",
        "An agency's plan is paid by transfer to the agency's third-party account.",
    ),
}
