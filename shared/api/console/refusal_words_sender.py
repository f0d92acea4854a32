"""The refusals of verifying a client's sending mailbox (sender33,
shared/services/sending_mailbox.py), in Dutch and English."""

from __future__ import annotations

# code -> (Dutch, English)
SENDER_REFUSALS: dict[str, tuple[str, str]] = {
    "sender_code_stale": (
        "Het contact-e-mailadres is gewijzigd sinds de code is verstuurd: vraag een nieuwe code.",
        "The contact e-mail changed since the code was mailed: ask a new code.",
    ),
    "sender_code_none": (
        "Er wacht geen code (niet verstuurd, of te vaak een verkeerde ingevuld): vraag een "
        "nieuwe code.",
        "No code is waiting (none mailed, or too many wrong tries): ask a new code.",
    ),
    "sender_code_expired": (
        "De code is verlopen: vraag een nieuwe code.",
        "The code has expired: ask a new code.",
    ),
    "sender_code_wrong": ("De code klopt niet.", "The code is not right."),
    "sender_already_verified": (
        "Het contact-e-mailadres is al bevestigd.",
        "The contact e-mail is verified already.",
    ),
    "sender_no_agency_mailbox": (
        "Het incassobureau heeft geen eigen e-mailadres om de code van te versturen: het "
        "bureau kan het adres zelf bevestigen.",
        "The agency has no e-mail address of its own to mail the code from: the agency can "
        "mark the address verified.",
    ),
    "sender_sandbox": (
        "Een opdrachtgever in de proefomgeving bevestigt zijn adres zodra hij live is.",
        "A client in the sandbox proves its address once it is live.",
    ),
    "sender_codes_today": (
        "Vandaag zijn genoeg codes verstuurd: gebruik de laatste, of probeer het morgen opnieuw.",
        "Enough codes were mailed today: use the latest, or try again tomorrow.",
    ),
}
