"""A client's house-style images for its e-mails (logo, header, footer): uploaded in the
console, checked by what the bytes are (PNG, JPEG or GIF by their signature, never by the name
or the declared type; no SVG, which can carry script) and by size, stored content-addressed in
the ``house-style`` container, and served to mail readers at a public, immutable URL
(``/api/brand/<client>/<kind>-<hash>.<ext>``, :mod:`functions.brand`): a new image is a new
URL, so mail already sent keeps showing the image it was sent with."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from shared.domain.parties import Client, HouseStyle
from shared.ports.files import FileStore
from shared.services.client_settings import ClientSettings
from shared.services.errors import Invalid

HOUSE_STYLE_CONTAINER = "house-style"
MAX_BYTES = {"logo": 512 * 1024, "header": 1024 * 1024, "footer": 1024 * 1024}
FIELDS = {"logo": "logo_url", "header": "header_image_url", "footer": "footer_image_url"}
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
)
TYPES = {ext: content_type for _, ext, content_type in SIGNATURES}
_NAME = re.compile(r"^(logo|header|footer)-[0-9a-f]{16}\.(png|jpg|gif)$")
_CLIENT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def image_type(data: bytes) -> tuple[str, str] | None:
    """(extension, content type) from the file's own signature; None for anything else."""
    for signature, ext, content_type in SIGNATURES:
        if data.startswith(signature):
            return ext, content_type
    return None


class HouseStyleImages:
    def __init__(self, files: FileStore, settings: ClientSettings, public_base_url: str) -> None:
        self.files = files
        self.settings = settings
        self.base = public_base_url.rstrip("/")

    def store(self, client: Client, kind: str, data: bytes) -> Client:
        """Keep an image and point the client's house style at it."""
        if kind not in MAX_BYTES:
            raise Invalid("the image is a logo, a header or a footer", "kind", code="image_kind")
        if not data:
            raise Invalid("choose an image file", kind, code="image_missing")
        found = image_type(data)
        if found is None:
            raise Invalid("the image must be a PNG, JPEG or GIF file", kind, code="image_type")
        if len(data) > MAX_BYTES[kind]:
            raise Invalid(
                f"the {kind} image may be at most {MAX_BYTES[kind] // 1024} KiB", kind,
                code="image_size", params={"limit": MAX_BYTES[kind] // 1024},
            )  # fmt: skip
        ext, content_type = found
        name = f"{kind}-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
        self.files.put(HOUSE_STYLE_CONTAINER, f"{client.client_id}/{name}", data,
                       content_type=content_type)  # fmt: skip
        url = f"{self.base}/api/brand/{client.client_id}/{name}"

        def pointed(c: Client) -> Client:
            style: HouseStyle = replace(c.house_style, **{FIELDS[kind]: url})
            return replace(c, house_style=style)

        return self.settings.change(client.client_id, pointed)

    def image(self, client_id: str, name: str) -> tuple[bytes, str] | None:
        """A stored image and its type; None for a name that is not one (never a path)."""
        if not _CLIENT.match(client_id) or not _NAME.match(name):
            return None
        data = self.files.get(HOUSE_STYLE_CONTAINER, f"{client_id}/{name}")
        if data is None:
            return None
        return data, TYPES[name.rsplit(".", 1)[1]]
