"""A page run's messages handed to the event loop in batches instead of one wake-up per element.

Streamlit 1.67 runs a page on a script thread and sends its output from the server's event loop. Every element
the page draws is a ScriptRunner event, and `AppSession._on_scriptrunner_event` hands each one to the loop with
its own `call_soon_threadsafe`: a write to the loop's wake-up pipe and a turn of the loop per element. Once the
element is queued for the browser, `Runtime._enqueued_some_message` wakes the loop a second time to flush,
even when a flush is already due. A page of 100-160 elements paid that 200-300 times per run: py-spy showed
`call_soon_threadsafe` alone at 6.6% of a loaded worker's samples.

`install()` changes two things, and nothing about what is sent or in which order:
- A session's events wait in a list; the first one into an empty list schedules one callback that handles
  every event in the list, in order, with Streamlit's own handler. An event added while that callback runs
  finds the list empty again and schedules the next one. So the events keep their order, and a callback
  scheduled after an event (the exception message after a failed rerun, say) still runs after it; an event
  may only be handled sooner than before, as it would have been had the script thread run sooner.
- A flush is not asked for again while the one asked for has not started: the message is queued before the
  flag is read, and the loop clears the flag before it takes the queue, so a set flag always means a flush
  that will take this message.
"""
from __future__ import annotations

import logging
import threading

from streamlit.runtime import app_session, runtime

_LOGGER = logging.getLogger(__name__)
_lock = threading.Lock()
_installed = False
_PENDING = "_streamsync_pending_events"  # the list, on each AppSession


def _on_scriptrunner_event(self, sender, event, **kwargs) -> None:
    with _lock:
        pending = self.__dict__.setdefault(_PENDING, [])
        first = not pending
        pending.append((sender, event, kwargs))
    if first:
        self._call_soon_on_event_loop(lambda: _handle_pending(self))


def _handle_pending(session) -> None:
    with _lock:
        batch = session.__dict__.get(_PENDING) or []
        session.__dict__[_PENDING] = []
    for sender, event, kwargs in batch:
        try:
            session._handle_scriptrunner_event_on_event_loop(sender, event, **kwargs)
        except Exception:  # one callback per event: asyncio would have logged it and gone on to the next
            _LOGGER.exception("Exception in a script runner event (%s)", event)


def _enqueued_some_message(self) -> None:
    async_objs = self._get_async_objs()
    if not async_objs.need_send_data.is_set():
        async_objs.eventloop.call_soon_threadsafe(async_objs.need_send_data.set)


def install() -> None:
    """Batch the events of every session created from now on (once; later calls do nothing). Sessions
    connect the handler when they are made, so this runs before the server takes its first connection."""
    global _installed
    with _lock:
        if _installed:
            return
        app_session.AppSession._on_scriptrunner_event = _on_scriptrunner_event
        runtime.Runtime._enqueued_some_message = _enqueued_some_message
        _installed = True
