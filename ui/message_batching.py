"""A page run's messages handed to the event loop in batches instead of one wake-up per element.

Streamlit 1.67 runs a page on a script thread and sends its output from the server's event loop. Every element
the page draws is a ScriptRunner event, and `AppSession._on_scriptrunner_event` hands each one to the loop with
its own `call_soon_threadsafe`: a write to the loop's wake-up pipe and a turn of the loop per element. Once the
element is queued for the browser, `Runtime._enqueued_some_message` wakes the loop a second time to flush,
even when a flush is already due. A page of 100-160 elements paid that 200-300 times per run: py-spy showed
`call_soon_threadsafe` alone at 6.6% of a loaded worker's samples.

`install()` changes three things, and nothing about what is sent or in which order:
- A session's events wait in a list; the first one into an empty list schedules one callback that handles
  every event in the list, in order. An event added while that callback runs finds the list empty again and
  schedules the next one. So the events keep their order, and a callback scheduled after an event (the
  exception message after a failed rerun, say) still runs after it; an event may only be handled sooner than
  before, as it would have been had the script thread run sooner. An element of the current run goes
  straight to the session's browser queue, as Streamlit's handler puts it there, with one flush request for
  the batch instead of one per element; every other event (a run started or ended, an element from a
  replaced run, which is dropped) goes through Streamlit's handler.
- A flush is not asked for again while the one asked for has not started: the message is queued before the
  flag is read, and the loop clears the flag before it takes the queue, so a set flag always means a flush
  that will take this message.
- The Runtime's loop that flushes the sessions' queues (`_loop_coroutine`) is the same loop doing less per
  message. Streamlit's yields to the event loop after every message it hands a session's socket sender, so
  each element cost a turn of the loop and a wake-up of the sender; here a session's messages go out in
  chunks of CHUNK with one turn after each (the sender drains a chunk, so its queue, bounded at 500 messages,
  does not fill from one flush while the browser reads). Its wait for the next flush made two tasks on every
  turn; here one task awaits the stop for the loop's life, and there is no wait when messages were queued
  during the pause between flushes. Every session is flushed and told so, as before, in the same order.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import traceback

from streamlit.runtime import app_session, runtime
from streamlit.runtime.runtime import RuntimeState, SessionClientDisconnectedError
from streamlit.runtime.scriptrunner import ScriptRunnerEvent

_LOGGER = logging.getLogger(__name__)
_lock = threading.Lock()
_installed = False
_PENDING = "_streamsync_pending_events"  # the list, on each AppSession
CHUNK = 64  # messages handed to a session's sender between turns of the event loop
_ENQUEUE = ScriptRunnerEvent.ENQUEUE_FORWARD_MSG


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
    queued = False
    try:
        for sender, event, kwargs in batch:
            try:
                msg = kwargs.get("forward_msg")
                if event is _ENQUEUE and msg is not None and sender is session._scriptrunner:
                    # What Streamlit's handler does with an element of the current run, without its checks for
                    # the other events (an element changes no state), and one flush request for the batch.
                    session._browser_queue.enqueue(msg)
                    queued = True
                else:
                    session._handle_scriptrunner_event_on_event_loop(sender, event, **kwargs)
            except Exception:  # one callback per event: asyncio would have logged it and gone on to the next
                _LOGGER.exception("Exception in a script runner event (%s)", event)
    finally:
        if queued and session._message_enqueued_callback:
            session._message_enqueued_callback()


def _enqueued_some_message(self) -> None:
    async_objs = self._get_async_objs()
    if not async_objs.need_send_data.is_set():
        async_objs.eventloop.call_soon_threadsafe(async_objs.need_send_data.set)


async def _first_of(stopping: asyncio.Future, event: asyncio.Event) -> None:
    """Until the runtime stops or `event` is set (on Windows at most _SIGNAL_CHECK_INTERVAL, as Streamlit
    waits, so that Ctrl+C is seen)."""
    waiting = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait((stopping, waiting), return_when=asyncio.FIRST_COMPLETED,
                           timeout=runtime._SIGNAL_CHECK_INTERVAL)
    finally:
        waiting.cancel()


async def _send_queued(rt) -> None:
    """One flush: every active session's queued messages to its client, then the session told they went."""
    for info in rt._session_mgr.list_active_sessions():
        messages = info.session.flush_browser_queue()
        for count, msg in enumerate(messages, 1):
            try:
                rt._send_message(info, msg)
            except SessionClientDisconnectedError:
                rt.disconnect_session(info.session.id, client=info.client)
                break
            if count % CHUNK == 0:
                await asyncio.sleep(0)
        info.session.on_flushed_messages_sent()
        if messages:
            await asyncio.sleep(0)


async def _loop_coroutine(self) -> None:
    """Streamlit 1.67's Runtime loop (runtime.Runtime._loop_coroutine), with the changes in this module's
    docstring; its states, stop and errors as there."""
    async_objs = self._get_async_objs()
    try:
        if self._state == RuntimeState.INITIAL:
            self._set_state(RuntimeState.NO_SESSIONS_CONNECTED)
        elif self._state != RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED:
            raise RuntimeError(f"Bad Runtime state at start: {self._state}")
        async_objs.started.set_result(None)
        stopping = asyncio.ensure_future(async_objs.must_stop.wait())
        try:
            while not async_objs.must_stop.is_set():
                if self._state == RuntimeState.NO_SESSIONS_CONNECTED:
                    await _first_of(stopping, async_objs.has_connection)
                    continue
                if self._state != RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED:
                    break
                async_objs.need_send_data.clear()
                await _send_queued(self)
                await asyncio.sleep(runtime.MESSAGE_FLUSH_INTERVAL_SECS)
                if not async_objs.need_send_data.is_set():
                    await _first_of(stopping, async_objs.need_send_data)
        finally:
            stopping.cancel()
        for session_info in self._session_mgr.list_sessions():
            self._session_mgr.close_session(session_info.session.id)
        self._set_state(RuntimeState.STOPPED)
        async_objs.stopped.set_result(None)
    except Exception as exc:
        async_objs.stopped.set_exception(exc)
        traceback.print_exc()


def install() -> None:
    """Batch the events of every session created from now on (once; later calls do nothing). Sessions
    connect the handler when they are made, so this runs before the server takes its first connection."""
    global _installed
    with _lock:
        if _installed:
            return
        app_session.AppSession._on_scriptrunner_event = _on_scriptrunner_event
        runtime.Runtime._enqueued_some_message = _enqueued_some_message
        runtime.Runtime._loop_coroutine = _loop_coroutine
        _installed = True
