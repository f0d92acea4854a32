"""An HTTP transport for the storage SDK with a connection pool as large as its callers.

The SDK's requests transport keeps urllib3's default of ten connections per host. The host's
queue listeners share one client: at start-up two dozen of them poll at once, and every
connection beyond the tenth is closed after use with a "Connection pool is full, discarding
connection" warning (nine to eleven of them on each `make run`). Sizing the pool to the
listeners and their messages in flight keeps the connections and the log quiet."""

from __future__ import annotations

import requests
from azure.core.pipeline.transport import RequestsTransport


class PooledTransport(RequestsTransport):  # type: ignore[misc]  # azure-core ships it untyped here
    def __init__(self, connections: int) -> None:
        super().__init__()
        self.connections = connections

    def _init_session(self, session: requests.Session) -> None:
        super()._init_session(session)  # the SDK's own adapter (its retry and block size)
        for prefix in self._protocols:
            adapter = session.get_adapter(prefix)
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                adapter.init_poolmanager(adapter._pool_connections, self.connections)
                adapter._pool_maxsize = self.connections  # what the adapter reports and pickles
