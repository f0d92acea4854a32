"""What a failed provider call means for the message: sent again later (it never reached the
provider), or never again by itself (it may have reached it). A proxy that refuses the tunnel
let nothing through: that is a transient failure, not an uncertain one (today3 review)."""

from __future__ import annotations

import httpx
import pytest

from shared.adapters.channels.http_errors import call
from shared.domain.messaging import TransientSendError, UncertainSendError
from tests.support.connect_proxy import connect_proxy


def _raising(exc: Exception):
    def send() -> httpx.Response:
        raise exc

    return send


REQUEST = httpx.Request("POST", "https://graph.example/v1.0/users/x/sendMail")


@pytest.mark.parametrize(
    ("exc", "final", "outcome"),
    [
        (httpx.ConnectError("refused", request=REQUEST), True, TransientSendError),
        (httpx.ProxyError("407 Proxy Authentication Required", request=REQUEST), True,
         TransientSendError),
        (httpx.LocalProtocolError("bad header", request=REQUEST), True, TransientSendError),
        (httpx.ReadTimeout("timed out", request=REQUEST), True, UncertainSendError),
        (httpx.RemoteProtocolError("peer closed", request=REQUEST), True, UncertainSendError),
        (httpx.ReadTimeout("timed out", request=REQUEST), False, TransientSendError),
    ],
)  # fmt: skip
def test_each_failure_means_what_it_says(exc, final, outcome):
    with pytest.raises(outcome):
        call("Graph", _raising(exc), final=final)


def test_a_proxy_that_refuses_the_tunnel_leaves_the_message_to_be_sent_again():
    with connect_proxy(credentials=("inning", "s3cret")) as proxy:
        with (
            httpx.Client(proxy=proxy.url(), timeout=5) as http,  # no credentials: 407
            pytest.raises(TransientSendError),
        ):
            call("Graph", lambda: http.post("https://graph.example/sendMail"), final=True)
        assert proxy.asked and proxy.asked[0].method == "CONNECT"
        assert not proxy.asked[0].authorised and proxy.tunnelled_bytes == 0
