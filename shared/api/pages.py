"""What every server-rendered page of Inning shares (the debtor portal and the console):
strict security headers with a per-response CSP nonce, redirects, cookies, forms, and the
caller's address for throttling."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from shared.api.http import ApiRequest, ApiResponse


def security_headers(nonce: str, *, secure: bool, form_action: str = "'self'") -> dict[str, str]:
    """No script at all, styles only with the nonce, no framing, no referrer, no caching."""
    headers = {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' https: data:; "
            f"form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def redirect(to: str, headers: dict[str, str], cookie: str | None = None) -> ApiResponse:
    """303 See Other: after a POST the browser GETs the next page (no resubmission)."""
    out = {**headers, "Location": to}
    if cookie is not None:
        out["Set-Cookie"] = cookie
    return ApiResponse(status=303, headers=out, raw=b"", content_type="text/plain")


def html(body: str, headers: dict[str, str], status: int = 200) -> ApiResponse:
    return ApiResponse(status=status, headers=headers, raw=body.encode(), content_type="text/html")


def cookies(req: ApiRequest) -> dict[str, str]:
    jar: dict[str, str] = {}
    for part in req.headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in jar:
            jar[name] = value
    return jar


MAX_FORM_BYTES = 64 * 1024  # a sign-in, reset, invitation or account form: a few fields
MAX_FORM_FIELDS = 100


def form(
    req: ApiRequest, *, max_bytes: int = MAX_FORM_BYTES, max_fields: int = MAX_FORM_FIELDS
) -> dict[str, list[str]]:
    """The fields of an url-encoded form. Nothing (so the CSRF check refuses it) for a body
    over ``max_bytes`` or ``max_fields``, or for any other type: a multipart body is never
    parsed here, where no session has been checked yet (sign-in, reset, invitation, sign-up
    take no file; a signed-in upload goes through :mod:`shared.api.console.uploads`)."""
    kind = (req.header("content-type") or "application/x-www-form-urlencoded").lower()
    if not kind.startswith("application/x-www-form-urlencoded") or len(req.body) > max_bytes:
        return {}
    try:
        return dict(parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True,
                             max_num_fields=max_fields))  # fmt: skip
    except ValueError:  # more fields than max_fields
        return {}


def field(data: dict[str, list[str]], name: str) -> str:
    return (data.get(name) or [""])[0]


def source_address(req: ApiRequest) -> str:
    """Azure's front end appends the caller (with a port) to X-Forwarded-For; what comes
    before it the caller may have written itself, so only the last entry counts. Without its
    port, and an IPv6 caller by its /64 (see :func:`throttle_source`)."""
    from shared.services.portal import throttle_source

    forwarded = req.headers.get("x-forwarded-for", "").split(",")[-1].strip()
    return throttle_source(forwarded) if forwarded else "local"
