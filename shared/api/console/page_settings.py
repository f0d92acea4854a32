"""Settings of the chosen client: details, house style, automatic booking, postponement, bank
accounts and (admins) its people. Each form is guarded by its own Action (``post_action``): the
details as the API's client import (MANAGE_CLIENTS, the agency's admins), the client's contact
e-mail, phone and postal address also by its own admin (as PUT /v1/clients/{client}/contact), the bank accounts and
automatic booking by MANAGE_BANK_ACCOUNTS, the postponement the portal grants by MANAGE_SETTLEMENTS (the terms of collecting),
a business client's agreed collection costs by MANAGE_CLIENTS (the agency's, as in the API), the house style by WRITE, people by MANAGE_USERS.
A person sees what their role may read; a form appears only where they may use it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from shared.api.console import settings_sender
from shared.api.console.permits import allows, client_path
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, Forbidden, page, templates, words
from shared.api.http import ApiResponse
from shared.api.multipart import parse
from shared.api.postal_address import postal_address
from shared.clock import amsterdam_date
from shared.domain.dunning.workflow import SWITCHABLE
from shared.domain.law.agreed_costs import reasonableness_note
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, Role, action_for_request
from shared.domain.references.iban import normalise
from shared.services.account_ownership import DISPUTED
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.go_live_readiness import readiness
from shared.services.payee_accounts import link_domains, save_link_domains
from shared.services.people.admin import NotAllowed, actor_of

CLIENT_ROLES = (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.READ_ONLY)

FORM = """{% macro open(desk, csrf, do) %}<form method="post" action="{{ desk.url('/settings') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="{{ do }}">{% endmacro %}
{% macro reach(t, client) %}<div><label for="set-email">{{ t.set_email }}</label><input id="set-email" name="contact_email" type="email" value="{{ client.contact_email or '' }}"></div>
<div><label for="set-phone">{{ t.set_phone }}</label><input id="set-phone" name="contact_phone" value="{{ client.contact_phone or '' }}"></div>{% endmacro %}
{% macro postal(t, a) %}<fieldset><legend>{{ t.set_postal }}</legend><p>{{ t.set_postal_intro }}</p><div class="grid">
<div><label for="set-street">{{ t.set_street }}</label><input id="set-street" name="street" value="{{ a.street if a else '' }}" autocomplete="street-address"></div>
<div><label for="set-postcode">{{ t.set_postcode }}</label><input id="set-postcode" name="postal_code" value="{{ a.postal_code if a else '' }}" autocomplete="postal-code"></div>
<div><label for="set-city">{{ t.set_city }}</label><input id="set-city" name="city" value="{{ a.city if a else '' }}" autocomplete="address-level2"></div>
<div><label for="set-country">{{ t.set_country }}</label><input id="set-country" name="country" value="{{ a.country if a else 'NL' }}" maxlength="2" size="3" autocomplete="country"></div>
</div></fieldset>{% endmacro %}"""

SETTINGS = """{% extends "shell" %}{% from "settings-form" import open, reach, postal %}{% block main %}
<section aria-labelledby="set-details-h"><h2 id="set-details-h">{{ t.set_details }}</h2>
<p id="set-onboarded-on">{{ t.set_onboarded }}: {{ onboarded or '-' }}</p>
{% if starts %}<p id="set-starts-on">{{ t.set_starts }}: {{ starts }}</p>{% endif %}
{% if ready %}<h3 id="set-ready-h">{{ t.set_ready }}</h3><ul id="set-ready" aria-labelledby="set-ready-h">{% for c in ready %}<li data-check="{{ c.check }}" class="{{ 'ok' if c.ok else ('blocking' if c.blocking else 'advice') }}">{{ t['set_ready_' + c.check] }}: {{ t.set_ready_ok if c.ok else t['set_ready_' + c.reason] }}</li>{% endfor %}</ul>
<p><a id="set-ready-preview" href="{{ desk.url('/run-preview') }}">{{ t.runp_link_settings }}</a></p>{% endif %}
{% if can.details %}{{ open(desk, csrf, 'details') }}<div class="grid">
<div><label for="set-name">{{ t.set_name }}</label><input id="set-name" name="name" value="{{ client.name }}" required></div>
{% if desk.agency_level %}<div><label for="set-onboarded">{{ t.set_onboarded }}</label><input id="set-onboarded" name="onboarded_on" type="date" value="{{ client.onboarded_on.isoformat() if client.onboarded_on else '' }}" aria-describedby="set-onboarded-hint"><small id="set-onboarded-hint">{{ t.set_onboarded_hint }}</small></div>{% endif %}
{% if desk.agency_level %}<div><label for="set-starts">{{ t.set_starts }}</label><input id="set-starts" name="dunning_starts_on" type="date" value="{{ client.dunning_starts_on.isoformat() if client.dunning_starts_on else '' }}" aria-describedby="set-starts-hint"><small id="set-starts-hint">{{ t.set_starts_hint }}</small></div>{% endif %}
{{ reach(t, client) }}
<div><label for="set-kvk">{{ t.set_kvk }}</label><input id="set-kvk" name="kvk_number" value="{{ client.kvk_number or '' }}" inputmode="numeric"></div>
<div><label for="set-lang">{{ t.set_language }}</label><select id="set-lang" name="language">{% for l in ('nl', 'en') %}<option value="{{ l }}"{% if client.language.value == l %} selected{% endif %}>{{ l }}</option>{% endfor %}</select></div>
</div>{{ postal(t, client.postal_address) }}<p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<dl><dt>{{ t.set_name }}</dt><dd>{{ client.name }}</dd><dt>{{ t.set_number }}</dt><dd>{{ client.number }}</dd><dt>{{ t.set_kvk }}</dt><dd>{{ client.kvk_number or '-' }}</dd>
{% if not can.contact %}<dt>{{ t.set_email }}</dt><dd>{{ client.contact_email or '-' }}</dd>
<dt>{{ t.set_postal }}</dt><dd>{% if client.postal_address %}{{ client.postal_address.street }}, {{ client.postal_address.postal_code }} {{ client.postal_address.city }}{% if client.postal_address.country != 'NL' %}, {{ client.postal_address.country }}{% endif %}{% else %}-{% endif %}</dd>{% endif %}</dl>
{% if can.contact %}<p>{{ t.set_contact_intro }}</p>{{ open(desk, csrf, 'contact') }}<div class="grid">{{ reach(t, client) }}</div>
{{ postal(t, client.postal_address) }}<p><button type="submit">{{ t.set_save }}</button></p></form>{% endif %}{% endif %}
{% include "settings-sender" %}</section>

<section aria-labelledby="set-style-h"><h2 id="set-style-h">{{ t.set_style }}</h2>
{% if can.house %}{{ open(desk, csrf, 'house') }}<div class="grid">
<div><label for="set-primary">{{ t.set_primary }}</label><input id="set-primary" name="primary_color" type="color" value="{{ client.house_style.primary_color }}"></div>
<div><label for="set-accent">{{ t.set_accent }}</label><input id="set-accent" name="accent_color" type="color" value="{{ client.house_style.accent_color }}"></div>
</div><label for="set-footer">{{ t.set_footer }}</label><textarea id="set-footer" name="footer_text" rows="3">{{ client.house_style.footer_text or '' }}</textarea>
<p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{{ t.set_primary }}: <code>{{ client.house_style.primary_color }}</code>, {{ t.set_accent }}: <code>{{ client.house_style.accent_color }}</code></p>{% endif %}
<div class="grid">{% for kind, url in images %}<figure class="card"><figcaption>{{ t['set_image_' + kind] }}</figcaption>
{% if url %}<img src="{{ url }}" alt="{{ t['set_image_' + kind] }} {{ client.name }}" height="60">{% else %}<p class="muted">{{ t.set_image_none }}</p>{% endif %}</figure>{% endfor %}</div>
{% if can.house %}<form method="post" action="{{ desk.url('/settings') }}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><input type="hidden" name="do" value="image">
<div class="inline"><div><label for="set-kind">{{ t.set_image_kind }}</label><select id="set-kind" name="kind">{% for kind, _ in images %}<option value="{{ kind }}">{{ t['set_image_' + kind] }}</option>{% endfor %}</select></div>
<div><label for="set-image">{{ t.set_image_file }}</label><input id="set-image" name="image" type="file" accept="image/png,image/jpeg,image/gif" aria-describedby="set-image-hint"></div>
<button type="submit" class="secondary">{{ t.set_image_upload }}</button></div><p id="set-image-hint" class="muted">{{ t.set_image_hint }}</p></form>{% endif %}
</section>

<section aria-labelledby="set-booking-h"><h2 id="set-booking-h">{{ t.set_booking }}</h2><p>{{ t.set_booking_intro }}</p>
{% if can.booking %}{{ open(desk, csrf, 'booking') }}
<p><input type="checkbox" id="set-auto" name="auto_book" value="1"{% if client.auto_book %} checked{% endif %}><label for="set-auto">{{ t.set_auto }}</label></p>
<label for="set-threshold">{{ t.set_threshold }}</label><input id="set-threshold" name="threshold" inputmode="decimal" value="{{ (client.auto_book_threshold * 100)|round|int }}" aria-describedby="set-threshold-hint">
<p id="set-threshold-hint" class="muted">{{ t.set_threshold_hint }}</p><p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{{ t.set_auto }}: <strong>{{ t.set_on if client.auto_book else t.set_off }}</strong>, {{ t.set_threshold }}: {{ (client.auto_book_threshold * 100)|round|int }} %</p>{% endif %}</section>

<section aria-labelledby="set-postpone-h"><h2 id="set-postpone-h">{{ t.set_postpone }}</h2><p>{{ t.set_postpone_intro }}</p>
{% if can.postpone %}{{ open(desk, csrf, 'postpone') }}
<label for="set-days">{{ t.set_days }}</label><input id="set-days" name="days" inputmode="numeric" value="{{ client.postpone_auto_days }}">
<p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{{ t.set_days }}: {{ client.postpone_auto_days }}</p>{% endif %}</section>

<section aria-labelledby="set-route-h"><h2 id="set-route-h">{{ t.set_route }}</h2><p>{{ t.set_route_intro }}</p>
{% set affiliated = '' if client.disputes_committee is none else ('yes' if client.disputes_committee else 'no') %}
{% if can.route %}{{ open(desk, csrf, 'route') }}<div class="grid">
<div><label for="set-complaints">{{ t.set_complaints }}</label><input id="set-complaints" name="complaint_procedure" value="{{ client.complaint_procedure or '' }}" maxlength="500" aria-describedby="set-complaints-hint"></div>
<div><label for="set-affiliated">{{ t.set_affiliated }}</label><select id="set-affiliated" name="affiliated">{% for a in ('', 'yes', 'no') %}<option value="{{ a }}"{% if a == affiliated %} selected{% endif %}>{{ t['set_affiliated_' + (a or 'unknown')] }}</option>{% endfor %}</select></div>
<div><label for="set-committee">{{ t.set_committee }}</label><input id="set-committee" name="disputes_committee" value="{{ client.disputes_committee or '' }}" maxlength="200"></div>
</div><p id="set-complaints-hint" class="muted">{{ t.set_complaints_hint }}</p><p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<dl><dt>{{ t.set_complaints }}</dt><dd>{{ client.complaint_procedure or '-' }}</dd><dt>{{ t.set_committee }}</dt><dd>{% if affiliated == 'yes' %}{{ client.disputes_committee }}{% else %}{{ t['set_affiliated_' + (affiliated or 'unknown')] }}{% endif %}</dd></dl>{% endif %}</section>

<section aria-labelledby="set-minimum-h"><h2 id="set-minimum-h">{{ t.set_minimum }}</h2><p>{{ t.set_minimum_intro }}</p>
{% if can.minimum %}{{ open(desk, csrf, 'minimum') }}
<label for="set-minimum">{{ t.set_minimum_amount }}</label><input id="set-minimum" name="minimum" inputmode="decimal" value="{{ '%.2f'|format(client.dunning_minimum / 100) if desk.lang != 'nl' else ('%.2f'|format(client.dunning_minimum / 100)).replace('.', ',') }}">
<p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{{ t.set_minimum_amount }}: {{ desk.money(client.dunning_minimum) }}</p>{% endif %}</section>

<section aria-labelledby="set-spread-h"><h2 id="set-spread-h">{{ t.set_spread }}</h2><p>{{ t.set_spread_intro }}</p>
{% if can.spread %}{{ open(desk, csrf, 'spread') }}
<label for="set-spread">{{ t.set_spread_limit }}</label><input id="set-spread" name="first_steps_per_day" inputmode="numeric" value="{{ client.first_steps_per_day or '' }}">
<p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{{ t.set_spread_limit }}: {{ client.first_steps_per_day or t.set_spread_none }}</p>{% endif %}</section>

<section aria-labelledby="set-costs-h"><h2 id="set-costs-h">{{ t.set_costs }}</h2><p>{{ t.set_costs_intro }}</p>
{% set basis = 'percentage' if client.b2b_costs_percent else ('fixed' if client.b2b_costs_fixed else 'staffel') %}
{% if can.costs %}{{ open(desk, csrf, 'b2b_costs') }}<div class="grid">
<div><label for="set-costs-basis">{{ t.set_costs_basis }}</label><select id="set-costs-basis" name="basis">{% for b in ('staffel', 'percentage', 'fixed') %}<option value="{{ b }}"{% if b == basis %} selected{% endif %}>{{ t['set_costs_' + b] }}</option>{% endfor %}</select></div>
<div><label for="set-costs-value">{{ t.set_costs_value }}</label><input id="set-costs-value" name="value" inputmode="decimal" value="{{ costs_value }}" aria-describedby="set-costs-hint"></div>
</div><p id="set-costs-hint" class="muted">{{ t.set_costs_hint }}</p><p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{{ t.set_costs_basis }}: {{ t['set_costs_' + basis] }}{% if costs_value %} {{ costs_value }}{{ ' %' if client.b2b_costs_percent else ' euro' }}{% endif %}</p>{% endif %}
{% if costs_note %}<p class="notice" role="note">{{ t.set_costs_note }} {{ costs_note }}</p>{% endif %}</section>

<section aria-labelledby="set-channels-h"><h2 id="set-channels-h">{{ t.set_channels }}</h2><p>{{ t.set_channels_intro }}</p>
{% if can.channels %}{{ open(desk, csrf, 'channels') }}<fieldset><legend>{{ t.set_channels_used }}</legend>
{% for c in channels %}<p><input type="checkbox" id="set-ch-{{ c }}" name="channel" value="{{ c }}"{% if c not in client.channels_off %} checked{% endif %}><label for="set-ch-{{ c }}">{{ t["set_ch_" + c] }}</label></p>{% endfor %}</fieldset>
<p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<ul>{% for c in channels %}<li>{{ t["set_ch_" + c] }}: <strong>{{ t.set_off if c in client.channels_off else t.set_on }}</strong></li>{% endfor %}</ul>{% endif %}</section>

{% if can.ibans %}<section aria-labelledby="set-ibans-h"><h2 id="set-ibans-h">{{ t.set_ibans }}</h2><p>{{ t.set_ibans_intro }}</p>
{% if ibans %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.set_ibans }}"><table><caption class="visually-hidden">{{ t.set_ibans }}</caption><thead><tr><th scope="col">IBAN</th><th scope="col">{{ t.set_status }}</th><th scope="col">{{ t.set_code }}</th>{% if can.confirm or can.decide %}<th scope="col">{{ t.set_proof }}</th>{% endif %}</tr></thead><tbody>
{% for i in ibans %}<tr><td><code>{{ i.iban }}</code></td><td>{% if i.status == 'verified' %}<span class="ok">{{ t.set_verified }}</span>{% elif i.status == 'disputed' %}<strong>{{ t.set_disputed }}</strong><br>{{ t['set_why_' ~ i.reason] }}{% else %}{{ t.set_pending }}{% endif %}{% set h = holders.get(i.iban) %}{% if h and h.held_by %}<br><strong>{{ t.set_held_by.format(client=h.held_by.number ~ ' ' ~ h.held_by.name) }}</strong>{% endif %}{% if h and h.claimed_by %}<br>{{ t.set_claimed_by.format(clients=h.claimed_by|join(', ')) }}{% endif %}</td>
<td>{% if i.code %}<code>{{ i.code }}</code>{% endif %}</td>{% if can.confirm or can.decide %}<td>{% if i.status == 'pending' or (can.decide and i.reason == 'iban_held_by_other') %}{% if can.decide %}{{ open(desk, csrf, 'iban_decide') }}<input type="hidden" name="iban" value="{{ i.iban }}">{% set h = holders.get(i.iban) %}{% if h and h.held_by %}<label><input type="checkbox" name="take_from" value="{{ h.held_by.number }}" required> {{ t.set_take_over.format(client=h.held_by.number) }}</label> <button type="submit" class="secondary">{{ t.set_take_over_do }}</button>{% else %}<button type="submit" class="secondary">{{ t.set_decide }}</button>{% endif %}</form>{% elif i.registered_by == 'agency' %}{{ open(desk, csrf, 'iban_confirm') }}<input type="hidden" name="iban" value="{{ i.iban }}">
<div class="inline"><div><label for="set-code-{{ loop.index }}">{{ t.set_code }}</label><input id="set-code-{{ loop.index }}" name="code" autocomplete="off"></div><button type="submit" class="secondary">{{ t.set_confirm }}</button></div></form>{% elif agency_account %}<span class="muted">{{ t.set_transfer_to.format(code=i.code, iban=agency_account.iban, name=agency_account.name) }}</span>{% else %}<span class="muted">{{ t.set_transfer_only }}</span>{% endif %}{% endif %}</td>{% endif %}</tr>{% endfor %}
</tbody></table></div>{% endif %}
{{ open(desk, csrf, 'iban_add') }}<div class="inline"><div><label for="set-iban">{{ t.set_iban_new }}</label><input id="set-iban" name="iban" autocomplete="off"></div>
<button type="submit">{{ t.set_iban_add }}</button></div></form>{% if not can.confirm %}<p class="muted">{{ t.set_confirm_client }}</p>{% endif %}</section>{% endif %}

{% if can.ibans %}<section aria-labelledby="set-links-h"><h2 id="set-links-h">{{ t.set_links }}</h2><p>{{ t.set_links_intro }}</p>
{% if can.links %}{{ open(desk, csrf, 'link_domains') }}<p><label for="set-links">{{ t.set_links_field }}</label><textarea id="set-links" name="domains" rows="3" aria-describedby="set-links-hint">{{ link_domains|join('\n') }}</textarea></p>
<p id="set-links-hint" class="muted">{{ t.set_links_hint }}</p><p><button type="submit">{{ t.set_save }}</button></p></form>
{% else %}<p>{% if link_domains %}{{ link_domains|join(', ') }}{% else %}{{ t.set_links_none }}{% endif %}</p><p class="muted">{{ t.set_links_agency }}</p>{% endif %}</section>{% endif %}

{% if can.users %}<section aria-labelledby="set-users-h"><h2 id="set-users-h">{{ t.set_users }}</h2>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.set_users }}"><table><caption class="visually-hidden">{{ t.set_users }}</caption><thead><tr><th scope="col">{{ t.set_email }}</th><th scope="col">{{ t.set_status }}</th><th scope="col">{{ t.set_role }}</th><th scope="col">{{ t.set_actions }}</th></tr></thead><tbody>
{% for u in users %}<tr><td>{{ u.email }}{% if u.name %}<br><span class="muted">{{ u.name }}</span>{% endif %}</td><td>{{ t['set_user_' + u.status.value] }}</td>
<td>{{ open(desk, csrf, 'role') }}<input type="hidden" name="user" value="{{ u.user_id }}"><div class="inline"><div><label for="set-role-{{ loop.index }}" class="visually-hidden">{{ t.set_role }} {{ u.email }}</label>
<select id="set-role-{{ loop.index }}" name="role">{% for r in roles %}<option value="{{ r.value }}"{% if r == u.role %} selected{% endif %}>{{ t['set_role_' + r.value] }}</option>{% endfor %}</select></div>
<button type="submit" class="secondary">{{ t.set_change }}<span class="visually-hidden"> {{ u.email }}</span></button></div></form></td>
<td>{% if u.status.value != 'deactivated' and u.user_id != me %}{{ open(desk, csrf, 'deactivate') }}<input type="hidden" name="user" value="{{ u.user_id }}"><button type="submit" class="danger">{{ t.set_deactivate }}<span class="visually-hidden"> {{ u.email }}</span></button></form>
{{ open(desk, csrf, 'reset_factor') }}<input type="hidden" name="user" value="{{ u.user_id }}"><button type="submit" class="secondary">{{ t.set_reset }}<span class="visually-hidden"> {{ u.email }}</span></button></form>{% endif %}</td></tr>{% endfor %}
</tbody></table></div>
<h3>{{ t.set_invite }}</h3>{{ open(desk, csrf, 'invite') }}<div class="grid">
<div><label for="set-inv-email">{{ t.set_email }}</label><input id="set-inv-email" name="email" type="email" required></div>
<div><label for="set-inv-name">{{ t.set_person }}</label><input id="set-inv-name" name="name"></div>
<div><label for="set-inv-role">{{ t.set_role }}</label><select id="set-inv-role" name="role">{% for r in roles %}<option value="{{ r.value }}">{{ t['set_role_' + r.value] }}</option>{% endfor %}</select></div>
</div><p><button type="submit">{{ t.set_invite_send }}</button></p></form></section>{% endif %}
{% endblock %}"""

templates(**{"settings-form": FORM, "settings": SETTINGS})

words(
    nl={"set_nav": "Instellingen", "set_title": "Instellingen", "set_details": "Gegevens van de opdrachtgever",
        "set_name": "Naam", "set_number": "Nummer", "set_email": "E-mailadres", "set_phone": "Telefoon",
        "set_kvk": "KvK-nummer", "set_language": "Taal", "set_postal": "Postadres",
        "set_onboarded": "Klant sinds",
        "set_starts": "Invordering begint op",
        "set_ready": "Klaar voor de start",
        "set_ready_ok": "in orde",
        "set_ready_debtor_account": "Eigen bankrekening voor debiteuren",
        "set_ready_workflow": "Actieve workflow",
        "set_ready_sender": "Afzender (e-mailadres)",
        "set_ready_house_style": "Briefpapier (postadres)",
        "set_ready_debtor_contact": "Telefoon voor debiteuren",
        "set_ready_go_live_day": "Startdag van de invordering",
        "set_ready_no_bank_account": "geen bankrekening; de run houdt alles vast",
        "set_ready_only_other_parties_accounts": "alleen rekeningen van anderen; de run houdt alles vast",
        "set_ready_no_active_workflow": "geen actieve workflow; niemand krijgt een stap",
        "set_ready_no_segment_rule": "geen segmentregel wijst een actieve workflow aan; debiteuren wachten",
        "set_ready_no_sender_address": "geen e-mailadres om vanaf te sturen",
        "set_ready_no_letterhead_address": "geen postadres; brieven hebben geen retouradres",
        "set_ready_no_contact_phone": "geen telefoonnummer",
        "set_ready_go_live_day_not_set": "niet gezet; de invordering loopt al",
        "set_ready_sender_verified": "Afzenderadres bevestigd",
        "set_ready_sender_unverified": "nog niet bevestigd; de e-mail gaat uit van het bureau",
        "set_starts_hint": "Leeg: de invordering loopt. Tot deze dag verstuurt de dagelijkse run niets voor de klant (een ingelezen achterstand wacht); de runs tonen hoeveel debiteuren wachten.",
        "set_onboarded_hint": "De dag dat het incassobureau de klant aannam. De eerste afdrachtovereenkomst begint op die dag; wat eerder binnenkwam, wordt niet afgerekend.",
        "set_postal_intro": "Staat als afzender op brieven; onbestelbare post komt hier terug. Leeg: brieven hebben geen retouradres.",
        "set_contact_intro": "Naam en KvK-nummer wijzigt het incassobureau; uw e-mailadres, telefoonnummer en postadres wijzigt u hier zelf.",
        "set_street": "Straat en huisnummer", "set_postcode": "Postcode", "set_city": "Plaats", "set_country": "Land (code, bijv. NL, BE)", "set_save": "Opslaan", "set_style": "Huisstijl",
        "set_primary": "Hoofdkleur", "set_accent": "Accentkleur", "set_footer": "Voettekst van e-mails en brieven",
        "set_booking": "Automatisch boeken", "set_channels": "Kanalen",
        "set_channels_intro": "Via welke kanalen Inning uw debiteuren benadert. Een stap op een uitgezet kanaal neemt zijn terugvaloptie, of een medewerker beslist; met de hand schrijven kan er ook niet.",
        "set_channels_used": "Kanalen in gebruik", "set_ch_email": "E-mail", "set_ch_sms": "SMS",
        "set_ch_whatsapp": "WhatsApp", "set_ch_letter": "Brief per post", "set_ch_robocall": "Belcomputer", "done_set_channels": "De kanalen zijn opgeslagen.",
        "set_booking_intro": "Een bankbetaling die zeker genoeg bij een factuur past, wordt zonder tussenkomst geboekt; de rest komt als voorstel op de actielijst.",
        "set_auto": "Betalingen automatisch boeken", "set_threshold": "Drempel (%)",
        "set_threshold_hint": "Van 50 tot 100. Hoger: minder automatisch, meer voorstellen.",
        "set_on": "aan", "set_off": "uit", "set_postpone": "Uitstel van betaling",
        "set_postpone_intro": "Uitstel dat een debiteur in het portaal vraagt tot zoveel dagen, krijgt hij meteen. Langer, of bij 0, beslist een medewerker.",
        "set_days": "Dagen (0 tot 62)", "set_ibans": "Bankrekeningen",
        "set_route": "Klachten en geschillen",
        "set_route_intro": "Wat een debiteur kan doen als hij het oneens blijft: de melding van een afgewezen betwisting en de betwistingspagina van het portaal noemen de klachtenregeling en de geschillencommissie die u hier vastlegt. Niet vastgelegd: zij noemen het e-mailadres en zeggen 'als de opdrachtgever bij een geschillencommissie is aangesloten'.",
        "set_complaints": "Klachtenregeling (webadres of korte tekst)",
        "set_complaints_hint": "Bijvoorbeeld https://www.voorbeeld.nl/klachten. Leeg: niet vastgelegd.",
        "set_affiliated": "Aangesloten bij een geschillencommissie", "set_affiliated_unknown": "niet vastgelegd",
        "set_affiliated_yes": "ja, bij:", "set_affiliated_no": "niet aangesloten", "set_committee": "Geschillencommissie",
        "set_minimum": "Ondergrens aanmanen",
        "set_spread": "Achterstand spreiden",
        "set_spread_intro": "Zoveel debiteuren krijgen per dag hoogstens de eerste stap van een workflow, wie het langst openstaat eerst; de anderen volgen de dagen erna. Wie al in een workflow zit, gaat gewoon door. Leeg: geen grens.",
        "set_spread_limit": "Eerste stappen per dag",
        "set_spread_none": "geen grens",
        "set_minimum_intro": "Wat na een betaling of creditnota open blijft onder dit bedrag, wordt niet aangemaand en niet overgedragen; u krijgt een actie om het af te boeken of te laten staan. Een factuur waarop niets is betaald, wordt altijd aangemaand. 0: elke cent.",
        "set_minimum_amount": "Bedrag in euro's",
        "set_costs": "Incassokosten voor bedrijven",
        "set_costs_intro": "Wat de voorwaarden van de klant met zakelijke debiteuren afspreken: een percentage van de hoofdsom of een vast bedrag, nooit minder dan € 40. Consumenten betalen altijd de wettelijke staffel (WIK), nooit meer.",
        "set_costs_basis": "Grondslag", "set_costs_staffel": "Wettelijke staffel", "set_costs_percentage": "Percentage van de hoofdsom",
        "set_costs_fixed": "Vast bedrag", "set_costs_value": "Percentage (0 tot 100) of bedrag in euro",
        "set_costs_hint": "Bijvoorbeeld 15 of 12,50 (procent, ten hoogste 15), of 250,00 (euro, ten hoogste 6.775,00); bij de staffel leeg laten.",
        "set_costs_note": "Let op:",
        "set_ibans_intro": "Een rekening is pas van de opdrachtgever als dat bewezen is: met een kleine overboeking vanaf die rekening naar de rekening van het incassobureau met de code in de omschrijving, met de bevestiging van de opdrachtgever van een rekening die het incassobureau opgaf, of met het besluit van het incassobureau.",
        "set_proof": "Bewijs", "set_decide": "Toekennen aan deze opdrachtgever",
        "set_decide_agency": "Alleen het incassobureau kan een rekening toekennen.",
        "set_transfer_only": "Zelf toegevoegd: bewijs met een overboeking vanaf deze rekening met de code, of vraag het incassobureau.",
        "set_transfer_to": "Zelf toegevoegd: maak een klein bedrag over vanaf deze rekening naar {iban} ten name van {name} met {code} in de omschrijving; zodra dat op het afschrift van die rekening staat, is de rekening bewezen. Of vraag het incassobureau.",
        "done_set_confirm_pending": "De bevestiging is ontvangen; het incassobureau beslist over deze rekening.",
        "done_set_decided": "De rekening is aan de opdrachtgever toegekend.",
        "done_set_decide_pending": "Het besluit is vastgelegd; de rekening wacht nog op bewijs.",
        "done_set_decide_disputed": "Deze rekening is bewezen van een andere partij: geen besluit maakt haar van deze opdrachtgever, en debiteuren worden er nooit naar verwezen. Geef de eigen rekening van de opdrachtgever op.",
        "set_disputed": "van een andere partij",
        "set_why_iban_held_elsewhere": "Bewezen van een andere partij; debiteuren worden er nooit naar verwezen. Geef de eigen rekening van de opdrachtgever op.",
        "set_why_iban_held_by_other": "De bewezen rekening van een andere opdrachtgever van het incassobureau; alleen het besluit dat die opdrachtgever noemt, verplaatst haar.",
        "set_why_iban_agency_own": "De derdengeldenrekening van het incassobureau, van geen opdrachtgever; geef de eigen rekening van de opdrachtgever op.",
        "set_status": "Status", "set_code": "Code", "set_confirm": "Bevestigen", "set_verified": "bewezen",
        "set_pending": "wacht op bewijs", "set_iban_new": "Nieuwe IBAN", "set_iban_add": "Toevoegen",
        "set_links": "Links in berichten",
        "set_links_intro": "Een bericht aan debiteuren linkt alleen naar het portaal, de betaallink en deze domeinen van de opdrachtgever: een link naar een ander betaalverzoek leidt het geld weg, net als een vreemde rekening.",
        "set_links_field": "Domeinen van de opdrachtgever", "set_links_hint": "Eén per regel, bijvoorbeeld bakkerij.nl (subdomeinen horen erbij).",
        "set_links_none": "Geen: alleen het portaal en de betaallink.", "set_links_agency": "Het incassobureau registreert deze domeinen.",
        "set_held_by": "Nu de bewezen rekening van opdrachtgever {client}",
        "set_claimed_by": "Ook opgegeven door opdrachtgever {clients}",
        "set_take_over": "Ik neem deze rekening over van opdrachtgever {client}: haar afschriften worden dan voor deze opdrachtgever geboekt",
        "set_take_over_do": "Overnemen",
        "set_confirm_client": "Alleen de opdrachtgever zelf kan een code bevestigen.",
        "set_users": "Gebruikers", "set_role": "Rol", "set_actions": "Acties", "set_change": "Wijzigen",
        "set_deactivate": "Blokkeren", "set_reset": "Tweede factor opnieuw", "set_invite": "Iemand uitnodigen",
        "set_person": "Naam", "set_invite_send": "Uitnodiging sturen",
        "set_user_invited": "uitgenodigd", "set_user_active": "actief", "set_user_deactivated": "geblokkeerd",
        "set_role_client_admin": "beheerder", "set_role_client_staff": "medewerker", "set_role_read_only": "alleen lezen",
        "set_role_agency_admin": "beheerder incassopartij", "set_role_agency_staff": "medewerker incassopartij",
        "done_set_saved": "De instellingen zijn opgeslagen.", "done_set_iban": "De rekening is toegevoegd en wacht op bewijs.",
        "done_set_confirmed": "De rekening is bevestigd.", "done_set_invited": "De uitnodiging is verstuurd.",
        "done_set_user": "De gebruiker is bijgewerkt.", "set_image_logo": "Logo", "set_image_header": "Kopafbeelding",
        "set_image_footer": "Voetafbeelding", "set_image_none": "Nog geen afbeelding.", "set_image_kind": "Afbeelding",
        "set_image_file": "Bestand", "set_image_upload": "Uploaden",
        "set_image_hint": "PNG, JPEG of GIF; een logo hoogstens 512 KiB, kop en voet hoogstens 1 MiB.", "set_conflict": "Iemand anders wijzigde dit tegelijk; probeer het opnieuw."},
    en={"set_nav": "Settings", "set_title": "Settings", "set_details": "Client details",
        "set_name": "Name", "set_number": "Number", "set_email": "E-mail address", "set_phone": "Phone",
        "set_kvk": "KvK number", "set_language": "Language", "set_postal": "Postal address",
        "set_onboarded": "Client since",
        "set_starts": "Dunning starts on",
        "set_ready": "Ready to go live",
        "set_ready_ok": "fine",
        "set_ready_debtor_account": "Own bank account for debtors",
        "set_ready_workflow": "Active workflow",
        "set_ready_sender": "Sender (e-mail address)",
        "set_ready_house_style": "Letterhead (postal address)",
        "set_ready_debtor_contact": "Phone for debtors",
        "set_ready_go_live_day": "Go-live day",
        "set_ready_no_bank_account": "no bank account; the run holds everything",
        "set_ready_only_other_parties_accounts": "only other parties' accounts; the run holds everything",
        "set_ready_no_active_workflow": "no active workflow; nobody gets a step",
        "set_ready_no_segment_rule": "no segment rule names an active workflow; debtors wait",
        "set_ready_no_sender_address": "no e-mail address to send from",
        "set_ready_no_letterhead_address": "no postal address; letters carry no return address",
        "set_ready_no_contact_phone": "no phone number",
        "set_ready_go_live_day_not_set": "not set; the dunning is live already",
        "set_ready_sender_verified": "Sender address verified",
        "set_ready_sender_unverified": "not verified yet; e-mail goes from the agency",
        "set_starts_hint": "Empty: the dunning runs. Until this day the daily run sends nothing for the client (an imported backlog waits); the runs show how many debtors wait.",
        "set_onboarded_hint": "The day the agency took the client on. The first settlement agreement starts on it; money received before it is not settled.",
        "set_postal_intro": "Printed as the sender on letters; undeliverable mail comes back here. Empty: letters carry no return address.",
        "set_contact_intro": "Name and KvK number are changed by the collection agency; your e-mail address, phone number and postal address you change here.",
        "set_street": "Street and number", "set_postcode": "Postal code", "set_city": "City", "set_country": "Country (code, e.g. NL, BE)", "set_save": "Save", "set_style": "House style",
        "set_primary": "Main colour", "set_accent": "Accent colour", "set_footer": "Footer of e-mails and letters",
        "set_booking": "Automatic booking", "set_channels": "Channels",
        "set_channels_intro": "The channels Inning uses to reach your debtors. A step on a channel switched off takes its fallback, or a person decides; staff cannot write on it by hand either.",
        "set_channels_used": "Channels in use", "set_ch_email": "E-mail", "set_ch_sms": "SMS",
        "set_ch_whatsapp": "WhatsApp", "set_ch_letter": "Letter by post", "set_ch_robocall": "Robocall", "done_set_channels": "The channels are saved.",
        "set_booking_intro": "A bank payment that fits an invoice with enough certainty is booked without a person; the rest is a suggestion on the action list.",
        "set_auto": "Book payments automatically", "set_threshold": "Threshold (%)",
        "set_threshold_hint": "From 50 to 100. Higher: less automatic, more suggestions.",
        "set_on": "on", "set_off": "off", "set_postpone": "Postponement",
        "set_postpone_intro": "Postponement a debtor asks for in the portal up to this many days is granted at once. Longer, or with 0, a person decides.",
        "set_days": "Days (0 to 62)", "set_ibans": "Bank accounts",
        "set_route": "Complaints and disputes",
        "set_route_intro": "What a debtor can do if he still disagrees: the notice of a rejected dispute and the portal's dispute page name the complaint procedure and the disputes committee you record here. Not recorded: they name the e-mail address and say 'if the client is affiliated with a disputes committee'.",
        "set_complaints": "Complaint procedure (web address or short text)",
        "set_complaints_hint": "For example https://www.example.nl/complaints. Empty: not recorded.",
        "set_affiliated": "Affiliated with a disputes committee", "set_affiliated_unknown": "not recorded",
        "set_affiliated_yes": "yes, with:", "set_affiliated_no": "not affiliated", "set_committee": "Disputes committee (geschillencommissie)",
        "set_minimum": "Dunning minimum",
        "set_spread": "Spread a backlog",
        "set_spread_intro": "At most this many debtors a day get a workflow's first step, those due longest first; the others follow on the next days. Debtors already in a workflow go on as normal. Empty: no limit.",
        "set_spread_limit": "First steps a day",
        "set_spread_none": "no limit",
        "set_minimum_intro": "What a payment or credit note leaves open below this amount is not dunned nor handed over; you get an action to write it off or keep it. An invoice nobody paid any of is always dunned. 0: every cent.",
        "set_minimum_amount": "Amount in euros",
        "set_costs": "Collection costs for businesses",
        "set_costs_intro": "What the client's terms agree with business debtors: a percentage of the principal or a fixed amount, never below EUR 40. Consumers always pay the statutory staffel (WIK), never more.",
        "set_costs_basis": "Basis", "set_costs_staffel": "Statutory staffel", "set_costs_percentage": "Percentage of the principal",
        "set_costs_fixed": "Fixed amount", "set_costs_value": "Percentage (0 to 100) or amount in euros",
        "set_costs_hint": "For example 15 or 12.50 (percent, at most 15), or 250.00 (euros, at most 6,775.00); empty for the staffel.",
        "set_costs_note": "Note:",
        "set_ibans_intro": "An account is the client's only once proven: by a small transfer from that account to the agency's account with the code in its description, by the client's confirmation of an account the agency registered, or by the agency's decision.",
        "set_proof": "Proof", "set_decide": "Assign to this client",
        "set_decide_agency": "Only the agency can assign an account.",
        "set_transfer_only": "Added by the client: prove it by a transfer from this account with the code, or ask the agency.",
        "set_transfer_to": "Added by the client: transfer a small amount from this account to {iban} in the name of {name} with {code} in the description; once it is on that account's statement, the account is proven. Or ask the agency.",
        "done_set_confirm_pending": "The confirmation was received; the agency decides on this account.",
        "done_set_decided": "The account has been assigned to the client.",
        "done_set_decide_pending": "The decision was recorded; the account still awaits proof.",
        "done_set_decide_disputed": "This account is proven to be another party's: no decision makes it this client's, and debtors are never told to pay into it. Register the client's own account.",
        "set_disputed": "another party's",
        "set_why_iban_held_elsewhere": "Proven to be another party's; debtors are never told to pay into it. Register the client's own account.",
        "set_why_iban_held_by_other": "The proven account of another client of the agency; only the decision naming that client moves it.",
        "set_why_iban_agency_own": "The agency's third-party account, no client's; register the client's own account.",
        "set_status": "Status", "set_code": "Code", "set_confirm": "Confirm", "set_verified": "proven",
        "set_pending": "awaiting proof", "set_iban_new": "New IBAN", "set_iban_add": "Add",
        "set_links": "Links in messages",
        "set_links_intro": "A message to debtors links only to the portal, the payment link and these domains of the client: a link to another payment request diverts the money, as a foreign account does.",
        "set_links_field": "The client's domains", "set_links_hint": "One a line, for example bakkerij.nl (its subdomains belong to it).",
        "set_links_none": "None: the portal and the payment link only.", "set_links_agency": "The agency registers these domains.",
        "set_held_by": "Now the proven account of client {client}",
        "set_claimed_by": "Also registered by client {clients}",
        "set_take_over": "I take this account over from client {client}: its statements will then be booked for this client",
        "set_take_over_do": "Take over",
        "set_confirm_client": "Only the client itself can confirm a code.",
        "set_users": "Users", "set_role": "Role", "set_actions": "Actions", "set_change": "Change",
        "set_deactivate": "Deactivate", "set_reset": "Reset second factor", "set_invite": "Invite someone",
        "set_person": "Name", "set_invite_send": "Send invitation",
        "set_user_invited": "invited", "set_user_active": "active", "set_user_deactivated": "deactivated",
        "set_role_client_admin": "admin", "set_role_client_staff": "staff", "set_role_read_only": "read only",
        "set_role_agency_admin": "agency admin", "set_role_agency_staff": "agency staff",
        "done_set_saved": "The settings have been saved.", "done_set_iban": "The account was added and awaits proof.",
        "done_set_confirmed": "The account has been confirmed.", "done_set_invited": "The invitation has been sent.",
        "done_set_user": "The user has been updated.", "set_image_logo": "Logo", "set_image_header": "Header image",
        "set_image_footer": "Footer image", "set_image_none": "No image yet.", "set_image_kind": "Image",
        "set_image_file": "File", "set_image_upload": "Upload",
        "set_image_hint": "PNG, JPEG or GIF; a logo at most 512 KiB, header and footer at most 1 MiB.", "set_conflict": "Someone else changed this at the same time; try again."},
)  # fmt: skip

ACTIONS = {
    "details": Action.MANAGE_CLIENTS,
    # the client's own admin too: where its letters come back and debtors reach it, as
    # PUT /v1/clients/{client}/contact (newcomer20 F5)
    "contact": action_for_request("PUT", "/v1/clients/-/contact"),
    "house": Action.WRITE,
    "image": Action.WRITE,
    "booking": Action.MANAGE_BANK_ACCOUNTS,
    "postpone": Action.MANAGE_SETTLEMENTS,
    "minimum": Action.MANAGE_CLIENTS,  # as POST /v1/clients, which sets it too
    # the client's admin too, as PUT /v1/clients/{client}/contact sets it (golive33)
    "spread": action_for_request("PUT", "/v1/clients/-/contact"),
    "route": Action.MANAGE_CLIENTS,  # as POST /v1/clients, which sets it too (wki27)
    # the agency answers for the costs its sommaties claim: its act, as POST /v1/clients is
    "b2b_costs": Action.MANAGE_CLIENTS,
    "channels": Action.WRITE,
    # the contact e-mail's code and a new code: whoever may change it; the agency's word
    # that it is the client's: the agency's, as the client's details (sender33)
    "sender_code": action_for_request("PUT", "/v1/clients/-/contact"),
    "sender_resend": action_for_request("PUT", "/v1/clients/-/contact"),
    "sender_agency": Action.MANAGE_CLIENTS,
    "iban_add": Action.MANAGE_BANK_ACCOUNTS,
    "iban_confirm": Action.MANAGE_BANK_ACCOUNTS,
    "iban_decide": Action.MANAGE_BANK_ACCOUNTS,  # the agency's decision (agency people only)
    "link_domains": Action.MANAGE_BANK_ACCOUNTS,  # where debtors are sent: the agency's, too
    "invite": Action.MANAGE_USERS,
    "role": Action.MANAGE_USERS,
    "deactivate": Action.MANAGE_USERS,
    "reset_factor": Action.MANAGE_USERS,
    "": Action.MANAGE_CLIENTS,  # an unknown form asks the most
}


@page("settings", nav="set_nav", order=90, post_action=ACTIONS)
def settings(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        raise NotFound("no such settings page")
    client = desk.client
    if desk.req.method != "POST":
        return _show(desk, client)
    try:
        done = _act(desk, client, desk.field("do"))
    except Invalid as exc:
        return _show(desk, client, 422, notice=refusal(exc, desk.lang), error=True)
    except ConflictingUpdate:
        return _show(desk, client, 409, notice=desk.t["set_conflict"], error=True)
    except NotAllowed:  # its reason is the service's English: the page says its own
        raise Forbidden(desk.t["forbidden"]) from None
    return desk.redirect("/settings", done=done)


def _act(desk: Desk, client: Client, do: str) -> str:
    s = desk.services.client_settings
    admin = desk.services.people.admin
    match do:
        case "details":
            s.details(client, name=desk.field("name"), contact_email=desk.field("contact_email"),
                      contact_phone=desk.field("contact_phone"), kvk_number=desk.field("kvk_number"),
                      language=desk.field("language"),
                      postal_address=postal_address(desk.field("street"), desk.field("postal_code"),
                                                    desk.field("city"), desk.field("country")),
                      # the agency's record of when it took the client on: its people only
                      onboarded_on=desk.field("onboarded_on") if desk.agency_level else None,
                      dunning_starts_on=desk.field("dunning_starts_on")
                      if desk.agency_level and "dunning_starts_on" in desk.form else None)  # fmt: skip
        case "contact":
            s.contact(client, contact_email=desk.field("contact_email"),
                      contact_phone=desk.field("contact_phone"),
                      postal_address=postal_address(desk.field("street"), desk.field("postal_code"),
                                                    desk.field("city"), desk.field("country")))  # fmt: skip
        case "sender_code" | "sender_resend" | "sender_agency":
            return settings_sender.act(desk, client, do)
        case "house":
            s.house_style(client, primary_color=desk.field("primary_color"),
                          accent_color=desk.field("accent_color"), footer_text=desk.field("footer_text"))  # fmt: skip
        case "image":
            _, files = parse(desk.req.header("content-type") or "", desk.req.body)
            upload = files.get("image")
            desk.services.house_style_images.store(
                client, desk.field("kind"), upload.data if upload else b""
            )
        case "booking":
            s.auto_booking(client, on=desk.field("auto_book") == "1",
                           threshold_percent=desk.field("threshold"))  # fmt: skip
        case "postpone":
            s.postponement(client, days=desk.field("days"))
        case "minimum":
            s.dunning_minimum(client, amount=desk.field("minimum"))
        case "spread":
            s.first_steps_text(client, desk.field("first_steps_per_day"))
        case "route":
            s.complaint_route(client, procedure=desk.field("complaint_procedure"),
                              committee=desk.field("disputes_committee"),
                              affiliated=desk.field("affiliated"))  # fmt: skip
        case "b2b_costs":
            desk.services.agreed_costs_change.apply(
                client, basis=desk.field("basis"), value=desk.field("value"),
                actor=actor_of(desk.principal),
            )  # fmt: skip
        case "channels":
            s.channels(client, on=desk.fields("channel"))
            return "set_channels"
        case "iban_add":
            # the agency's people register it (the client's confirmation may then prove it);
            # a client's admin adding an account proves nothing by confirming its own code
            s.add_iban(client, desk.field("iban"), by_agency=desk.agency_level)
            return "set_iban"
        case "iban_confirm":
            if desk.agency_level:  # as the API: only the client's own people confirm
                raise Forbidden(desk.t["set_confirm_client"])
            status = s.confirm_iban(
                client, desk.field("iban"), desk.field("code"), desk.services.clock.now()
            )
            return "set_confirmed" if status == "verified" else "set_confirm_pending"
        case "iban_decide":
            if not desk.agency_level:  # as the API: the agency decides, not the client
                raise Forbidden(desk.t["set_decide_agency"])
            account = normalise(desk.field("iban"))
            # another client's proven account moves only when the form named that client
            # (the page shows whose it is and asks to confirm, attack9 F3)
            status = s.decide_iban(client, account, desk.services.clock.now(),
                                   take_from=desk.field("take_from") or None)  # fmt: skip
            desk.services.people.kit.audit(Event.ACCOUNT_ASSIGNED, agency_id=client.agency_id,
                                           client_id=client.client_id, actor=actor_of(desk.principal),
                                           subject=client.client_id, account=account, status=status)  # fmt: skip
            if status == DISPUTED:  # another agency's: no proof can change it (iban28)
                return "set_decide_disputed"
            return "set_decided" if status == "verified" else "set_decide_pending"
        case "link_domains":
            if not desk.agency_level:  # as the API: a client's people could add "tikkie.me"
                raise Forbidden(desk.t["set_links_agency"])
            kept = save_link_domains(
                desk.services.repos,
                client,
                [d for d in re.split(r"[\s,;]+", desk.field("domains")) if d],
            )
            desk.services.people.kit.audit(Event.LINK_DOMAINS_CHANGED, agency_id=client.agency_id,
                                           client_id=client.client_id, actor=actor_of(desk.principal),
                                           subject=client.client_id, domains=",".join(kept))  # fmt: skip
        case "invite":
            # the same answer whether or not the address has an account elsewhere; one the
            # inviter reaches (its Settings list shows it) is refused as by the API, no mail
            # (newcomer16b F2: "sent" and a puzzling mail to a colleague already listed)
            admin.invite_or_tell(desk.principal, desk.field("email"), _role(desk.field("role")),
                                 client.number, name=desk.field("name"), language=desk.lang,
                                 refuse_reached=True)  # fmt: skip
            return "set_invited"
        case "role":
            _own_user(desk, client)
            admin.change_role(desk.principal, desk.field("user"), _role(desk.field("role")))
            return "set_user"
        case "deactivate":
            _own_user(desk, client)
            admin.deactivate(desk.principal, desk.field("user"))
            return "set_user"
        case "reset_factor":
            _own_user(desk, client)
            admin.reset_factor(desk.principal, desk.field("user"))
            return "set_user"
        case _:
            raise NotFound("no such form")
    return "set_saved"


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise Invalid("choose a role", "role", code="role_choice") from None
    if role not in CLIENT_ROLES:
        raise Invalid("a client's people have a client's role", "role", code="role_of_client")
    return role


def _own_user(desk: Desk, client: Client) -> None:
    """The user a form names belongs to the client the page works on (an agency admin's form
    for one client never reaches another's people, nor the agency's own)."""
    user_id = desk.field("user")
    found = desk.services.people.admin.people.users.get(user_id) if user_id else None
    if found is None or found[0].client_id != client.client_id:
        raise NotFound("no such user")


def _show(desk: Desk, client: Client, status: int = 200, **extra: Any) -> ApiResponse:
    can = {
        "details": desk.may(Action.MANAGE_CLIENTS),
        "contact": allows(desk, "PUT", client_path(desk, "contact")),
        "house": desk.may(Action.WRITE),
        "booking": desk.may(Action.MANAGE_BANK_ACCOUNTS),
        "postpone": desk.may(Action.MANAGE_SETTLEMENTS),
        "costs": desk.may(Action.MANAGE_CLIENTS),
        "minimum": desk.may(Action.MANAGE_CLIENTS),
        "spread": allows(desk, "PUT", client_path(desk, "contact")),
        "route": desk.may(Action.MANAGE_CLIENTS),
        "channels": desk.may(Action.WRITE),
        "ibans": desk.may(Action.MANAGE_BANK_ACCOUNTS),
        "confirm": desk.may(Action.MANAGE_BANK_ACCOUNTS) and not desk.agency_level,
        "decide": desk.may(Action.MANAGE_BANK_ACCOUNTS) and desk.agency_level,
        "links": desk.may(Action.MANAGE_BANK_ACCOUNTS) and desk.agency_level,
        "users": desk.may(Action.MANAGE_USERS),
    }
    fresh = desk.services.repos.clients.get(client.client_id)
    shown = fresh[0] if fresh else client
    ibans = desk.services.client_settings.ibans(shown) if can["ibans"] else []
    # whose the account is now, for the agency's decision only (a client sees "pending")
    holders = desk.services.client_settings.account_holders(shown) if can["decide"] else {}
    # where the proof's transfer goes: "the agency's account" alone left a signed-up business,
    # who never saw that account, nothing to transfer to (newcomer20 F3)
    agency = desk.services.repos.agencies.get(shown.agency_id) if can["confirm"] else None
    agency_account = (
        {"iban": agency.third_party_iban, "name": agency.name}
        if agency is not None and agency.third_party_iban
        else None
    )
    users = (
        desk.services.people.admin.list_users(desk.principal, shown.number) if can["users"] else []
    )
    style = shown.house_style
    images = [("logo", style.logo_url), ("header", style.header_image_url),
              ("footer", style.footer_image_url)]  # fmt: skip
    return desk.render(
        "settings", "set_title", status, client=shown, can=can, ibans=ibans, holders=holders, users=users, images=images, agency_account=agency_account,
        link_domains=link_domains(desk.services.repos, shown) if can["ibans"] else (),
        roles=CLIENT_ROLES, me=desk.signed.user.user_id, channels=[c.value for c in SWITCHABLE],
        onboarded=desk.day(shown.onboarded_on),
        sender=settings_sender.state(desk, shown) if can["contact"] or can["details"] else None,
        starts=desk.day(shown.dunning_starts_on)
        if shown.dunning_waits(amsterdam_date(desk.services.clock.now())) else None,
        # what the client still lacks before its dunning goes live (golive32), for those who
        # may see it through the API too: the agency's people and the client's admins
        ready=readiness(desk.services.repos, shown) if desk.agency_level or desk.may(Action.MANAGE_USERS) else (),
        costs_note=reasonableness_note(shown.b2b_costs_percent, shown.b2b_costs_fixed, desk.lang),
        costs_value=shown.b2b_costs_percent or (f"{Decimal(shown.b2b_costs_fixed).scaleb(-2):.2f}" if shown.b2b_costs_fixed else ""), **extra,
    )  # fmt: skip
