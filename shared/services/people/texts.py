"""The account mails and SMS, in Dutch and English. Never a password or a code in a mail."""

from __future__ import annotations

MAILS: dict[str, dict[str, tuple[str, str]]] = {
    "invite": {
        "nl": ("Uitnodiging voor Inning",
               "U bent uitgenodigd voor Inning ({org}).\n\nKies een wachtwoord en stel uw tweede factor in via deze link (72 uur geldig, één keer te gebruiken):\n{link}\n"),
        "en": ("Your invitation to Inning",
               "You have been invited to Inning ({org}).\n\nChoose a password and set up your second factor with this link (valid for 72 hours, usable once):\n{link}\n"),
    },
    # after an administrator cleared the second factor (people27 F7): the old password no
    # longer signs in, so whoever took the account over cannot enrol their own
    "reset_after_factor": {
        "nl": ("Kies een nieuw wachtwoord",
               "Een beheerder heeft de tweede factor van uw Inning-account gewist. Uw oude wachtwoord werkt niet meer: kies een nieuw wachtwoord via deze link (1 uur geldig, één keer te gebruiken) en stel daarna bij het inloggen uw tweede factor opnieuw in:\n{link}\n\nVerlopen? Vraag op de inlogpagina via \"Wachtwoord vergeten\" een nieuwe link aan."),
        "en": ("Choose a new password",
               "An administrator cleared the second factor of your Inning account. Your old password no longer works: choose a new password with this link (valid for 1 hour, usable once), then set up your second factor again when you sign in:\n{link}\n\nExpired? Ask for a new link with \"Forgot password\" on the sign-in page."),
    },
    "reset": {
        "nl": ("Wachtwoord opnieuw instellen",
               "Iemand vroeg een nieuw wachtwoord aan voor uw Inning-account. Was u dat, kies dan een nieuw wachtwoord via deze link (1 uur geldig, één keer te gebruiken):\n{link}\n\nWas u dat niet, dan kunt u dit bericht negeren."),
        "en": ("Reset your password",
               "Someone asked to reset the password of your Inning account. If that was you, choose a new password with this link (valid for 1 hour, usable once):\n{link}\n\nIf it was not you, ignore this message."),
    },
    "login": {
        "nl": ("Nieuwe aanmelding bij Inning",
               "Er is zojuist aangemeld op uw Inning-account ({when} UTC, {agent}).\n\nWas u dat niet? Wijzig dan direct uw wachtwoord en neem contact op met uw beheerder."),
        "en": ("New sign-in to Inning",
               "Your Inning account was just signed in to ({when} UTC, {agent}).\n\nWas that not you? Change your password at once and contact your administrator."),
    },
    "factor": {
        "nl": ("Uw aanmeldgegevens zijn gewijzigd",
               "Bij uw Inning-account is gewijzigd: {what} ({when} UTC).\n\nWas u dat niet? Neem direct contact op met uw beheerder."),
        "en": ("Your sign-in details changed",
               "On your Inning account this changed: {what} ({when} UTC).\n\nWas that not you? Contact your administrator at once."),
    },
    "code_reused": {
        "nl": ("Uw aanmeldcode is opnieuw ingevoerd",
               "Op uw Inning-account is zojuist een code uit uw authenticator-app opnieuw ingevoerd, vanaf een ander adres dan de aanmelding die hem gebruikte ({when} UTC). Die aanmelding is geweigerd, maar wie de code invoerde kende ook uw wachtwoord.\n\nWas u dat niet? Wijzig dan direct uw wachtwoord en neem contact op met uw beheerder."),
        "en": ("Your sign-in code was entered again",
               "On your Inning account a code from your authenticator app was just entered again, from another address than the sign-in that used it ({when} UTC). That sign-in was refused, but whoever entered the code also knew your password.\n\nWas that not you? Change your password at once and contact your administrator."),
    },
    "signup": {
        "nl": ("Bevestig uw aanmelding bij Inning",
               "Bevestig uw e-mailadres voor de aanmelding van {org} via deze link (24 uur geldig):\n{link}\n"),
        "en": ("Confirm your Inning sign-up",
               "Confirm your e-mail address for the sign-up of {org} with this link (valid for 24 hours):\n{link}\n"),
    },
    "signup_exists": {
        "nl": ("Aanmelding bij Inning: u hebt al een account",
               "Dit e-mailadres is bevestigd voor de aanmelding van {org} bij Inning. Met dit adres is al een Inning-account, en een adres heeft er één: er is geen nieuwe omgeving gemaakt.\n\nMeld u aan met uw account, of meld {org} aan met een ander e-mailadres.\nVerwachtte u dit niet, dan kunt u dit bericht negeren."),
        "en": ("Inning sign-up: you already have an account",
               "This e-mail address was confirmed for the sign-up of {org} to Inning. This address already has an Inning account, and an address has one: no new environment was made.\n\nSign in with your account, or sign {org} up with another e-mail address.\nIf you did not expect this, ignore this message."),
    },
    "signup_refused": {
        "nl": ("Uw aanmelding bij Inning is niet goedgekeurd",
               "De aanmelding van {org} (KvK {kvk}) bij Inning is door het incassobureau niet goedgekeurd. Reden: {reason}\n\nUw proefomgeving is gesloten: u kunt er niet meer mee aanmelden en er gaat niets naar uw debiteuren. Hebt u vragen, neem dan contact op met het incassobureau."),
        "en": ("Your Inning sign-up was not approved",
               "The sign-up of {org} (KvK {kvk}) to Inning was not approved by the collection agency. Reason: {reason}\n\nYour trial environment is closed: you can no longer sign in to it and nothing goes to your debtors. If you have questions, contact the collection agency."),
    },
    "invite_exists": {
        "nl": ("Uitnodiging voor Inning: u hebt al een account",
               "Iemand van {org} probeerde dit e-mailadres uit te nodigen voor Inning. Met dit adres is al een Inning-account, en een adres heeft er één: er is niets veranderd.\n\nWilt u ook voor {org} werken, vraag hen dan een ander adres uit te nodigen.\nVerwachtte u dit niet, dan kunt u dit bericht negeren."),
        "en": ("Invitation to Inning: you already have an account",
               "Someone at {org} tried to invite this e-mail address to Inning. This address already has an Inning account, and an address has one: nothing changed.\n\nIf you want to work for {org} as well, ask them to invite another address.\nIf you did not expect this, ignore this message."),
    },
}  # fmt: skip

SMS = {
    "nl": "Uw Inning-code is {code}. Tien minuten geldig. Deel deze code met niemand.",
    "en": "Your Inning code is {code}. Valid for ten minutes. Share it with no one.",
}

WHAT = {
    "password": {"nl": "het wachtwoord", "en": "the password"},
    "totp": {"nl": "de authenticator-app als tweede factor", "en": "the authenticator app as second factor"},
    "sms": {"nl": "SMS als tweede factor", "en": "SMS as second factor"},
    "factor_reset": {"nl": "de tweede factor is door een beheerder gewist", "en": "an administrator cleared the second factor"},
    "recovery": {"nl": "een herstelcode is gebruikt", "en": "a recovery code was used"},
    "recovery_new": {"nl": "nieuwe herstelcodes", "en": "new recovery codes"},
}  # fmt: skip


def mail(kind: str, language: str, **values: str) -> tuple[str, str]:
    subject, body = MAILS[kind]["en" if language == "en" else "nl"]
    return subject, body.format(**values)


def what(kind: str, language: str) -> str:
    return WHAT[kind]["en" if language == "en" else "nl"]
