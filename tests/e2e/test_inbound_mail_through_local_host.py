"""Issue 18's "done when", through the local host: a reminder goes out through Graph (the
stand-in), the debtor answers it, the timer reads the answer from the mailbox with a delta
query, the answer is on the debtor's contact log; staff link it choosing a template, the
debtor is paused and the automatic answer goes out in the same thread."""

from __future__ import annotations

import time
from urllib.parse import quote

import httpx

from shared import bootstrap
from shared.domain.inbound.answers import outbound_message_id
from shared.domain.messaging import Channel
from tests.e2e.conftest import serving
from tests.support.graph_stand_in import SECRET, GraphStandIn
from tests.support.stand_in import serve
from tests.support.tls import self_signed
from tests.unit.inbound.fixtures import graph_message
from tools import azurite

MAILBOX = "info@korenbloem.example"  # the demo client's mailbox


def fire(url: str, name: str) -> None:
    r = httpx.post(
        f"{url}/admin/functions/{name}",
        json={"input": ""},
        headers={"x-devhost-wait": "true"},
        timeout=60,
    )
    assert r.status_code == 200, r.text


def until(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting: {check.__doc__ or check.__name__}")


def test_a_debtors_answer_is_read_filed_linked_paused_and_answered_in_its_thread(tmp_path):
    """On an Azurite of its own: today's dunning run must not have happened yet (other
    end-to-end tests run it in the shared one)."""
    cert, key = self_signed(tmp_path)
    graph = GraphStandIn(("agency-tenant",))
    with (
        azurite.running(tmp_path / "azurite", in_memory=True) as ports,
        serve(graph, tls=(cert, key)) as server,
    ):
        graph.base = server.url
        with serving(
            ports.connection_string, tmp_path / "data", INNING_CONTACT_HOURS="00:00-23:59",
            GRAPH_TENANT_ID="agency-tenant", GRAPH_CLIENT_ID="app-id", GRAPH_CLIENT_SECRET=SECRET,
            GRAPH_AUTHORITY_HOST=server.url, GRAPH_URL=f"{server.url}/v1.0",
            SSL_CERT_FILE=str(cert), REQUESTS_CA_BUNDLE=str(cert),
        ) as (url, keys):  # fmt: skip
            headers = {"X-Api-Key": keys["BAKKERIJ"]}
            api = f"{url}/api/v1/clients/BAKKERIJ"
            client_id = httpx.get(api, headers=headers).json()["client_id"]
            fire(url, "read_inbound_mail")  # the first round starts watching the mailbox

            # a reminder goes out (the daily run, e-mail through Graph)
            fire(url, "daily_dunning")
            outbox = bootstrap.services().messaging.outbox

            def reminder():
                records, _ = outbox.list(client_id)
                return next((m for m in records if m.key.startswith("dun|") and m.channel is Channel.EMAIL
                             and m.status.value == "sent" and m.provider == "graph" and m.debtor_number), None)  # fmt: skip

            sent = until(reminder)
            message_id = outbound_message_id(client_id, sent.key, sent.sender)
            assert any(s["internetMessageId"] == message_id for s in graph.mailbox(MAILBOX).sent)

            # the debtor answers it; the next timer run reads the answer
            answer_of_debtor = graph_message("reply_with_quote", mailbox=MAILBOX, debtor_email=sent.to,
                                             invoice=(sent.invoice_numbers or ("F-0001",))[0], in_reply_to=message_id)  # fmt: skip
            graph_id = graph.deliver(MAILBOX, answer_of_debtor)
            fire(url, "read_inbound_mail")
            debtor_url = f"{api}/debtors/{quote(sent.debtor_number)}"

            rounds = [time.monotonic()]

            def filed():
                """the answer on the debtor's contact log (a round whose mailbox read failed,
                e.g. timed out on a busy machine, leaves it to the next round: the host's own
                timer, or one fired here every 10 s)"""
                log = httpx.get(f"{debtor_url}/contacts", headers=headers).json()["items"]
                found = any(e["summary"].startswith(f"E-mail received from {sent.to}") for e in log)
                if not found and time.monotonic() - rounds[-1] > 10:
                    rounds.append(time.monotonic())
                    fire(url, "read_inbound_mail")
                return found

            assert until(filed, seconds=90)
            items = httpx.get(f"{api}/inbound-mail", headers=headers).json()["items"]
            assert [i["debtors"] for i in items] == [[sent.debtor_number]]

            # staff link it choosing a template: paused, and answered in the same thread
            linked = httpx.post(f"{api}/inbound-mail/{items[0]['id']}/link", headers=headers,
                                json={"debtors": [sent.debtor_number], "template": "in-behandeling"})  # fmt: skip
            assert linked.status_code == 200, linked.text
            assert httpx.get(debtor_url, headers=headers).json()["paused"] is True
            answer_key = linked.json()["answer"]

            def answered():
                found = outbox.get(client_id, answer_key)
                return found if found and found[0].status.value == "sent" else None

            answer = until(answered)[0]
            original = answer_of_debtor["internetMessageId"]
            assert (
                answer.extra["in_reply_to"] == original and original in answer.extra["references"]
            )
            replies = [s for s in graph.mailbox(MAILBOX).sent if s.get("reply_to_id") == graph_id]
            assert len(replies) == 1 and replies[0]["in_reply_to"] == original
            page = httpx.get(f"{url}/api/outbox/{quote(client_id)}/{quote(answer_key, safe='')}")
            assert "Dank voor uw bericht" in page.text
            log = httpx.get(f"{debtor_url}/contacts", headers=headers).json()["items"]
            assert any(e["summary"].startswith("Paused: correspondence") for e in log)
