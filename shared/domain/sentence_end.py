"""A sentence ends once: a name that ends in its own period ("Tuincentrum De Linde B.V.",
"J. de Vries e.a.") put before a sentence's period read "B.V.." in the portal, the mails and
the letters (newcomer20 F6). Texts are written with a period after the name, as Dutch writes
them for any name; the period is dropped where the name already ends the sentence with its own.
"""

from __future__ import annotations

import re

# a letter's period, then (in HTML) closing tags such as </strong>, then the sentence's period
# where a sentence ends: before a blank, a tag or the end. "B.V.." ends; an ellipsis ("..."),
# a version ("1..5") and a link ("a..b") keep theirs, and so does a client's invoice number or
# a link quoted whole ("A..-3", "/a../b", href="...q.."): a debtor pays quoting what the text
# prints, and one period less is another number (attack23 F2)
_DOUBLED = re.compile(r"(?<=[^\W\d_]\.)((?:</[A-Za-z][A-Za-z0-9]*>)*)\.(?=\s|<|$)")


def end_once(text: str) -> str:
    """``text`` with a sentence's period dropped where a name's own period ends it already."""
    return _DOUBLED.sub(r"\1", text) if ".." in text or ".</" in text else text
