"""Letters by post through Pingen (API v2): OAuth client credentials, a signed upload URL
for the PDF, then a letter in the organisation (JSON:API), sent automatically with the
address read from the window position. Delivery and undeliverable events come back on the
signed webhook (see shared.services.callbacks).

The letter's file is named by our reference (``file_original_name``, which Pingen keeps and
returns with the letter): when the answer to the create call is lost, the record is
remembered under that reference, and a later webhook naming only Pingen's letter id is
matched through :meth:`PingenLetterChannel.reference_of` (failure7 #3). Pingen's own
``meta_data`` is the recipient and sender block of registered products, not a place for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from shared.adapters.channels.http_errors import call, raise_for
from shared.domain.messaging import MessageContent, OutboundMessage, PermanentSendError, SendResult

JSONAPI = "application/vnd.api+json"


class PingenLetterChannel:
    name = "pingen"
    can_look_up = False

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        organisation_id: str,
        api_url: str = "https://api.pingen.com",
        identity_url: str = "https://identity.pingen.com",
        delivery_product: str = "cheap",
        http: httpx.Client | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.organisation_id = organisation_id
        self.api_url = api_url.rstrip("/")
        self.identity_url = identity_url.rstrip("/")
        self.delivery_product = delivery_product
        self.http = http or httpx.Client(timeout=60)
        self._token: tuple[str, float] | None = None

    def _bearer(self) -> dict[str, str]:
        if self._token is None or self._token[1] < time.monotonic() + 60:
            form = {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": "letter",
            }
            response = call(
                "Pingen",
                lambda: self.http.post(f"{self.identity_url}/auth/access-tokens", data=form),
            )
            if response.status_code in (400, 401):
                raise PermanentSendError(f"Pingen credentials refused: {response.text[:200]}")
            raise_for("Pingen", response)
            data = response.json()
            self._token = (
                str(data["access_token"]),
                time.monotonic() + float(data.get("expires_in", 3600)),
            )
        return {"Authorization": f"Bearer {self._token[0]}"}

    def _authorized(
        self, request: Callable[[], httpx.Response], *, final: bool = False
    ) -> httpx.Response:
        """``request`` (which takes its token from :meth:`_bearer`), once more with a new
        token when Pingen answers 401: a token Pingen no longer takes before the expiry we
        kept (revoked, credentials rotated) must not fail the letter for good. Pingen
        processed nothing it answered 401, so this is safe on the create too."""
        response = call("Pingen", request, final=final)
        if response.status_code != 401:
            return response
        self._token = None
        return call("Pingen", request, final=final)

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        pdf = next((a for a in content.attachments if a.content_type == "application/pdf"), None)
        if pdf is None:
            raise PermanentSendError("a letter needs its PDF")
        upload = self._authorized(
            lambda: self.http.get(f"{self.api_url}/file-upload", headers=self._bearer())
        )
        raise_for("Pingen", upload)
        attributes = upload.json()["data"]["attributes"]
        put = call(
            "Pingen",
            lambda: self.http.put(
                attributes["url"], content=pdf.data, headers={"Content-Type": "application/pdf"}
            ),
        )
        raise_for("Pingen upload", put)
        body: dict[str, Any] = {
            "data": {
                "type": "letters",
                "attributes": {
                    "file_original_name": file_name(message.reference),
                    "file_url": attributes["url"],
                    "file_url_signature": attributes["url_signature"],
                    "address_position": "left",
                    "auto_send": True,
                    "delivery_product": self.delivery_product,
                    "print_mode": "simplex",
                    "print_spectrum": "color",
                },
            }
        }
        created = self._authorized(
            lambda: self.http.post(
                f"{self.api_url}/organisations/{self.organisation_id}/letters",
                json=body,
                headers={**self._bearer(), "Content-Type": JSONAPI, "Accept": JSONAPI},
            ),
            final=True,  # auto_send: a second letter would be printed and posted
        )
        if created.status_code == 422:
            errors = created.json().get("errors", [{}])
            raise PermanentSendError(
                f"Pingen refused the letter: {errors[0].get('detail', created.text[:200])}"
            )
        raise_for("Pingen", created, final=True)
        return SendResult(self.name, str(created.json()["data"]["id"]))

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None

    def reference_of(self, letter_id: str) -> str | None:
        """Our reference of Pingen's letter ``letter_id`` (GET the letter: its file name), or
        None when Pingen does not know it or it was not named by us. A failure to ask is
        transient: the webhook that asks is answered with an error and Pingen sends it again."""
        if not letter_id or "/" in letter_id or len(letter_id) > 100:
            return None
        answer = self._authorized(
            lambda: self.http.get(
                f"{self.api_url}/organisations/{self.organisation_id}/letters/{letter_id}",
                headers={**self._bearer(), "Accept": JSONAPI},
            ),
        )
        if answer.status_code == 404:
            return None
        raise_for("Pingen", answer)
        name = str(answer.json()["data"]["attributes"].get("file_original_name") or "")
        return reference_in(name)


_SUFFIX = ".pdf"


def file_name(reference: str) -> str:
    """The name a letter's file is given at Pingen: our reference (5 to 255 characters)."""
    return reference + _SUFFIX


def reference_in(name: str) -> str | None:
    """The reference a file name of :func:`file_name` carries, else None."""
    if name.startswith("inn-") and name.endswith(_SUFFIX):
        return name[: -len(_SUFFIX)]
    return None
