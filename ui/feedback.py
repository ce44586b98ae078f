"""Feedback for writes: run a db write from a button callback, toast what happened or show why it was
refused; and a two-click confirmation for anything destructive.

Use them as on_click callbacks: the callback runs before the page reads again, so the page shows the
change, and the toast or error appears at the top of that run.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from db.errors import DatabaseUnavailable, DataRuleError, PermissionDenied
from ui.cards import md


def attempt(write: Callable[..., Any], *args: Any, success: str | Callable[[Any], str], **kwargs: Any) -> bool:
    """write(*args, **kwargs); toast `success` (or success(result)) when it worked, else show the
    refusal as an error. Returns whether it worked. Messages quote what users typed (names, titles), so
    they are shown Markdown-escaped: exactly as typed."""
    try:
        result = write(*args, **kwargs)
    except (DataRuleError, PermissionDenied) as exc:
        st.error(md(exc), icon=":material/error:")
        return False
    except DatabaseUnavailable as exc:
        # A callback runs before the page, outside streamlit_app's handler: say so here; the page itself
        # then shows the full database-down message.
        st.error(md(f"Not saved: {exc}"), icon=":material/cloud_off:")
        return False
    st.toast(md(success(result) if callable(success) else success), icon=":material/check_circle:")
    return True


def _asking(key: str, value: bool) -> None:
    st.session_state[f"{key}__asking"] = value


def _confirmed(key: str, action: Callable[[], Any]) -> None:
    _asking(key, False)
    action()


def confirm_button(label: str, key: str, question: str, action: Callable[[], Any],
                   confirm_label: str = "Yes, do it") -> None:
    """A destructive button in two clicks: `label` asks `question`; `confirm_label` then runs action()
    (typically a lambda around attempt()), Cancel puts the button back."""
    if st.session_state.get(f"{key}__asking"):
        st.warning(question, icon=":material/warning:")
        yes, no = st.columns(2)
        yes.button(confirm_label, key=f"{key}__yes", type="primary", on_click=_confirmed, args=(key, action))
        no.button("Cancel", key=f"{key}__no", on_click=_asking, args=(key, False))
    else:
        st.button(label, key=key, on_click=_asking, args=(key, True))


def watched_message(done: dict) -> str:
    """The toast after core.watching.mark_up_to (Home, Progress and Media details all mark episodes)."""
    if done["completed"]:
        return f"Watched {done['code']}, the last episode: the series is now completed in your watchlist."
    return f"Marked {done['code']} · {done['title']} as watched."
