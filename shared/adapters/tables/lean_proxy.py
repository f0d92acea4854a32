"""Which proxy a lean table read goes through: the one the SDK's writes (requests) would use
for the same endpoint, so reads and writes leave the network the same way.

requests (``trust_env``) takes ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` through
``urllib.request.getproxies()`` (lower case first), skips them for a host ``NO_PROXY`` names
(a suffix, ``host:port``, an IP or a CIDR range, ``*`` for all, and ``urllib.request.
proxy_bypass``), and picks ``scheme://host``, ``scheme``, ``all://host``, ``all`` in that
order. The same functions of ``requests.utils`` decide here, once per store (a Function app's
environment does not change under it). A proxy URL without a scheme is ``http://`` (as
requests prepends it); its user and password (percent-decoded) become a Basic
``Proxy-Authorization``. An https endpoint is reached through a ``CONNECT`` tunnel (TLS to the
storage account end to end, the proxy sees only the host name); an http one (Azurite) by an
absolute-form request to the proxy. TLS to the proxy itself (an ``https://`` proxy URL) and
SOCKS are refused at construction rather than bypassed: requests needs extras for them that
the app does not install."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Proxy:
    host: str
    port: int
    authorization: str | None  # the Proxy-Authorization header, from the URL's credentials

    def headers(self) -> dict[str, str]:
        return {"Proxy-Authorization": self.authorization} if self.authorization else {}


def proxy_for(endpoint: str) -> Proxy | None:
    """The proxy for ``endpoint`` as requests resolves it from the environment, or None."""
    from requests.utils import (
        get_auth_from_url,
        get_environ_proxies,
        prepend_scheme_if_needed,
        select_proxy,
    )

    chosen = select_proxy(endpoint, get_environ_proxies(endpoint))
    if not chosen:
        return None
    url = prepend_scheme_if_needed(chosen, "http")
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(
            f"table storage: only an http:// proxy is supported for reads, not {parts.scheme}://"
            f" ({parts.hostname or url.split('@')[-1]})"
        )
    user, password = get_auth_from_url(url)
    authorization = None
    if user or password:
        token = base64.b64encode(f"{user}:{password}".encode("latin-1")).decode()
        authorization = f"Basic {token}"
    return Proxy(parts.hostname, parts.port or 80, authorization)
