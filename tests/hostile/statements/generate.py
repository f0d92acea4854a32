"""Writes the hostile statement files beside this script (``python -m
tests.hostile.statements.generate``); they are committed, so a test never depends on running
it. Every file is broken or hostile in one way, and outcomes.csv says how it must end."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCOUNT = "NL94ABNA0000017201"  # client C1 of the unit-test world

GOOD_61 = ":61:2503030303C121,00NTRFNONREF\r\n:86:/CNTP/NL02RABO0123456789//J de Vries///REMI/USTD//F-0001/\r\n"


def mt940(body: str, closing: str = ":62F:C250303EUR121,00\r\n") -> bytes:
    head = f":20:S1\r\n:25:{ACCOUNT}EUR\r\n:28C:00001\r\n:60F:C250303EUR0,00\r\n"
    return (head + body + closing).encode()


def camt(
    amount: str = "121.00", booked: str = "2025-03-03", extra: str = "", head: str = ""
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{head}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-03T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2025-03-03T10:00:00</CreDtTm>
<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>2025-03-03</Dt></ValDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>F-0001{extra}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
""".encode()


def files() -> dict[str, bytes]:
    deep = "<a>" * 5000 + "x" + "</a>" * 5000
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
    )
    return {
        "mt940_truncated_after_61.sta": mt940(":61:2503030303C121,00NTRFNONREF\r\n", closing=""),
        "mt940_truncated_inside_61.sta": mt940(":61:2503030303C12", closing=""),
        "mt940_truncated_inside_86.sta": mt940(GOOD_61[:-20], closing=""),
        "mt940_amount_1e17.sta": mt940(
            ":61:2503030303C100000000000000000,00NTRFNONREF\r\n:86:/REMI/USTD//x/\r\n",
            closing=":62F:C250303EUR100000000000000000,00\r\n",
        ),
        "mt940_amount_30_digits.sta": mt940(
            ":61:2503030303C" + "9" * 30 + ",00NTRFNONREF\r\n:86:x\r\n"
        ),
        "mt940_impossible_date.sta": mt940(":61:2513450345C121,00NTRFNONREF\r\n:86:x\r\n"),
        "mt940_nul_bytes.sta": mt940(GOOD_61).replace(b"F-0001", b"F-\x00\x000001"),
        "mt940_only_nul_bytes.sta": b"\x00" * 4096,
        "mt940_utf16.sta": mt940(GOOD_61).decode().encode("utf-16"),
        "mt940_latin1_name.sta": mt940(GOOD_61.replace("J de Vries", "J. Müller")).replace(
            "Müller".encode(), "Müller".encode("latin-1")
        ),
        "mt940_stray_byte_in_61.sta": mt940(
            GOOD_61 + ":61:2503030303C\xdc5,00NTRFNONREF\r\n:86:other\r\n",
            closing=":62F:C250303EUR126,00\r\n",
        ),
        "mt940_binary_garbage.sta": bytes(range(256)) * 16,
        "mt940_empty.sta": b"",
        "mt940_whitespace.sta": b" \r\n\t\r\n",
        "camt_amount_1e30.xml": camt(amount="1E+30"),
        "camt_amount_nan.xml": camt(amount="NaN"),
        "camt_amount_1e17.xml": camt(amount="100000000000000000.00"),
        "camt_amount_negative.xml": camt(amount="-121.00"),
        "camt_impossible_date.xml": camt(booked="2026-13-45"),
        "camt_date_year_0.xml": camt(booked="0000-01-01"),
        "camt_xxe.xml": camt(
            extra="&xxe;",
            head='<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        ),
        "camt_entity_expansion.xml": camt(extra="&lol2;", head=laughs),
        "camt_deep_nesting.xml": camt(extra="").replace(b"</Stmt>", deep.encode() + b"</Stmt>"),
        "camt_truncated.xml": camt()[:-120],
        "camt_nul_bytes.xml": camt().replace(b"F-0001", b"F-\x000001"),
        "camt_utf16.xml": camt().decode().replace("UTF-8", "UTF-16").encode("utf-16"),
        "camt_wrong_declared_encoding.xml": camt(extra=" Müller").replace(b"UTF-8", b"US-ASCII"),
        "camt_huge_text.xml": camt(extra=" " + "x" * 2_000_000),
    }


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
