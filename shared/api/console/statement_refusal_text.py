"""Why a statement file was refused (shared/domain/statements: parse, camt053, archive), in
Dutch for the console: the refusals that say what to upload instead; any other shape is shown
as the service wrote it."""

from __future__ import annotations

import re

from shared.api.console.shapes import in_language, shapes

_IN_ZIP = r"^(.+) in the ZIP archive"

_REFUSALS = shapes(
    (
        # newcomer27 F7: each statement of a file refused for its own reason, each said (first:
        # its parts may each be "<file> in the ZIP archive: ...")
        (r"^(\d+) statements refused, each for its own reason: (.*)$",
         lambda m: f"{m[1]} afschriften geweigerd, elk om een eigen reden: "
                   + " | ".join(refusal(part, "nl") for part in m[2].split(" | "))),
        (r"^(\d+) more$", lambda m: f"nog {m[1]}"),
        (r"^a business-message envelope without a camt\.053 Document: upload the bank's "
         r"statement \(the Document element\) itself$",
         lambda m: "een berichtenvelop zonder camt.053-Document: upload het afschrift van de "
                   "bank (het Document-element) zelf"),
        (r"^a ZIP archive without a statement file in it$",
         lambda m: "een ZIP-archief zonder afschriftbestand erin"),
        (r"^a gzip-compressed file: unpack it and upload the statement file itself$",
         lambda m: "een met gzip ingepakt bestand: pak het uit en upload het afschriftbestand zelf"),
        (r"^a damaged ZIP archive \((.*)\)$",
         lambda m: f"een beschadigd ZIP-archief ({m[1]})"),
        (r"^a ZIP archive of (\d+) files; at most (\d+) are read at once: upload it in parts$",
         lambda m: f"een ZIP-archief van {m[1]} bestanden; er worden er hoogstens {m[2]} tegelijk "
                   "gelezen: upload het in delen"),
        (r"^a ZIP archive unpacking to more than (\d+) MiB: upload its files one by one$",
         lambda m: f"een ZIP-archief dat uitgepakt meer dan {m[1]} MiB is: upload de bestanden "
                   "een voor een"),
        (_IN_ZIP + r" is itself an archive: unpack it and upload its files$",
         lambda m: f"{m[1]} in het ZIP-archief is zelf een archief: pak het uit en upload de "
                   "bestanden erin"),
        (_IN_ZIP + r" is password-protected: unpack it and upload the file$",
         lambda m: f"{m[1]} in het ZIP-archief is met een wachtwoord beveiligd: pak het uit en "
                   "upload het bestand"),
        (_IN_ZIP + r" inflates more than (\d+) times: no statement file does; refused as a "
                   r"decompression bomb$",
         lambda m: f"{m[1]} in het ZIP-archief wordt uitgepakt meer dan {m[2]} keer zo groot: "
                   "geen afschrift doet dat; geweigerd als zipbom"),
        (_IN_ZIP + r" cannot be read \((.*)\)$",
         lambda m: f"{m[1]} in het ZIP-archief is niet te lezen ({m[2]})"),
        (_IN_ZIP + r": (.*)$", lambda m: f"{m[1]} in het ZIP-archief: {refusal(m[2], 'nl')}"),
        # misc16 #3: an account no client can register, and Knab's file without its header
        (r"^account (\S+) cannot be booked for any client: (.*)$",
         lambda m: f"rekening {m[1]} kan voor geen enkele opdrachtgever geboekt worden: "
                   f"{refusal(m[2], 'nl')}"),
        # newcomer27 F3: why such an account cannot be booked (account_names.not_an_iban), the
        # part that says what to do; it stood in English after the Dutch first half
        (r"^the account (\S+) has an IBAN's form but its (check digits are|length is) wrong "
         r"\(.*\): the file is damaged or its account was changed by hand, so it is not the "
         r"bank's own export; download the statement from the bank again \(no client can "
         r"register an account whose IBAN does not check out\)$",
         lambda m: f"de rekening {m[1]} heeft de vorm van een IBAN, maar "
                   f"{'de controlecijfers kloppen' if m[2].startswith('check') else 'de lengte klopt'} "
                   "niet: het bestand is beschadigd of de rekening erin is met de hand gewijzigd, "
                   "dus het is niet het bestand zoals de bank het gaf; download het afschrift "
                   "opnieuw bij de bank (geen opdrachtgever kan een rekening registreren waarvan "
                   "de IBAN niet klopt)"),
        (r"^the account(?: \((.+?)\))? is the bank's own account id, not an IBAN; Inning routes "
         r"statements by IBAN and a client registers IBANs only .*$",
         lambda m: f"de rekening{f' ({m[1]})' if m[1] else ''} is een eigen rekeningnummer van "
                   "de bank, geen IBAN; Inning boekt afschriften op IBAN en een opdrachtgever "
                   "registreert alleen IBAN's (zo'n nummer is buiten de bank niet uniek): "
                   "exporteer het afschrift met de IBAN van de rekening (bij Wise: het afschrift "
                   "van het saldo met de IBAN-rekeninggegevens) of boek de regels met de hand"),
        (r"^the account (\S+) is a bank's own account number, not an IBAN, and the file does "
         r"not name the bank: .*$",
         lambda m: f"de rekening {m[1]} is het eigen rekeningnummer van een bank, geen IBAN, en "
                   "het bestand noemt de bank niet: Knab, ABN AMRO, ING en Van Lanschot zetten "
                   "het nummer in :25: en de bank in de kop van het bestand (bij Knab "
                   "{1:F01KNABNL2HAXXX...}, bij ABN AMRO ABNANL2A), waaruit Inning de IBAN "
                   "afleidt; hetzelfde nummer bij een andere bank is een andere rekening, dus de "
                   "IBAN wordt niet geraden. Upload het bestand precies zoals de bank het gaf "
                   "(met de kop), exporteer het afschrift met de IBAN van de rekening, of boek "
                   "de regels met de hand"),
        # newcomer16 #6: an account no client has, with what to do (statements.NOBODYS); a
        # file of one before this said only that it belongs to no client (shown with what to do)
        (r"^account (\S+) belongs to no client of agency (\S+)(?:: register it .*)?$",
         lambda m: f"rekening {m[1]} hoort bij geen opdrachtgever van bureau {m[2]}: registreer "
                   "haar als bankrekening van haar opdrachtgever (Instellingen van die "
                   "opdrachtgever, Bankrekeningen; of de ibans van de opdrachtgever in de API), "
                   "laat haar daar bewijzen en upload het bestand opnieuw; of handel dit punt af "
                   "als de rekening het bureau niet aangaat"),
        # newcomer19 F2: registered for a client, not proven yet (statements.PENDING)
        (r"^account (\S+) is registered for client (\S+) but not proven yet \(pending, code "
         r"(\S+)\): the client confirms the code .*$",
         lambda m: f"rekening {m[1]} is geregistreerd voor opdrachtgever {m[2]} maar nog niet "
                   f"bewezen (code {m[3]}): de opdrachtgever bevestigt de code (Instellingen, "
                   "Bankrekeningen; of POST …/ibans/confirm met haar eigen sleutel), of het "
                   "incassobureau besluit (POST …/ibans/decide); upload het bestand daarna "
                   "opnieuw"),
        (r"^account (\S+) is registered for client (\S+) but not proven yet \(pending, code "
         r"(\S+)\): a transfer from the account .*$",
         lambda m: f"rekening {m[1]} is geregistreerd voor opdrachtgever {m[2]} maar nog niet "
                   f"bewezen (code {m[3]}): een overboeking vanaf die rekening met de code in de "
                   "omschrijving bewijst haar, of het incassobureau besluit (POST "
                   "…/ibans/decide); upload het bestand daarna opnieuw"),
        # a client's own upload (statements.CLIENT_ACCOUNT_NEXT)
        (r"^account (\S+) is not a verified account of the client this file was uploaded for; "
         r"a client's upload books only its own accounts(?:; if it is an account of the "
         r"client's own, .*)?$",
         lambda m: f"rekening {m[1]} is geen geverifieerde rekening van de opdrachtgever voor "
                   "wie het bestand is geüpload; een upload van een opdrachtgever boekt alleen "
                   "haar eigen rekeningen. Is het een eigen rekening van de opdrachtgever, voeg "
                   "haar dan toe onder Instellingen, Bankrekeningen, laat haar daar bewijzen (de "
                   "code, de bevestiging of het besluit van het incassobureau) en upload het "
                   "bestand opnieuw"),
        (r"^account (\S+) is not a verified account of the client this file was uploaded for; "
         r"a client's upload books only its own accounts: (.*)$",
         lambda m: f"rekening {m[1]} is geen geverifieerde rekening van de opdrachtgever voor "
                   "wie het bestand is geüpload; een upload van een opdrachtgever boekt alleen "
                   f"haar eigen rekeningen: {refusal(m[2], 'nl')}"),
        (r"^unknown MT940 tag :(\S+):$",
         lambda m: f"onbekende MT940-code :{m[1]}:"),
        (r"^not a bank statement: neither MT940 nor CAMT\.053$",
         lambda m: "geen bankafschrift: MT940 noch CAMT.053"),
        (r"^XML, but not an ISO 20022 camt\.053 statement$",
         lambda m: "XML, maar geen ISO 20022 camt.053-afschrift"),
        (r"^not an ISO 20022 camt document \(root (.+)\)$",
         lambda m: f"geen ISO 20022 camt-document (hoofdelement {m[1]})"),
        (r"^not UTF-8: byte (0x[0-9A-F]{2}) is no UTF-8 character \(the file was saved as "
         r"Latin-1 or Windows-1252, an accented letter such as 'é' one byte\?\); download it "
         r"from the bank again, or save it as UTF-8$",
         lambda m: f"geen UTF-8: byte {m[1]} is geen UTF-8-teken (is het bestand opgeslagen als "
                   "Latin-1 of Windows-1252, een letter met accent zoals 'é' één byte?); "
                   "download het opnieuw bij de bank, of sla het op als UTF-8"),
    )
)  # fmt: skip


_AT_LINE = re.compile(r"^line (\d+): (.*)$", re.S)


def refusal(text: str, lang: str) -> str:
    """``text`` in Dutch on a Dutch page when its shape is known (after a "line N: " the
    parser puts before it), else as it is."""
    if lang == "nl" and (at := _AT_LINE.match(text)):
        inner = in_language(at[2], _REFUSALS, lang)
        return f"regel {at[1]}: {inner}" if inner != at[2] else text
    return in_language(text, _REFUSALS, lang)
