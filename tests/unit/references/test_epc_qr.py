import pytest

from shared.domain.references.epc_qr import CreditTransfer, EpcQrError, payload, qr_png


def test_payload_lines():
    data = payload(
        CreditTransfer(
            name="Bakkerij De Korenbloem B.V.",
            iban="NL91 ABNA 0417 1643 00",
            amount=12_345,
            text="Betalingskenmerk 5000 0567 8901 2345",
        )
    )
    assert data.split("\n") == [
        "BCD", "002", "1", "SCT", "", "Bakkerij De Korenbloem B.V.", "NL91ABNA0417164300",
        "EUR123.45", "", "", "Betalingskenmerk 5000 0567 8901 2345",
    ]  # fmt: skip


def test_rf_reference_goes_in_the_structured_field():
    data = payload(
        CreditTransfer(name="X", iban="NL91ABNA0417164300", reference="RF18539007547034")
    )
    assert data.split("\n")[9] == "RF18539007547034"


@pytest.mark.parametrize(
    "transfer",
    [
        CreditTransfer(name="", iban="NL91ABNA0417164300"),
        CreditTransfer(name="x" * 71, iban="NL91ABNA0417164300"),
        CreditTransfer(name="X", iban="NL91ABNA0417164301"),
        CreditTransfer(name="X", iban="NL91ABNA0417164300", amount=0),
        CreditTransfer(name="X", iban="NL91ABNA0417164300", reference="RF18539007547034", text="t"),
        CreditTransfer(name="X", iban="NL91ABNA0417164300", reference="5000056789012345"),
        CreditTransfer(name="X", iban="NL91ABNA0417164300", text="t" * 141),
        CreditTransfer(name="X", iban="NL91ABNA0417164300", bic="ABNA"),
    ],
)
def test_invalid_transfers_are_refused(transfer):
    with pytest.raises(EpcQrError):
        payload(transfer)


def test_png_is_produced():
    png = qr_png(CreditTransfer(name="X", iban="NL91ABNA0417164300", amount=100))
    assert png.startswith(b"\x89PNG")
