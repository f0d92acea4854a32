"""The refusals of linking a client's own accounts (Office 365 mailbox, Mollie), as the
callback page says them to the administrator who comes back from Microsoft or Mollie
(shared/api/console/link_text.py), in Dutch and English. A provider's own error code (such
as ``access_denied``) is named as it is: it is what the provider's help pages know it by."""

from __future__ import annotations

# code -> (Dutch, English); the services raise them (shared/services/linking/)
LINKING_REFUSALS: dict[str, tuple[str, str]] = {
    # attack16 F5: a test account takes no money (shared/services/linking/mollie_accounts.py)
    "mollie_test_link_live_client": (
        "Opdrachtgever {client} werkt niet meer in de proefomgeving: koppel een live "
        "Mollie-account (een live_-sleutel, of Mollie Connect zonder testmodus); een "
        "testaccount ontvangt geen geld.",
        "Client {client} is out of sandbox mode: link a live Mollie account (a live_ key, or "
        "Mollie Connect without test mode); a test account takes no money.",
    ),
    "mollie_test_key_setting": (
        "{setting} is een Mollie-testsleutel: online betalen voor opdrachtgever {client} kan pas "
        "met een live sleutel.",
        "{setting} is a Mollie test key: no online payment for client {client} until a live key "
        "is set.",
    ),
    "mollie_test_link": (
        "Opdrachtgever {client} heeft een Mollie-testaccount gekoppeld: online betalen kan pas "
        "met een live account.",
        "Client {client} links a Mollie test account: no online payment until it links a live one.",
    ),
    "link_expired": (
        "Deze koppeling is onbekend, al gebruikt of verlopen: begin opnieuw.",
        "This link is unknown, already used or expired: start it again.",
    ),
    "link_client_gone": (
        "Deze opdrachtgever bestaat niet meer (intussen verwijderd): er is niets gekoppeld.",
        "This client is gone (deleted meanwhile): nothing was linked.",
    ),
    "link_o365_not_configured": (
        "Inning heeft geen app-registratie voor Office 365 ({setting} ontbreekt): de "
        "beheerder van Inning moet die eerst instellen.",
        "Inning has no Office 365 app registration ({setting} is missing): Inning's operator "
        "sets it up first.",
    ),
    "link_o365_no_consent_said": (
        "De beheerder van de Microsoft 365-organisatie heeft geen toestemming gegeven "
        "(Microsoft meldt: {error}). Begin opnieuw als dat niet de bedoeling was.",
        "The Microsoft 365 organisation's administrator did not consent (Microsoft says: "
        "{error}). Start again if that was not meant.",
    ),
    "link_o365_no_consent": (
        "De beheerder van de Microsoft 365-organisatie heeft geen toestemming gegeven. Begin "
        "opnieuw als dat niet de bedoeling was.",
        "The Microsoft 365 organisation's administrator did not consent. Start again if that "
        "was not meant.",
    ),
    "link_o365_no_sign_in": (
        "De aanmelding bij Microsoft is afgebroken (Microsoft meldt: {error}): begin opnieuw.",
        "The sign-in at Microsoft was broken off (Microsoft says: {error}): start again.",
    ),
    "link_o365_no_code": (
        "Microsoft stuurde na de aanmelding geen code terug: begin opnieuw.",
        "Microsoft sent no code back after the sign-in: start again.",
    ),
    "link_o365_unverified": (
        "De aanmelding bij Microsoft kon niet worden gecontroleerd (verlopen of al gebruikt): "
        "begin opnieuw.",
        "The sign-in at Microsoft could not be verified (expired or used already): start again.",
    ),
    "link_o365_consent_unproven": (
        "Microsoft bevestigt de toestemming van deze organisatie (nog) niet. Wacht enkele "
        "minuten na het geven van toestemming en begin dan opnieuw.",
        "Microsoft does not (yet) confirm this organisation's consent. Wait a few minutes "
        "after consenting, then start again.",
    ),
    "link_o365_unreachable": (
        "Microsoft was niet bereikbaar om de toestemming te controleren: begin over enkele "
        "minuten opnieuw.",
        "Microsoft could not be reached to check the consent: start again in a few minutes.",
    ),
    "link_o365_no_contact": (
        "De opdrachtgever heeft geen contact-e-mailadres: vul bij Instellingen het adres van "
        "de mailbox in en begin opnieuw.",
        "The client has no contact e-mail address: fill in the mailbox's address under "
        "Settings and start again.",
    ),
    "link_o365_mailbox_unchecked": (
        "Microsoft kon niet zeggen of de mailbox bij deze organisatie hoort: begin over enkele "
        "minuten opnieuw.",
        "Microsoft could not tell whether the mailbox is this organisation's: start again in "
        "a few minutes.",
    ),
    "link_o365_not_a_mailbox": (
        "{mailbox} is geen mailbox van de Microsoft 365-organisatie waarbij is aangemeld: "
        "maak het contact-e-mailadres van de opdrachtgever een van haar mailboxen.",
        "{mailbox} is not a mailbox of the Microsoft 365 organisation signed in to: make the "
        "client's contact e-mail one of its mailboxes.",
    ),
    "link_o365_user_may_not": (
        "{user} mag {mailbox} niet koppelen: meld u aan als de gebruiker van die mailbox, of "
        "als globale beheerder of Exchange-beheerder van de organisatie.",
        "{user} may not link {mailbox}: sign in as that mailbox's user, or as a Global or "
        "Exchange administrator of the organisation.",
    ),
    "link_o365_signer_may_not": (
        "Wie zich aanmeldde, mag {mailbox} niet koppelen: meld u aan als de gebruiker van die "
        "mailbox, of als globale beheerder of Exchange-beheerder van de organisatie.",
        "The person who signed in may not link {mailbox}: sign in as that mailbox's user, or "
        "as a Global or Exchange administrator of the organisation.",
    ),
    "link_o365_mailbox_taken": (
        "{mailbox} is al gekoppeld door een andere opdrachtgever; de beheerder van Inning is "
        "gevraagd dat op te lossen.",
        "{mailbox} is linked by another client already; Inning's operator has been asked to "
        "resolve it.",
    ),
    "link_mollie_not_configured": (
        "Mollie Connect is niet ingesteld: de beheerder van Inning moet dat eerst doen.",
        "Mollie Connect is not set up: Inning's operator does that first.",
    ),
    "link_mollie_refused": (
        "De toegang is bij Mollie geweigerd (Mollie meldt: {error}). Begin opnieuw als dat "
        "niet de bedoeling was.",
        "Access was refused at Mollie (Mollie says: {error}). Start again if that was not meant.",
    ),
    "link_mollie_no_code": (
        "Mollie stuurde geen autorisatiecode terug: begin opnieuw.",
        "Mollie sent no authorisation code back: start again.",
    ),
    "link_mollie_exchange": (
        "Mollie wisselde de autorisatiecode niet in (verlopen of al gebruikt): begin opnieuw.",
        "Mollie did not exchange the authorisation code (expired or used already): start again.",
    ),
    "link_mollie_unreachable": (
        "Mollie was niet bereikbaar: begin over enkele minuten opnieuw.",
        "Mollie could not be reached: start again in a few minutes.",
    ),
    "link_mollie_no_refresh_token": (
        "Mollie gaf geen blijvende toegang (geen refresh token): begin opnieuw.",
        "Mollie gave no lasting access (no refresh token): start again.",
    ),
    "link_mollie_unreadable": (
        "Het Mollie-account kon niet worden gelezen: begin opnieuw.",
        "The Mollie account could not be read: start again.",
    ),
    "link_mollie_no_profile": (
        "Het Mollie-account heeft geen bruikbaar websiteprofiel: maak er een aan in het "
        "Mollie-dashboard en begin opnieuw.",
        "The Mollie account has no usable website profile: add one in Mollie's dashboard and "
        "start again.",
    ),
    "mollie_key_shape": (
        "Een Mollie-API-sleutel begint met live_ of test_.",
        "A Mollie API key starts with live_ or test_.",
    ),
    "mollie_key_refused": (
        "Mollie accepteert deze sleutel niet.",
        "Mollie does not accept this key.",
    ),
}
