"""host.json and local.settings.json as the local host reads them."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def timespan_seconds(text: str | None, default: float) -> float:
    """``hh:mm:ss`` or ``d.hh:mm:ss`` (host.json's TimeSpan format) in seconds."""
    if not text:
        return default
    match = re.match(r"^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$", text)
    if not match:
        raise ValueError(f"not a TimeSpan: {text!r}")
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@dataclass(frozen=True)
class QueueOptions:
    batch_size: int = 16
    new_batch_threshold: int = 8
    max_dequeue_count: int = 5
    visibility_timeout: float = 0.0
    max_polling_interval: float = 2.0
    message_encoding: str = "base64"


@dataclass(frozen=True)
class HostConfig:
    route_prefix: str
    queues: QueueOptions
    function_timeout: float | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostConfig:
        if data.get("version") != "2.0":
            raise ValueError('host.json must have "version": "2.0"')
        ext = data.get("extensions", {})
        q = ext.get("queues", {})
        batch = int(q.get("batchSize", 16))
        if not 1 <= batch <= 32:
            raise ValueError("queues.batchSize must be 1..32")
        max_dequeue = int(q.get("maxDequeueCount", 5))
        if max_dequeue < 1:
            raise ValueError("queues.maxDequeueCount must be at least 1")
        encoding = str(q.get("messageEncoding", "base64")).lower()
        if encoding not in ("base64", "none"):
            raise ValueError("queues.messageEncoding must be base64 or none")
        threshold = q.get("newBatchThreshold")
        queues = QueueOptions(
            batch_size=batch,
            new_batch_threshold=int(threshold)
            if threshold is not None
            else (batch // 2) * (os.cpu_count() or 1),
            max_dequeue_count=max_dequeue,
            visibility_timeout=timespan_seconds(q.get("visibilityTimeout"), 0.0),
            # Core Tools polls an empty queue at most every 2 s by default when developing
            max_polling_interval=max(0.1, timespan_seconds(q.get("maxPollingInterval"), 2.0)),
            message_encoding=encoding,
        )
        prefix = ext.get("http", {}).get("routePrefix", "api").strip("/")
        timeout = data.get("functionTimeout")
        return cls(prefix, queues, timespan_seconds(timeout, 0) if timeout else None)

    @classmethod
    def load(cls, path: Path) -> HostConfig:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def load_local_settings(root: Path) -> dict[str, str]:
    """``local.settings.json`` (git-ignored) or, failing that, the committed sample; the
    ``inning`` command line reads them through the same function."""
    from shared.cli.app_settings import local_settings

    return local_settings(root)


def apply_settings(values: dict[str, str]) -> None:
    """Values become environment variables, as the real host makes app settings; variables
    already set win (so a test or a shell can override one)."""
    for key, value in values.items():
        os.environ.setdefault(key, value)


def resolve(text: str, env: dict[str, str] | None = None) -> str:
    """``%SETTING%`` placeholders in queue names, paths and schedules."""
    source = os.environ if env is None else env

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in source:
            raise ValueError(f"app setting {name} is not set (used as %{name}%)")
        return source[name]

    return re.sub(r"%([^%]+)%", sub, text)


def connection_string(name: str | None) -> str:
    """The connection named by a binding: exact setting, then ``AzureWebJobs<name>``;
    empty means ``AzureWebJobsStorage``. ``UseDevelopmentStorage=true`` means Azurite."""
    from shared.settings import AZURITE_DEFAULT

    candidates = [name, f"AzureWebJobs{name}"] if name else ["AzureWebJobsStorage"]
    for candidate in candidates:
        value = os.environ.get(candidate or "")
        if value:
            return AZURITE_DEFAULT if value == "UseDevelopmentStorage=true" else value
    raise ValueError(
        f"connection {name or 'AzureWebJobsStorage'} is not set; the local host needs a "
        "connection string (identity-based connections work in Azure only)"
    )
