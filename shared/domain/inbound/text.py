"""The text of an e-mail: HTML to plain text, and the fresh part of a reply separated from
the quoted history (which counts less when matching: an old reminder quoted below a reply
names every invoice of that reminder, not what the debtor wrote about)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"}
_SKIP = {"style", "script", "head", "title"}
QUOTE_MARK = "\x00quote\x00"  # a line that starts the quoted history (from HTML structure)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        ident = dict(attrs).get("id") or ""
        # Outlook puts the reply header in div#divRplyFwdMsg (after div#appendonsend); Gmail
        # and Apple Mail put the history in a blockquote
        if ident in ("divRplyFwdMsg", "appendonsend") or (
            tag == "div" and "gmail_quote" in (dict(attrs).get("class") or "")
        ):
            self.out.append("\n" + QUOTE_MARK + "\n")
        if tag == "blockquote":
            self.quote += 1
            self.out.append("\n")
        if tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag == "blockquote" and self.quote:
            self.quote -= 1
            self.out.append("\n")
        if tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote:
            data = "\n".join("> " + line for line in data.split("\n"))
        self.out.append(data)


def _never_closed(html: str) -> str:
    """``html`` with every "<" that nothing closes written as "&lt;": a "<" after the last ">"
    and a "<!--" after the last "-->". html.parser rescans the rest of the document from each
    of them before taking it as text, which it becomes either way: "<!--" repeated in a 200 KB
    mail took 15 s of CPU, 800 KB 239 s (attack19 F6); now one pass."""
    last = html.rfind(">")
    if (first := html.find("<", last + 1)) > -1:
        html = html[:first] + html[first:].replace("<", "&lt;")
    closes = html.rfind("-->")
    if (first := html.find("<!--", closes + 1)) > -1:
        html = html[:first] + html[first:].replace("<!--", "&lt;!--")
    return html


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(_never_closed(html))
    parser.close()
    text = unescape("".join(parser.out)).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# lines that start the quoted history of a reply, in the languages our debtors write
_REPLY_HEADER = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:Original Message|Oorspronkelijk bericht|Origineel bericht|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}"
    r"|_{10,}"
    r"|On .{4,200}wrote:"
    r"|Op .{4,200}(?:schreef|heeft .{0,80} geschreven).{0,40}:"
    r"|Am .{4,200}schrieb .{0,200}:"
    r"|Le .{4,200}a écrit\s?:"
    r")\s*$",
    re.IGNORECASE,
)
# an Outlook header block pasted above the history: "From: ..." followed by "Sent: ..."
_FROM_LINE = re.compile(r"^\s*\*?(?:From|Van|Von|De)\s*:\*?\s*(.+)$", re.IGNORECASE)
_SENT_LINE = re.compile(r"^\s*\*?(?:Sent|Date|Verzonden|Datum|Gesendet|Envoyé)\s*:", re.IGNORECASE)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Doorgestuurd bericht|Weitergeleitete Nachricht|Message transféré)\s*-{2,}"
    r"|Begin forwarded message:|Begin doorgestuurd bericht:)\s*$",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class SplitText:
    fresh: str  # what the sender wrote now (a forwarded message counts as fresh)
    quoted: str  # the history below it
    forwarded_from: tuple[str, ...]  # senders named in forwarded messages' headers


def split_reply(text: str) -> SplitText:
    """The fresh part of a message and its quoted history. A forwarded message is content,
    not history: its body stays fresh and its original sender is reported."""
    lines = text.split("\n")
    fresh: list[str] = []
    quoted: list[str] = []
    forwarded: list[str] = []
    in_quote = False
    in_forward_header = False
    # the next non-blank line after each line, found in one backward pass (asking it per
    # quote mark scanned ahead each time: quadratic in a long message of quote marks)
    following: list[str] = [""] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        following[i] = lines[i] if lines[i].strip() else following[i + 1]
    for i, line in enumerate(lines):
        if line.strip() == QUOTE_MARK and _FORWARD.match(following[i + 1]) is not None:
            continue  # Gmail wraps a forwarded message in the same block as a quote
        if _FORWARD.match(line):
            in_forward_header = True
            fresh.append(line)
            continue
        if in_forward_header:
            found = _FROM_LINE.match(line)
            if found:
                forwarded.extend(a.lower() for a in _ADDRESS.findall(found.group(1)))
            if not line.strip():
                in_forward_header = False
            fresh.append(line)
            continue
        if not in_quote:
            next_line = lines[i + 1] if i + 1 < len(lines) else ""
            starts = (
                line.strip() == QUOTE_MARK
                or _REPLY_HEADER.match(line) is not None
                or (_FROM_LINE.match(line) is not None and _SENT_LINE.match(next_line) is not None)
            )
            if starts:
                in_quote = True
        if in_quote or line.lstrip().startswith(">"):
            quoted.append(line.lstrip("> ").replace(QUOTE_MARK, ""))
        else:
            fresh.append(line)
    return SplitText(
        "\n".join(fresh).strip(), "\n".join(quoted).strip(), tuple(dict.fromkeys(forwarded))
    )


# what may be an invoice number: letters, digits and - / . _ with at least one digit
_TOKEN = re.compile(r"(?<![\w/-])([A-Za-z0-9][A-Za-z0-9\-/._]{1,30}[A-Za-z0-9]|\d{2,})(?![\w/-])")
MAX_TOKENS = 60


def number_tokens(text: str) -> list[str]:
    """Words that could be invoice or plan numbers (at least one digit), in order, once.
    Dates and amounts are left out: "12-03-2025" and "1.250,00" are never invoice numbers."""
    found: list[str] = []
    for m in _TOKEN.finditer(text):
        token = m.group(1).strip("._-/")
        if not any(c.isdigit() for c in token) or len(token) < 3:
            continue
        if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,3}(?:\.\d{3})*(?:,\d{2})?", token):
            continue
        if token not in found:
            found.append(token)
        if len(found) >= MAX_TOKENS:
            break
    return found


def addresses(text: str) -> list[str]:
    return list(dict.fromkeys(a.lower() for a in _ADDRESS.findall(text)))
