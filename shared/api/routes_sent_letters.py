"""/v1/clients/{client}/debtors/{debtor}/messages/{message}/letter: the PDF of a letter the
debtor's contact log says was sent, as it went out (newcomer17 F9: only the debtor could open
it, in his portal). A read (``action_for_request``: GET is READ), of the caller's own client
(``client_for``: another client's, or another agency's, is "not found")."""

from __future__ import annotations

from shared.api.common import principal
from shared.api.http import ApiResponse, NotFoundError
from shared.api.router import Context, Route, Router
from shared.services.container import Services

PATH = "/v1/clients/{client}/debtors/{debtor}/messages/{message}/letter"


def register(router: Router, services: Services) -> None:
    def sent_letter(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        debtor = ctx.params["debtor"]
        if services.repos.debtors.get(client.client_id, debtor) is None:
            raise NotFoundError(f"debtor {debtor} not found")
        letter = services.sent_letters.letter(client.client_id, debtor, ctx.params["message"])
        return ApiResponse(
            raw=letter.pdf,
            content_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="{letter.name}"',
                "Cache-Control": "private, no-store",  # a debtor's letter: not for caches
            },
        )

    router.add(
        Route(
            "GET",
            PATH,
            sent_letter,
            "The PDF of a letter the contact log says was sent, as it went out",
            "records",
            produces="application/pdf",
            errors={
                403: "The caller's role may not read",
                404: "No such debtor, no such entry, the entry is not a sent letter, or its "
                "content is not kept",
            },
            description="`{message}` is the `entry_id` of a `message` entry of channel `letter` "
            "in `GET …/debtors/{debtor}/contacts` (a line 'letter sent via …'): the letter's PDF "
            "exactly as it was sent (the 14-day letter, a reminder, a plan's letter, a letter "
            "by hand), the same document the debtor's portal shows him. A client's key or "
            "people reach only their own client's letters.",
        )
    )
