"""Metadata providers: which exist, which are configured, and their settings.

A third provider is one new module here that defines NAME, LABEL and from_settings(settings) -> Provider,
plus its name in PROVIDER_MODULES. Settings for provider `x` come from .streamlit/secrets.toml's
[providers.x] table, overridden by environment variables STREAMSYNC_<X>_<KEY> (e.g. STREAMSYNC_TMDB_API_KEY,
STREAMSYNC_TMDB_READ_TOKEN, STREAMSYNC_TVMAZE_URL for base_url). `enabled = false` switches one off.
"""
from __future__ import annotations

import importlib
import os
import tomllib

from core.providers.base import NotConfigured, Provider, ProviderError
from db.config import SECRETS_FILE

PROVIDER_MODULES = ("tmdb", "tvmaze")
# environment variable suffix -> settings key
_ENV_KEYS = {"API_KEY": "api_key", "READ_TOKEN": "read_access_token", "URL": "base_url", "ENABLED": "enabled"}


def settings(name: str) -> dict:
    found: dict = {}
    if SECRETS_FILE.exists():
        with SECRETS_FILE.open("rb") as fh:
            found.update(tomllib.load(fh).get("providers", {}).get(name, {}))
    for suffix, key in _ENV_KEYS.items():
        value = os.environ.get(f"STREAMSYNC_{name.upper()}_{suffix}")
        if value:
            found[key] = value
    return found


def _module(name: str):
    if name not in PROVIDER_MODULES:
        raise NotConfigured(name, f"There is no provider called {name!r} (known: {', '.join(PROVIDER_MODULES)}).")
    return importlib.import_module(f"core.providers.{name}")


def _enabled(config: dict) -> bool:
    return str(config.get("enabled", "true")).strip().lower() not in ("false", "0", "no", "off")


def get(name: str) -> Provider:
    """The provider, built from configuration. Raises NotConfigured with what to set."""
    module = _module(name)
    config = settings(name)
    if not _enabled(config):
        raise NotConfigured(module.LABEL, f"{module.LABEL} is switched off (enabled = false).")
    return module.from_settings(config)


def configured() -> tuple[list[Provider], list[str]]:
    """(the providers ready to use, one sentence for each that is not)."""
    ready, problems = [], []
    for name in PROVIDER_MODULES:
        try:
            ready.append(get(name))
        except NotConfigured as exc:
            problems.append(str(exc))
    return ready, problems


def label(name: str) -> str:
    return _module(name).LABEL


__all__ = [
    "PROVIDER_MODULES",
    "NotConfigured",
    "Provider",
    "ProviderError",
    "configured",
    "get",
    "label",
    "settings",
]
