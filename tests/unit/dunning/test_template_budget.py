"""#12 item 1: a client's template renders within a budget it cannot escape."""

from __future__ import annotations

import threading

import pytest

from shared.adapters.template_sandbox import IsolatedRenderer
from shared.api.http import ApiRequest
from shared.domain.dunning.templates import MessageTemplate, TemplateError, sample_context, validate
from tests.unit.api.conftest import client_row

HOSTILE = [
    "{{ (7 ** 10000000) % 10 }}",
    "{{ ('x' * 200000000)|length }}",
    "{% for i in range(100000000) %}{% endfor %}",
    "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(x=10) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}",
    "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
    "{{ 'x'|center(1000000000) }}",
    "{{ 'x'.ljust(1000000000) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ ('x'*50000)|replace('x', 'x'*50000) }}",
    "{{ ''.join([('x'*50000)] * 50000) }}",
    "{{ [('x'*50000)] * 50000 }}",
    "{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{% for i in [1] recursive %}{{ loop([1, 2]) }}{% endfor %}",
    "{% for x in range(10000) %}{{ 'x' * 30 }}{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum(1000000) }}",
    "{% set __inning_loop = range %}{% for i in range(3) %}{% endfor %}",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_templates_are_refused_in_process(source):
    with pytest.raises(TemplateError):
        validate(MessageTemplate("nl", "Onderwerp", source))


def test_ordinary_templates_still_render():
    rendered = validate(MessageTemplate("nl", "Herinnering {{ debtor.number }}",
        "Beste {{ debtor.name ~ ',' }}\n{% for i in invoices %}{{ i.number }} {{ i.open_amount|money }}\n{% endfor %}"
        "Totaal {{ total|money }} ({{ '%05d' % 42 }}, {{ '{:>6}'.format('x') }}) {{ (2 ** 64) * 3 }}",
        html="<p>{{ debtor.name ~ '<b>' }}</p>"))  # fmt: skip
    assert "F-0001" in rendered.text and "00042" in rendered.text
    assert rendered.html == "<p>J. de Vries&lt;b&gt;</p>"


@pytest.fixture(scope="module")
def renderer():
    r = IsolatedRenderer(timeout=0.5, workers=1)
    yield r
    r.close()


SLOW = (  # within every in-process limit, yet seconds of C-level work
    "{% set s = 'x' * 99999 %}{% for i in range(9000) %}{% for j in range(10) %}"
    "{% if s.replace('x', 'y') %}{% endif %}{% endfor %}{% endfor %}"
)


def test_a_render_over_its_time_is_stopped_from_outside_and_the_pool_recovers(renderer):
    with pytest.raises(TemplateError, match="longer than"):
        renderer.validate(MessageTemplate("nl", "s", SLOW))
    ok = renderer.render(MessageTemplate("nl", "{{ debtor.name }}", "x"), sample_context())
    assert ok.subject == "J. de Vries"


def test_template_errors_come_back_from_the_worker_with_their_line(renderer):
    with pytest.raises(TemplateError) as caught:
        renderer.validate(MessageTemplate("nl", "s", "regel\n{{ nope }}"))
    assert caught.value.part == "text" and caught.value.line == 2


def test_saving_a_hostile_template_is_a_422_and_health_answers_meanwhile(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    for source in ("{{ (7 ** 10000000) % 10 }}", "{{ ('x' * 200000000)|length }}"):
        r = a.call("PUT", "/v1/clients/C1/templates/t1", {"language": "nl", "text": source})
        assert r.status == 422, r.body
    done = threading.Event()
    result = {}

    def save_slow():
        result["r"] = a.call("PUT", "/v1/clients/C1/templates/t2", {"language": "nl", "text": SLOW})
        done.set()

    thread = threading.Thread(target=save_slow)
    thread.start()
    healthy = 0
    while not done.is_set() and healthy < 5:
        reply = world.api.handle(ApiRequest("GET", "/v1/health", {}, {}, b""))
        assert reply.status == 200
        healthy += 1
    thread.join(30)
    assert healthy >= 1
    assert result["r"].status == 422 and "longer than" in result["r"].body["error"]["message"]
