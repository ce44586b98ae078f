"""The HTTP client every provider uses: requests with timeouts, a minimum interval between calls (the
provider's rate limit), retries with backoff on 429 (honouring Retry-After) and 5xx, and one clear
ProviderError for each way a call can fail."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from core.providers.base import AuthFailed, BadResponse, NotFound, ProviderOffline, RateLimited

CONNECT_TIMEOUT = 3.05  # a little over a TCP retransmit window, as requests' docs advise
READ_TIMEOUT = 10.0
RETRIES = 3             # further attempts after a 429 or 5xx
BACKOFF = 0.5           # seconds before the first retry of a 5xx; doubles each time
MAX_RETRY_AFTER = 30.0  # a provider asking to wait longer than this is reported, not waited for


class HttpClient:
    def __init__(self, label: str, base_url: str, *, headers: dict | None = None, params: dict | None = None,
                 min_interval: float = 0.0, read_timeout: float = READ_TIMEOUT, retries: int = RETRIES,
                 sleep: Callable[[float], None] = time.sleep, auth_hint: str = ""):
        self.label, self.base_url = label, base_url.rstrip("/")
        self.params = dict(params or {})
        self.min_interval, self.read_timeout, self.retries = min_interval, read_timeout, retries
        self.sleep, self.auth_hint = sleep, auth_hint
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "StreamSync (self-hosted)"})
        self.session.headers.update(headers or {})
        self._lock = threading.Lock()
        self._last_call = 0.0

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def _throttle(self) -> None:
        """Keep at least min_interval between calls of this client (TVmaze allows 20 calls in 10 s)."""
        with self._lock:
            wait = self._last_call + self.min_interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last_call = time.monotonic()

    def get_json(self, path: str, what: str, **params: Any) -> Any:
        """GET base_url + path; the decoded JSON. `what` names the thing asked for in a NotFound message."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        for attempt in range(self.retries + 1):
            self._throttle()
            try:
                response = self.session.get(url, params={**self.params, **params},
                                            timeout=(CONNECT_TIMEOUT, self.read_timeout))
            except requests.Timeout as exc:
                raise ProviderOffline(self.label, f"{self.label} ({self.host}) did not answer within "
                                                  f"{self.read_timeout:g} s; try again later.") from exc
            except requests.ConnectionError as exc:
                raise ProviderOffline(self.label, f"{self.label} ({self.host}) cannot be reached: no network "
                                                  f"connection, or the service is down.") from exc
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt < self.retries:
                    delay = self._retry_delay(response, attempt)
                    if delay is not None:
                        self.sleep(delay)
                        continue
                if status == 429:
                    raise RateLimited(self.label, f"{self.label} is limiting requests (429 Too Many Requests); "
                                                  f"try again in a minute.")
                raise ProviderOffline(self.label, f"{self.label} ({self.host}) is failing (HTTP {status}); "
                                                  f"try again later.")
            if status in (401, 403):
                raise AuthFailed(self.label, f"{self.label} refused the configured key (HTTP {status}: "
                                             f"{_message(response)}). {self.auth_hint}".strip())
            if status == 404:
                raise NotFound(self.label, f"{self.label} has no {what}.")
            if status >= 400:
                raise BadResponse(self.label, f"{self.label} refused the request for {what} (HTTP {status}: "
                                              f"{_message(response)}).")
            try:
                return response.json()
            except ValueError as exc:
                raise BadResponse(self.label, f"{self.label} sent an answer for {what} that is not JSON; "
                                              f"try again later.") from exc
        raise AssertionError("unreachable")

    def _retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None when the provider asks for too long a wait."""
        header = response.headers.get("Retry-After")
        if header:
            delay = _retry_after_seconds(header)
            if delay is not None:
                return delay if delay <= MAX_RETRY_AFTER else None
        return BACKOFF * 2 ** attempt


def _retry_after_seconds(header: str) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _message(response: requests.Response) -> str:
    """The provider's own explanation (TMDb: status_message), short."""
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no reason given"
    if isinstance(body, dict):
        text = body.get("status_message") or body.get("message") or body.get("name")
        if isinstance(text, str):
            return text[:200]
    return response.reason or "no reason given"
