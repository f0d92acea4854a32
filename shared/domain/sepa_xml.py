"""What every SEPA XML file Inning writes shares: the EPC's Latin character subset, the
identifier rules, and namespaced element building (pain.001 payouts, pain.008 collections)."""

from __future__ import annotations

import re
import unicodedata
from xml.etree import ElementTree as ET

from anyascii import anyascii

_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_ID = re.compile(r"^[A-Za-z0-9/\-?:().,'+]{1,35}$")  # ids: no spaces


class SepaFileError(ValueError):
    pass


def sepa_text(text: str, limit: int) -> str:
    """The EPC's basic Latin character set, at most ``limit`` characters: other scripts are
    transliterated (``Ωμέγα`` is ``Omega``, ``王小明`` ``WangXiaoMing``, ``Ærø`` ``AEro``; anyascii),
    what has no Latin form becomes a space. May be empty (a name of only ``!``): the caller
    decides what to write instead, as an empty ``<Nm>`` fails the schema."""
    plain = anyascii(unicodedata.normalize("NFC", text))
    return re.sub(r" {2,}", " ", _NOT_SEPA.sub(" ", plain)).strip()[:limit].strip()


def sepa_name_error(name: str) -> str | None:
    """Why an account holder's name cannot go into a SEPA file (None: it can). A name in any
    script is transliterated; one with no letter left (only punctuation) cannot."""
    if not name.strip():
        return "give the account holder's name"
    if not any(c.isalpha() for c in sepa_text(name, 70)):
        return "type the account holder's name as the bank has it, in Latin letters"
    if "//" in sepa_text(name, 70):
        # the bank writes the name back into its statement (a storno's /NAME/): a '//' there
        # starts a code of its own and hides the return (attack13b G1)
        return "type the account holder's name without '//'"
    return None


def sepa_name(name: str, limit: int) -> str:
    """:func:`sepa_text` of a party's name with no '//' (one '/' instead): a bank writes the
    name back into the :86: of its statement, where '//' opens a code (a name stored before
    the mandate form refused it, attack13b G1)."""
    return re.sub(r"/{2,}", "/", sepa_text(name, limit + 8))[:limit].strip()


def check_id(value: str, what: str) -> str:
    """EPC: identifiers are 1-35 SEPA characters, no spaces, neither starting nor ending with
    '/' and without '//' (EPC SCT and SDD implementation guidelines, "Character set")."""
    if not _ID.match(value) or value.startswith("/") or value.endswith("/") or "//" in value:
        raise SepaFileError(f"{what} {value!r}: 1-35 SEPA characters, no spaces")
    return value


class Builder:
    """Elements in one ISO 20022 namespace."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        ET.register_namespace("", namespace)

    def root(self, tag: str) -> ET.Element:
        return ET.Element(f"{{{self.namespace}}}{tag}")

    def sub(
        self, parent: ET.Element, tag: str, text: str | None = None, **attrs: str
    ) -> ET.Element:
        node = ET.SubElement(parent, f"{{{self.namespace}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    def agent(self, parent: ET.Element, tag: str, bic: str | None) -> None:
        """A bank by BIC, or "NOTPROVIDED" (EPC: the BIC is optional inside the EEA)."""
        institution = self.sub(self.sub(parent, tag), "FinInstnId")
        if bic:
            self.sub(institution, "BICFI", bic)
        else:
            self.sub(self.sub(institution, "Othr"), "Id", "NOTPROVIDED")

    @staticmethod
    def serialise(document: ET.Element) -> bytes:
        ET.indent(document)
        body: bytes = ET.tostring(document, encoding="utf-8", xml_declaration=True)
        return body
