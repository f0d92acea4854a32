"""The console's sign-in and account pages under ``/api/console/``: server-rendered, no
script, a strict CSP (see :mod:`shared.api.pages`), a CSRF token on every form.

Before sign-in a form's token is bound to a random ``__Host-inning_pre`` cookie; after, to
the session (the same token the API wants in ``X-CSRF-Token``). The session cookie is
``__Host-inning_session``: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain (ASVS 5.0
3.3.1-3.3.4).
"""

from __future__ import annotations

import hmac
import secrets
from typing import TYPE_CHECKING, Any

from shared.api.console.refusal_text import refusal
from shared.api.console.templates import ENV
from shared.api.console.text import TEXT
from shared.api.http import ApiRequest, ApiResponse
from shared.api.outage import UNAVAILABLE_TEXT, is_outage, storage_down
from shared.api.pages import (
    cookies,
    field,
    form,
    html,
    new_nonce,
    redirect,
    security_headers,
    source_address,
)
from shared.clock import amsterdam_date
from shared.domain.people.accounts import Factor
from shared.domain.people.factors import digest
from shared.domain.people.sessions import COOKIE, Stage
from shared.services.container import Services
from shared.services.errors import Invalid, NotFound
from shared.services.people.accounts import LinkInvalid
from shared.services.people.kit import Throttled
from shared.services.people.signin import (
    ClientInactive,
    CodeReused,
    Signed,
    SignInFailed,
    SmsLimited,
)

if TYPE_CHECKING:
    from shared.api.console.shell import PageSpec

PRE = "__Host-inning_pre"
BASE = "/api/console"


def session_cookie(value: str, max_age: int = 12 * 3600) -> str:
    return f"{COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age}"


class ConsoleApp:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.people = services.people
        self.secure = services.settings.public_base_url.startswith("https://")
        self.pepper = services.settings.api_key_pepper.encode()

    # -- plumbing --------------------------------------------------------------------------------
    def _lang(self, req: ApiRequest, signed: Signed | None = None) -> str:
        """?lang= first (the switch on the page), then the language the signed-in person
        chose (the same one the console's other pages speak), then the browser's."""
        chosen = req.query.get("lang") or ""
        if chosen in TEXT:
            return chosen
        if signed is not None and signed.user.language in TEXT:
            return signed.user.language
        accept = (req.header("accept-language") or "").lower()
        return "en" if accept.startswith("en") else "nl"

    def _page(self, req: ApiRequest, name: str, title_key: str, status: int = 200,
              cookie: str | None = None, signed: Signed | None = None, **context: Any) -> ApiResponse:  # fmt: skip
        lang = self._lang(req, signed)
        nonce = new_nonce()
        t = TEXT[lang]
        chosen = req.query.get("lang") or ""
        body = ENV.get_template(name).render(
            nonce=nonce,
            lang=lang,
            # the language switched to on the page, carried by its forms (sign-in's two steps)
            keep_lang=f"?lang={chosen}" if chosen in TEXT else "",
            t=t,
            title=t[title_key],
            other="en" if lang == "nl" else "nl",
            **context,
        )
        response = html(body, security_headers(nonce, secure=self.secure), status)
        if cookie is not None:
            response.headers["Set-Cookie"] = cookie
        return response

    def _go(self, to: str, cookie: str | None = None) -> ApiResponse:
        return redirect(BASE + to, security_headers(new_nonce(), secure=self.secure), cookie)

    @staticmethod
    def _keeping_lang(req: ApiRequest, to: str) -> str:
        """``to`` with the language chosen on the page (?lang=) carried on: the sign-in's
        steps and the first page after them speak the language its person picked."""
        chosen = req.query.get("lang") or ""
        return f"{to}?lang={chosen}" if chosen in TEXT else to

    def _pre_token(self, req: ApiRequest) -> tuple[str, str | None]:
        """(form token, cookie to set when the browser has no pre-session cookie yet)."""
        pre = cookies(req).get(PRE, "")
        cookie = None
        if len(pre) < 20:
            pre = secrets.token_urlsafe(24)
            cookie = f"{PRE}={pre}; Path=/; Secure; HttpOnly; SameSite=Lax"
        return digest(self.pepper, "pre-csrf", pre)[:32], cookie

    def _pre_ok(self, req: ApiRequest, data: dict[str, list[str]]) -> bool:
        pre = cookies(req).get(PRE, "")
        return bool(pre) and hmac.compare_digest(
            digest(self.pepper, "pre-csrf", pre)[:32].encode(), field(data, "csrf").encode()
        )

    def _anon(
        self, req: ApiRequest, name: str, title_key: str, status: int = 200, **context: Any
    ) -> ApiResponse:
        token, cookie = self._pre_token(req)
        return self._page(req, name, title_key, status, cookie, csrf=token, **context)

    def _signed(self, req: ApiRequest, *, full: bool) -> Signed | None:
        return self.people.signin.resolve(cookies(req).get(COOKIE, ""), full=full)

    @staticmethod
    def _session_ok(signed: Signed, data: dict[str, list[str]]) -> bool:
        return hmac.compare_digest(signed.session.csrf.encode(), field(data, "csrf").encode())

    def _agent(self, req: ApiRequest) -> str:
        return (req.header("user-agent") or "")[:200]

    # -- routing ---------------------------------------------------------------------------------
    def handle(self, req: ApiRequest) -> ApiResponse:
        parts = [p for p in req.path.split("/") if p]
        post = req.method.upper() == "POST"
        try:
            match parts:
                case ["login"]:
                    return (
                        self._login_post(req)
                        if post
                        else self._anon(req, "login", "login", email="")
                    )
                case ["login", "second-factor"]:
                    return self._second(req, post)
                case ["logout"]:
                    return self._logout(req, post)
                case ["invite", token]:
                    return self._invite(req, token, post)
                case ["reset"]:
                    return self._reset(req, post)
                case ["reset", token]:
                    return self._reset_token(req, token, post)
                case ["account"]:
                    return self._account(req, post)
                case ["signup"]:
                    return self._signup(req, post)
                case ["signup", token]:
                    return self._signup_verify(req, token, post)
                case [] | [""]:  # the entry point: the day's work when signed in
                    return self._go("/today" if self._signed(req, full=True) else "/login")
                case [name, *rest] if name in self._pages():
                    return self._desk(req, name, rest, post)
        except Throttled as exc:
            t = TEXT[self._lang(req)]
            return self._anon(
                req,
                "message",
                "login",
                429,
                notice=t["throttled"].format(seconds=exc.seconds),
                error=True,
            )
        except Exception as exc:
            if not is_outage(exc):
                raise
            return storage_down(
                req,
                self._page(
                    req,
                    "message",
                    "login",
                    503,
                    notice=UNAVAILABLE_TEXT[self._lang(req)],
                    error=True,
                ),
            )
        # a mistyped address, signed in or not: say so and lead back (it was the sign-in
        # page's title over a bare "404", newcomer33); Today sends a stranger to sign in
        t = TEXT[self._lang(req)]
        return self._page(req, "message", "no_page_title", 404, notice=t["no_page"],
                          error=True, link=BASE + "/today", link_text=t["no_page_back"])  # fmt: skip

    @staticmethod
    def _pages() -> dict[str, PageSpec]:
        from shared.api.console.registry import PAGES

        return PAGES

    def _desk(self, req: ApiRequest, name: str, rest: list[str], post: bool) -> ApiResponse:
        """A page of the day's work (see :mod:`shared.api.console.shell`): a full session, a
        valid CSRF token on every POST, the client in reach, and the role's permission."""
        from shared.adapters.tables.keys import InvalidKey
        from shared.api.console.shell import Desk, Forbidden, choose_client
        from shared.domain.people.authorisation import Action

        signed = self._signed(req, full=True)
        if signed is None:
            return self._go("/login")
        spec = self._pages()[name]
        from shared.api.console.uploads import form_fields  # url-encoded or multipart forms
        from shared.api.multipart import MAX_FORM_BYTES

        if post and len(req.body) > MAX_FORM_BYTES:  # the largest upload a page takes
            t = TEXT[self._lang(req)]
            return self._anon(req, "message", "login", 413, notice=t["form_too_large"],
                              error=True, link=f"{BASE}/{name}", link_text=t["form_back"])  # fmt: skip
        data = form_fields(req) if post else {}
        if post and not self._session_ok(signed, data):
            return self._csrf_failed(req)
        lang = req.query.get("lang") or ""
        if lang not in TEXT:
            lang = signed.user.language if signed.user.language in TEXT else self._lang(req)
        asked = req.query.get("client") or field(data, "client") or None
        choices, client_id = choose_client(self.services, signed, asked)
        desk = Desk(self.services, req, signed, lang, name, self.secure, data, choices, client_id)
        if asked is not None and asked != client_id:
            # a client out of reach is not silently swapped for another one: a form posted
            # for client X must never act on client Y
            return desk.message(404, desk.t["not_found"])
        try:
            if post:
                needed = spec.post_action.get(
                    field(data, "do"), spec.post_action.get("", Action.WRITE)
                )
            else:
                needed = spec.get_action
            if spec.agency_only:
                desk.require_agency(needed)
            else:
                desk.require(needed)
            return spec.handler(desk, rest)
        except Forbidden as exc:
            return desk.message(403, str(exc) or desk.t["forbidden"])
        except (NotFound, InvalidKey):  # an id no key can hold names nothing either
            return desk.message(404, desk.t["not_found"])

    def _csrf_failed(self, req: ApiRequest) -> ApiResponse:
        return self._anon(req, "message", "login", 403, notice=TEXT[self._lang(req)]["csrf"], error=True,
                          link=f"{BASE}/login", link_text=TEXT[self._lang(req)]["back_login"])  # fmt: skip

    # -- sign in ---------------------------------------------------------------------------------
    def _login_post(self, req: ApiRequest) -> ApiResponse:
        data = form(req)
        if not self._pre_ok(req, data):
            return self._csrf_failed(req)
        t = TEXT[self._lang(req)]
        email = field(data, "email")
        try:
            signed = self.people.signin.password(
                email, field(data, "password"), source_address(req), self._agent(req)
            )
        except SignInFailed:
            return self._anon(
                req, "login", "login", 401, email=email, notice=t["failed"], error=True
            )
        except ClientInactive:
            return self._anon(
                req, "login", "login", 403, email=email, notice=t["inactive"], error=True
            )
        # the switch on the sign-in page, carried on
        after = self._keeping_lang(req, "/login/second-factor")
        return self._go(after, session_cookie(signed.cookie, 600))

    def _second(self, req: ApiRequest, post: bool) -> ApiResponse:
        signed = self._signed(req, full=False)
        if signed is None or signed.session.stage is Stage.FULL:
            return self._go(self._keeping_lang(req, "/today" if signed else "/login"))
        if signed.session.stage is Stage.ENROL:
            return self._enrol(req, signed, post, f"{BASE}/login/second-factor")
        # the language chosen on the sign-in page (?lang=, carried on), else the person's own:
        # the half-signed session knows who signs in (newcomer15b #2)
        t = TEXT[self._lang(req, signed)]
        notice, error, status = "", False, 200
        if post:
            data = form(req)
            if not self._session_ok(signed, data):
                return self._csrf_failed(req)
            if field(data, "do") == "sms":
                try:
                    signed = self.people.signin.send_sms(signed)
                    notice = t["sms_sent"]
                except SmsLimited:
                    notice, error = t["sms_limited"], True
            else:
                try:
                    done = self.people.signin.second_factor(
                        signed.cookie, field(data, "code"), source_address(req), self._agent(req)
                    )
                except CodeReused:  # right but used: the next code will do (newcomer15b #3)
                    notice, error, status = t["code_used"], True, 401
                except SignInFailed:
                    notice, error, status = t["failed"], True, 401
                else:
                    # the language chosen on the sign-in page stays (newcomer15c #2)
                    today = self._keeping_lang(req, "/today")
                    return self._go(today, session_cookie(done.cookie))
        user = signed.user
        sms = user.factor is Factor.SMS
        hint = (
            t["code_sms"].format(number="•••• " + (user.mobile or "")[-2:])
            if sms
            else t["code_totp"]
        )
        return self._page(req, "second", "second", status, signed=signed, csrf=signed.session.csrf, hint=hint,
                          sms=sms, notice=notice, error=error)  # fmt: skip

    def _enrol(self, req: ApiRequest, signed: Signed, post: bool, action: str) -> ApiResponse:
        # from the account page: the person's language; while signing in or accepting an
        # invitation nobody has chosen one yet: the browser's, as the page before it
        person = signed if action == f"{BASE}/account" else None
        lang = self._lang(req, person)
        t = TEXT[lang]
        accounts = self.people.accounts
        notice, error, status = "", False, 200
        qr = secret = ""
        if post:
            data = form(req)
            if not self._session_ok(signed, data):
                return self._csrf_failed(req)
            do = field(data, "do")
            try:
                if signed.session.stage is Stage.FULL and do in ("totp-start", "sms-start"):
                    accounts.reauthenticate(signed, field(data, "current"), source_address(req))
                if do == "totp-start":
                    secret, _, qr = accounts.start_totp(signed)
                elif do == "totp-confirm":
                    done, codes = accounts.confirm_totp(
                        signed, field(data, "code"), source_address(req), self._agent(req)
                    )
                    return self._codes(req, done, codes, person)
                elif do == "sms-start":
                    signed = accounts.start_sms(signed, field(data, "mobile"))
                    notice = t["sms_sent"]
                elif do == "sms-confirm":
                    done, codes = accounts.confirm_sms(
                        signed, field(data, "code"), source_address(req), self._agent(req)
                    )
                    return self._codes(req, done, codes, person)
            except Invalid as exc:
                notice, error, status = t["error"].format(reason=refusal(exc, lang)), True, 400
            except SmsLimited:
                notice, error, status = t["sms_limited"], True, 429
        fresh = self.people.kit.people.users.get(signed.user.user_id)
        user = fresh[0] if fresh else signed.user
        if (
            not qr
            and (pending := accounts.pending_totp_of(signed, user))
            and not (post and field(form(req), "do").startswith("sms"))
        ):
            import segno

            from shared.domain.people.factors import provisioning_uri

            secret = pending
            qr = segno.make(provisioning_uri(pending, user.email), error="m").svg_inline(
                scale=4, title="QR code"
            )
        return self._page(req, "enrol", "enrol", status, signed=person, csrf=signed.session.csrf, action=action, qr=qr,
                          secret=secret, mobile=user.extra.get("pending_mobile") or user.mobile or "",
                          sms_pending=bool(signed.session.sms_challenge), notice=notice, error=error,
                          reauth=signed.session.stage is Stage.FULL,
                          signed_in=signed.session.stage is Stage.FULL)  # fmt: skip

    def _codes(
        self, req: ApiRequest, done: Signed, codes: list[str], person: Signed | None
    ) -> ApiResponse:
        return self._page(req, "codes", "recovery_title", 200, session_cookie(done.cookie), person, codes=codes,
                          csrf=done.session.csrf, signed_in=True)  # fmt: skip

    def _logout(self, req: ApiRequest, post: bool) -> ApiResponse:
        signed = self._signed(req, full=False)
        t = TEXT[self._lang(req)]
        if signed is None:
            return self._anon(
                req,
                "message",
                "logout",
                notice=t["logged_out"],
                link=f"{BASE}/login",
                link_text=t["back_login"],
            )
        if not post:
            return self._page(req, "logout", "logout", csrf=signed.session.csrf, signed_in=True)
        if not self._session_ok(signed, form(req)):
            return self._csrf_failed(req)
        self.people.signin.sign_out(signed.cookie)
        return self._go("/logout", session_cookie("", 0))

    # -- links from mails ------------------------------------------------------------------------
    def _invite(self, req: ApiRequest, token: str, post: bool) -> ApiResponse:
        lang = self._lang(req)
        t = TEXT[lang]
        accounts = self.people.accounts
        from shared.domain.people.tokens import Purpose

        try:
            link = accounts.peek_link(token, Purpose.INVITE)
        except LinkInvalid:
            return self._anon(req, "message", "invite", 410, notice=t["link_invalid"], error=True)
        found = self.people.kit.people.users.get(link.subject)
        email = found[0].email if found else ""
        ctx: dict[str, Any] = {
            "intro": t["invite_intro"],
            "action": f"{BASE}/invite/{token}",
            "email": email,
        }
        if not post:
            return self._anon(req, "password", "invite", **ctx)
        data = form(req)
        if not self._pre_ok(req, data):
            return self._csrf_failed(req)
        try:
            signed = accounts.accept_invitation(
                token, field(data, "password"), source_address(req), self._agent(req)
            )
        except Invalid as exc:
            return self._anon(
                req,
                "password",
                "invite",
                400,
                notice=t["error"].format(reason=refusal(exc, lang)),
                error=True,
                **ctx,
            )
        except LinkInvalid:
            return self._anon(req, "message", "invite", 410, notice=t["link_invalid"], error=True)
        # the switch on the sign-in page, carried on
        after = self._keeping_lang(req, "/login/second-factor")
        return self._go(after, session_cookie(signed.cookie, 600))

    def _reset(self, req: ApiRequest, post: bool) -> ApiResponse:
        t = TEXT[self._lang(req)]
        if not post:
            return self._anon(req, "email", "reset")
        data = form(req)
        if not self._pre_ok(req, data):
            return self._csrf_failed(req)
        self.people.accounts.request_reset(field(data, "email"), source_address(req))
        # the same answer whether or not the address has an account (ASVS 5.0 6.3.8)
        return self._anon(
            req,
            "message",
            "reset",
            notice=t["reset_sent"],
            link=f"{BASE}/login",
            link_text=t["back_login"],
        )

    def _reset_token(self, req: ApiRequest, token: str, post: bool) -> ApiResponse:
        lang = self._lang(req)
        t = TEXT[lang]
        try:
            _, user, _ = self.people.accounts.peek_reset(token)
        except LinkInvalid:
            return self._anon(req, "message", "reset", 410, notice=t["link_invalid"], error=True)
        ctx: dict[str, Any] = {
            "intro": t["new_password"],
            "action": f"{BASE}/reset/{token}",
            "email": user.email,
        }
        if not post:
            return self._anon(req, "password", "reset", **ctx)
        data = form(req)
        if not self._pre_ok(req, data):
            return self._csrf_failed(req)
        try:
            self.people.accounts.complete_reset(token, field(data, "password"), source_address(req))
        except Invalid as exc:
            return self._anon(
                req,
                "password",
                "reset",
                400,
                notice=t["error"].format(reason=refusal(exc, lang)),
                error=True,
                **ctx,
            )
        except LinkInvalid:
            return self._anon(req, "message", "reset", 410, notice=t["link_invalid"], error=True)
        return self._anon(
            req,
            "message",
            "reset",
            notice=t["reset_done"],
            link=f"{BASE}/login",
            link_text=t["back_login"],
        )

    # -- the account -----------------------------------------------------------------------------
    def _account(self, req: ApiRequest, post: bool) -> ApiResponse:
        signed = self._signed(req, full=True)
        if signed is None:
            return self._go("/login")
        lang = self._lang(req, signed)
        t = TEXT[lang]
        accounts = self.people.accounts
        notice, error, status, cookie = "", False, 200, None
        if post:
            data = form(req)
            if not self._session_ok(signed, data):
                return self._csrf_failed(req)
            do = field(data, "do")
            source, agent = source_address(req), self._agent(req)
            try:
                if do == "password":
                    signed = accounts.change_password(
                        signed, field(data, "current"), field(data, "password"), source, agent
                    )
                    cookie, notice = session_cookie(signed.cookie), t["done"]
                elif do in ("totp-start", "totp-confirm", "sms-start", "sms-confirm"):
                    return self._enrol(req, signed, True, f"{BASE}/account")
                elif do == "recovery":
                    accounts.reauthenticate(signed, field(data, "current"), source_address(req))
                    return self._codes(req, signed, accounts.renew_recovery_codes(signed), signed)
                elif do == "end":
                    accounts.end_session(signed, field(data, "session"))
                    notice = t["done"]
                elif do == "end-others":
                    signed = accounts.end_other_sessions(signed, source, agent)
                    cookie, notice = session_cookie(signed.cookie), t["done"]
                elif do == "dismiss":
                    self.people.admin.dismiss(signed.user, field(data, "broadcast"))
            except (Invalid, NotFound) as exc:
                notice, error, status = t["error"].format(reason=refusal(exc, lang)), True, 400
        elif req.query.get("factor") == "change":
            return self._enrol(req, signed, False, f"{BASE}/account")
        found = self.people.kit.people.users.get(signed.user.user_id)
        user = found[0] if found else signed.user
        today = amsterdam_date(self.services.clock.now())  # a broadcast's days are Dutch
        return self._page(
            req, "account", "account", status, cookie, signed, csrf=signed.session.csrf, user=user, signed_in=True,
            broadcasts=self.people.admin.broadcasts_for(user, today), sessions=accounts.sessions(signed),
            current=signed.session.key, notice=notice, error=error,
        )  # fmt: skip

    # -- self-onboarding -------------------------------------------------------------------------
    def _signup(self, req: ApiRequest, post: bool) -> ApiResponse:
        lang = self._lang(req)
        t = TEXT[lang]
        if not post:
            return self._anon(req, "signup", "signup")
        data = form(req)
        if not self._pre_ok(req, data):
            return self._csrf_failed(req)
        try:
            self.people.onboarding.sign_up(field(data, "company"), field(data, "kvk"), field(data, "email"),
                                           field(data, "mobile"), self._lang(req), source_address(req))  # fmt: skip
        except Invalid as exc:
            return self._anon(
                req,
                "signup",
                "signup",
                400,
                notice=t["error"].format(reason=refusal(exc, lang)),
                error=True,
            )
        return self._anon(req, "message", "signup", notice=t["signup_sent"])

    def _signup_verify(self, req: ApiRequest, token: str, post: bool) -> ApiResponse:
        """The link of the verification mail. Opened (GET), it only asks for the click: a
        mail scanner that fetches every link of a mail (Safe Links, Mimecast) had verified a
        stranger's sign-up of any company address and mailed it the invitation (attack18 F2).
        The click (POST, with the page's token) verifies."""
        from shared.domain.people.tokens import Purpose

        lang = self._lang(req)
        t = TEXT[lang]
        if not post:
            try:
                self.people.accounts.peek_link(token, Purpose.SIGNUP)
            except LinkInvalid:
                return self._anon(req, "message", "signup", 410, notice=t["link_invalid"],
                                  error=True)  # fmt: skip
            return self._anon(req, "signup_confirm", "signup", action=f"{BASE}/signup/{token}")
        if not self._pre_ok(req, form(req)):
            return self._csrf_failed(req)
        try:
            self.people.onboarding.verify(token)
        except (LinkInvalid, NotFound):
            return self._anon(req, "message", "signup", 410, notice=t["link_invalid"], error=True)
        except Invalid as exc:
            return self._anon(
                req,
                "message",
                "signup",
                400,
                notice=t["error"].format(reason=refusal(exc, lang)),
                error=True,
            )
        return self._anon(req, "message", "signup", notice=t["signup_done"])
