"""A camt.053.001.02 of an agency's payout account, as its bank sends it: one booked entry per
debit (``BtchBookg`` false), with the end-to-end id in ``NtryDtls/TxDtls/Refs``. For the
``restore-hold paid`` tests (ops28)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Booked:
    end_to_end_id: str
    amount: str  # "107.72"
    debit: bool = True
    status: str = "BOOK"
    day: str = "2026-11-30"
    batch: tuple[tuple[str, str], ...] = ()  # (end-to-end id, amount) of a batch entry


def _details(e2e: str, amount: str | None) -> str:
    amt = f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if amount else ""
    return f"<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{amt}</TxDtls>"


def camt053(account: str, entries: list[Booked]) -> bytes:
    body = []
    for e in entries:
        if e.batch:
            details = "".join(_details(i, a) for i, a in e.batch)
        else:
            details = _details(e.end_to_end_id, None)
        body.append(
            f'<Ntry><Amt Ccy="EUR">{e.amount}</Amt>'
            f"<CdtDbtInd>{'DBIT' if e.debit else 'CRDT'}</CdtDbtInd><RvslInd>false</RvslInd>"
            f"<Sts>{e.status}</Sts><BookgDt><Dt>{e.day}</Dt></BookgDt>"
            f"<ValDt><Dt>{e.day}</Dt></ValDt><BkTxCd/>"
            f"<NtryDtls><Btch><NbOfTxs>{max(len(e.batch), 1)}</NbOfTxs></Btch>{details}</NtryDtls>"
            "</Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>PAYOUTS-1</MsgId><CreDtTm>2026-12-01T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>PAYOUTS-1/1</Id><CreDtTm>2026-12-01T06:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{''.join(body)}</Stmt></BkToCstmrStmt></Document>"
    ).encode()
