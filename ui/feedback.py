"""Feedback for writes: the one helper that runs every write from a page (attempt), the error beside the control
that caused it (error_beside), and a two-click confirmation for anything destructive.

attempt() runs the write; on success it toasts what happened (or, with rerun=True, reruns the page and toasts
then); on a refusal it keeps the message for the control named `where`, and error_beside(where), drawn next to
that control, shows it. A refusal is shown once: the next action (the next run of the page) clears it
(streamlit_app.py calls settle_errors() after every run; a refusal whose control is gone shows at the top).
Use attempt as an on_click/on_change callback (the write runs before the page reads again, so the page shows
the change) or inline under an `if st.button(...)` drawn before its error_beside. Every refusal's text is
escaped the same way: refusal_text().
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.errors import DatabaseUnavailable, DataRuleError, PermissionDenied
from ui.cards import md
from ui.session import SESSION_GONE, after_rerun, session_still_live

ERRORS = "feedback_errors"  # session state: {where: (message, icon)} of the refusals not shown yet


def refusal_text(exc: BaseException | str) -> str:
    """A refusal's message as the page shows it: exactly as written (names and titles users typed included),
    so Markdown in a playlist name or a username cannot change the message."""
    return md(exc)


def _hold(where: str, message: str, icon: str) -> None:
    st.session_state.setdefault(ERRORS, {})[where] = (message, icon)


def attempt(write: Callable[..., Any], *args: Any, success: str | Callable[[Any], str], where: str,
            rerun: bool = False, refused_note: str = "", **kwargs: Any) -> bool:
    """write(*args, **kwargs); toast `success` (or success(result)) when it worked, else keep the refusal for
    error_beside(where). Returns whether it worked. rerun=True (inline use, e.g. in a dialog) reruns the page
    after a success so it shows the new state, with the toast. refused_note is added to a refusal's message
    (" Nothing was saved.")."""
    st.session_state.pop(ERRORS, None)  # a new action: the last refusal has had its say
    if not session_still_live():
        _hold(where, md(SESSION_GONE), ":material/logout:")
        return False
    try:
        result = write(*args, **kwargs)
    except (DataRuleError, PermissionDenied) as exc:
        _hold(where, refusal_text(f"{exc}{refused_note}"), ":material/error:")
        return False
    except DatabaseUnavailable as exc:
        # A callback runs before the page, outside streamlit_app's handler: say so beside the control; the
        # page itself then shows the full database-down message.
        _hold(where, refusal_text(f"Not saved: {exc}"), ":material/cloud_off:")
        return False
    text = success(result) if callable(success) else success
    if rerun:
        after_rerun(text)
        st.rerun()
    st.toast(md(text), icon=":material/check_circle:")
    return True


def error_beside(where: str) -> None:
    """Show the refusal the last write from the control `where` met, here (once)."""
    held = st.session_state.get(ERRORS, {}).pop(where, None)
    if held:
        message, icon = held
        st.error(message, icon=icon)


def show_refusal(exc: BaseException | str, icon: str = ":material/error:") -> None:
    """A refusal that is not a write's (a profile one may not see, a filter that does not fit), shown here."""
    st.error(refusal_text(exc), icon=icon)


def settle_errors(top) -> None:
    """End of a run: a refusal whose control is not on the page any more (the request was answered meanwhile, the
    episode is gone) shows in `top`, a placeholder at the top of the page; then every refusal is forgotten, so
    none reappears after the next action."""
    held = st.session_state.pop(ERRORS, None) or {}
    if held:
        with top.container():
            for message, icon in held.values():
                st.error(message, icon=icon)


def _asking(key: str, value: bool) -> None:
    st.session_state[f"{key}__asking"] = value


def _confirmed(key: str, action: Callable[[], Any]) -> None:
    _asking(key, False)
    action()


def confirm_button(label: str, key: str, question: str, action: Callable[[], Any],
                   confirm_label: str = "Yes, do it") -> None:
    """A destructive button in two clicks: `label` asks `question`; `confirm_label` then runs action()
    (typically a lambda around attempt(..., where=key)), Cancel puts the button back. A refusal shows under it."""
    if st.session_state.get(f"{key}__asking"):
        st.warning(question, icon=":material/warning:")
        yes, no = st.columns(2)
        yes.button(confirm_label, key=f"{key}__yes", type="primary", on_click=_confirmed, args=(key, action))
        no.button("Cancel", key=f"{key}__no", on_click=_asking, args=(key, False))
    else:
        st.button(label, key=key, on_click=_asking, args=(key, True))
    error_beside(key)  # where action's attempt(..., where=key) refusal shows


def watched_message(done: dict) -> str:
    """The toast after core.watching.mark_up_to (Home, Progress and Media details all mark episodes)."""
    if done["completed"]:
        return f"Watched {done['code']}, the last episode: the series is now completed in your watchlist."
    return f"Marked {done['code']} · {done['title']} as watched."
