"""The console's HTML (Jinja, autoescaped; no script; one nonce'd style block)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, select_autoescape

from shared.api.console.clock_text import local_time

BASE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - Inning</title>
<style nonce="{{ nonce }}">
*{box-sizing:border-box}body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f5f7}
header{background:#1f4e79;color:#fff;padding:.75rem 1rem;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff}main{max-width:36rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{font:inherit;width:100%;padding:.5rem;border:1px solid #767676;border-radius:.3rem;min-height:44px}
button{font:inherit;background:#1f4e79;color:#fff;border:0;border-radius:.4rem;padding:.6rem 1rem;min-height:44px;cursor:pointer;margin-top:.75rem}
button.secondary{background:#fff;color:#1f4e79;border:2px solid #1f4e79}
.notice{border-left:.4rem solid #1f4e79;padding:.75rem;background:#fff;margin:0 0 1rem}
.error{border-left-color:#b00020}.warning{border-left-color:#a15c00}.critical{border-left-color:#b00020}
a{color:#0b4f8a}:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
code,.codes{font-family:ui-monospace,monospace}.codes{columns:2;list-style:none;padding:0}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.35rem .25rem;border-bottom:1px solid #ddd;font-size:.9rem}
svg{max-width:12rem;height:auto;display:block}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.scroll{overflow-x:auto;position:relative;max-width:100%}
</style></head><body>
<header><strong>Inning</strong>{% if signed_in %}<form method="post" action="/api/console/logout"><input type="hidden" name="csrf" value="{{ csrf }}"><button class="secondary" type="submit">{{ t.logout }}</button></form>{% else %}<a href="?lang={{ other }}" lang="{{ other }}">{{ t.language }}</a>{% endif %}</header>
<main id="main"><h1>{{ title }}</h1>
{% if notice %}<p class="notice{% if error %} error{% endif %}" role="{{ 'alert' if error else 'status' }}">{{ notice }}</p>{% endif %}
{% block main %}{% endblock %}</main></body></html>"""

LOGIN = """{% extends "base" %}{% block main %}<section>
<form method="post" action="/api/console/login{{ keep_lang }}"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="email">{{ t.email }}</label><input id="email" name="email" type="email" autocomplete="username" required value="{{ email }}">
<label for="password">{{ t.password }}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{{ t.sign_in }}</button></form>
<p><a href="/api/console/reset">{{ t.forgot }}</a></p><p><a href="/api/console/signup">{{ t.signup_link }}</a></p>
</section>{% endblock %}"""

SECOND = """{% extends "base" %}{% block main %}<section>
<p>{{ hint }}</p>
<form method="post" action="/api/console/login/second-factor{{ keep_lang }}"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="do" value="verify">
<label for="code">{{ t.code }}</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">{{ t.verify }}</button></form>
<p>{{ t.recovery_hint }}</p>
{% if sms %}<form method="post" action="/api/console/login/second-factor{{ keep_lang }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="sms"><button class="secondary" type="submit">{{ t.send_sms }}</button></form>{% endif %}
</section>{% endblock %}"""

ENROL = """{% extends "base" %}{% block main %}
<p>{{ t.enrol_intro }}</p>
<section aria-labelledby="totp-h"><h2 id="totp-h">{{ t.totp_title }}</h2>
{% if qr %}<p>{{ t.totp_scan }}</p><figure>{{ qr|safe }}<figcaption>{{ t.secret }}: <code id="totp-secret">{{ secret }}</code></figcaption></figure>
<form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="totp-confirm">
<label for="totp-code">{{ t.code }}</label><input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">{{ t.confirm }}</button></form>
{% else %}<form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="totp-start">
{% if reauth %}<label for="totp-current">{{ t.current_password }}</label><input id="totp-current" name="current" type="password" autocomplete="current-password" required>{% endif %}
<button type="submit">{{ t.totp_start }}</button></form>{% endif %}
</section>
<section aria-labelledby="sms-h"><h2 id="sms-h">{{ t.sms_title }}</h2><p>{{ t.sms_risk }}</p>
<form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="sms-start">
{% if reauth %}<label for="sms-current">{{ t.current_password }}</label><input id="sms-current" name="current" type="password" autocomplete="current-password" required>{% endif %}
<label for="mobile">{{ t.mobile }}</label><input id="mobile" name="mobile" type="tel" autocomplete="tel" value="{{ mobile }}" required>
<button type="submit" class="secondary">{{ t.sms_start }}</button></form>
{% if sms_pending %}<form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="sms-confirm">
<label for="sms-code">{{ t.code }}</label><input id="sms-code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">{{ t.confirm }}</button></form>{% endif %}
</section>{% endblock %}"""

CODES = """{% extends "base" %}{% block main %}<section><p>{{ t.recovery_intro }}</p>
<ul class="codes" id="recovery-codes">{% for c in codes %}<li><code>{{ c }}</code></li>{% endfor %}</ul>
<p><a href="/api/console/today">{{ t.continue }}</a></p></section>{% endblock %}"""

MESSAGE = """{% extends "base" %}{% block main %}{% if link %}<p><a href="{{ link }}">{{ link_text }}</a></p>{% endif %}{% endblock %}"""

LOGOUT = """{% extends "base" %}{% block main %}<section><p>{{ t.logout_q }}</p>
<form method="post" action="/api/console/logout"><input type="hidden" name="csrf" value="{{ csrf }}"><button type="submit">{{ t.logout }}</button></form></section>{% endblock %}"""

NEW_SECRET_FORM = """{% extends "base" %}{% block main %}<section><p>{{ intro }}</p>
<form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="username" value="{{ email }}" autocomplete="username">
<label for="password">{{ t.new_password }}</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
<button type="submit">{{ t.save }}</button></form></section>{% endblock %}"""  # noqa: S105

EMAIL_FORM = """{% extends "base" %}{% block main %}<section><p>{{ t.reset_intro }}</p>
<form method="post" action="/api/console/reset"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="email">{{ t.email }}</label><input id="email" name="email" type="email" autocomplete="email" required>
<button type="submit">{{ t.reset_send }}</button></form></section>{% endblock %}"""

SIGNUP = """{% extends "base" %}{% block main %}<section><p>{{ t.signup_intro }}</p>
<form method="post" action="/api/console/signup"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="company">{{ t.company }}</label><input id="company" name="company" autocomplete="organization" required>
<label for="kvk">{{ t.kvk }}</label><input id="kvk" name="kvk" inputmode="numeric" pattern="[0-9]{8}" required>
<label for="email">{{ t.email }}</label><input id="email" name="email" type="email" autocomplete="email" required>
<label for="mobile">{{ t.mobile }}</label><input id="mobile" name="mobile" type="tel" autocomplete="tel" required>
<button type="submit">{{ t.signup_send }}</button></form></section>{% endblock %}"""

# the verification link's page: a GET only shows it (a mail scanner that opens every link of
# a mail verifies nothing); the person's click posts it (attack18 F2)
SIGNUP_CONFIRM = """{% extends "base" %}{% block main %}<section><p>{{ t.signup_confirm_intro }}</p>
<form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}">
<button type="submit">{{ t.signup_confirm }}</button></form></section>{% endblock %}"""

ACCOUNT = """{% extends "base" %}{% block main %}
{% if broadcasts %}<section aria-labelledby="bc-h"><h2 id="bc-h">{{ t.messages }}</h2>{% for b in broadcasts %}
<div class="notice {{ b.severity.value }}"><p>{{ b.text(lang) }}</p><form method="post" action="/api/console/account"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="dismiss"><input type="hidden" name="broadcast" value="{{ b.broadcast_id }}"><button class="secondary" type="submit">{{ t.dismiss }}</button></form></div>{% endfor %}</section>{% endif %}
<p id="who">{{ user.email }} &middot; {{ t['role_' + user.role.value] }}</p>
<section aria-labelledby="pw-h"><h2 id="pw-h">{{ t.change_password }}</h2>
<form method="post" action="/api/console/account"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="password">
<input type="hidden" name="username" value="{{ user.email }}" autocomplete="username">
<label for="current">{{ t.current_password }}</label><input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="password">{{ t.new_password }}</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
<button type="submit">{{ t.save }}</button></form></section>
<section aria-labelledby="f-h"><h2 id="f-h">{{ t.factor }}</h2><p>{{ t.factor_now.format(factor=t['factor_' + user.factor.value] if user.factor else '-') }} {{ t.recovery_left.format(count=user.recovery_hashes|length) }}</p>
<p><a href="/api/console/account?factor=change">{{ t.switch_totp }} / {{ t.switch_sms }}</a></p>
<form method="post" action="/api/console/account"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="recovery">
<label for="rc-current">{{ t.current_password }}</label><input id="rc-current" name="current" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">{{ t.renew_recovery }}</button></form></section>
<section aria-labelledby="s-h"><h2 id="s-h">{{ t.sessions }}</h2><div class="scroll" role="region" tabindex="0" aria-label="{{ t.sessions }}"><table><caption class="visually-hidden">{{ t.sessions }}</caption>
<thead><tr><th scope="col">{{ t.started }}</th><th scope="col">{{ t.last_seen }}</th><th scope="col">{{ t.device }}</th><th scope="col"><span class="visually-hidden">{{ t.end }}</span></th></tr></thead><tbody>
{% for s in sessions %}<tr><td>{{ s.created_at|local }}</td><td>{{ s.last_seen|local('%H:%M') }}</td><td>{{ s.agent[:40] }}</td><td>{% if s.key == current %}{{ t.this_session }}{% else %}<form method="post" action="/api/console/account"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="end"><input type="hidden" name="session" value="{{ s.key }}"><button class="secondary" type="submit">{{ t.end }}</button></form>{% endif %}</td></tr>{% endfor %}
</tbody></table></div>
<form method="post" action="/api/console/account"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="end-others"><button class="secondary" type="submit">{{ t.end_others }}</button></form></section>
{% endblock %}"""

ENV = Environment(
    loader=DictLoader(
        {
            "base": BASE,
            "login": LOGIN,
            "second": SECOND,
            "enrol": ENROL,
            "codes": CODES,
            "message": MESSAGE,
            "logout": LOGOUT,
            "password": NEW_SECRET_FORM,
            "email": EMAIL_FORM,
            "signup": SIGNUP,
            "signup_confirm": SIGNUP_CONFIRM,
            "account": ACCOUNT,
        }
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
ENV.filters["local"] = local_time
