"""A ZIP whose statements are all refused names each file's refusal (newcomer27 F7): two
statements of accounts nobody here has, one per file of the bank's download, were quarantined
with the first refusal only, not naming its file; the second account's problem appeared only
after the first was mended and the archive uploaded again. A broken file beside another broken
one was the same: the first alone was said."""

from __future__ import annotations

import io
import zipfile

from shared.api.console.action_text import title
from shared.domain.statements.archive import parse_zip
from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file
from tests.unit.services.test_statement_ingest import paid_line, statement
from tests.unit.services.test_statement_ingest import setup as setup

# valid IBANs of no client of agency-a (the first also the bench's and the docs' example)
NOBODYS_1 = "NL91ABNA0417164300"
NOBODYS_2 = "NL05SNSB0908244436"


def _zip(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def test_each_refused_statement_of_a_zip_is_named_with_its_file(setup):
    data = _zip(
        ("abn.sta", statement([paid_line(12_100, "F-0001")], account=NOBODYS_1)),
        ("sns.sta", statement([paid_line(5_000, "F-0002")], account=NOBODYS_2, sid="S2")),
    )
    report = setup.services.statements.ingest("agency-a/download.zip", data)
    assert report.status == "quarantined"
    error = str(report.error["error"])
    assert error.startswith("2 statements refused, each for its own reason: "), error
    assert f"abn.sta in the ZIP archive: account {NOBODYS_1} belongs to no client" in error
    assert f"sns.sta in the ZIP archive: account {NOBODYS_2} belongs to no client" in error
    items, _ = setup.services.repos.actions.list("@agency-a")
    [item] = [x for x in items if x.kind == "statement_quarantined"]
    assert NOBODYS_1 in item.title and NOBODYS_2 in item.title, item.title
    # the console's Dutch says each too
    dutch = title(item.title, "nl")
    assert "2 afschriften geweigerd, elk om een eigen reden: " in dutch, dutch
    assert f"abn.sta in het ZIP-archief: rekening {NOBODYS_1} hoort bij geen" in dutch, dutch
    assert f"sns.sta in het ZIP-archief: rekening {NOBODYS_2} hoort bij geen" in dutch, dutch


def test_a_single_refusal_reads_as_before(setup):
    data = _zip(("abn.sta", statement([paid_line(12_100, "F-0001")], account=NOBODYS_1)))
    report = setup.services.statements.ingest("agency-a/one.zip", data)
    assert report.status == "quarantined"
    assert str(report.error["error"]).startswith(f"account {NOBODYS_1} belongs to no client")


def test_each_broken_file_of_a_zip_is_named():
    data = _zip(("good.sta", statement([])), ("bad.sta", b"hello"), ("worse.xml", b"<x/>"))
    try:
        parse_zip(data, parse_statement_file)
    except StatementError as exc:
        said = str(exc)
    else:
        raise AssertionError("the archive was read")
    assert said.startswith("2 statements refused, each for its own reason: "), said
    assert "bad.sta in the ZIP archive: not a bank statement" in said
    assert "worse.xml in the ZIP archive: " in said
    dutch = title(said, "nl")
    assert "bad.sta in het ZIP-archief: geen bankafschrift: MT940 noch CAMT.053" in dutch, dutch
