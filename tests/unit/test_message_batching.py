"""A page run's messages reach the event loop in batches (ui/message_batching.py): every event is handled, once,
in the order the script thread sent it and in its place among the loop's other callbacks, with one wake-up of
the loop per batch instead of one per element; a flush already asked for is not asked for again; the flush
loop sends every queued message once, in order, in chunks its sender's bounded queue takes, and stops. Each
runs on uvloop (the server's loop) and asyncio's. The browser tests (tests/browser) and the cluster test drive
the real server, where every page is drawn through this path."""
import asyncio
import runpy
import threading

import pytest
import uvicorn
import uvloop
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import app_session, runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import SessionClientDisconnectedError
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.web.server.starlette import starlette_server

from ui import message_batching
from ui.harness import APP


class Session:
    """What the batching uses of an AppSession: its loop callback and Streamlit's handler (here: a record)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop, self.handled, self.wakeups = loop, [], 0

    _on_scriptrunner_event = message_batching._on_scriptrunner_event

    def _call_soon_on_event_loop(self, callback) -> None:
        self.wakeups += 1
        self.loop.call_soon_threadsafe(callback)

    def _handle_scriptrunner_event_on_event_loop(self, sender, event, forward_msg=None, **_):
        self.handled.append((event, forward_msg))


@pytest.fixture(params=[uvloop.new_event_loop, asyncio.new_event_loop], ids=["uvloop", "asyncio"])
def loop(request):
    """The loop the server runs on (uvloop, below), and asyncio's own (where uvloop is not installed)."""
    loop = request.param()
    yield loop
    loop.close()


def test_the_server_runs_on_uvloop():
    """Streamlit's server configures uvicorn with its default loop, which is uvloop's when it is installed
    (requirements.txt): if either changed, the server would fall back to asyncio's slower loop unnoticed."""
    settings = uvicorn.Config(app=None, **starlette_server._get_uvicorn_config_kwargs())
    made = settings.get_loop_factory()()
    try:
        assert isinstance(made, uvloop.Loop)
    finally:
        made.close()


def settle(loop: asyncio.AbstractEventLoop) -> None:
    """Run the loop until every callback scheduled so far, and those they schedule, have run."""
    for _ in range(5):
        loop.run_until_complete(asyncio.sleep(0))


def test_a_run_of_events_is_handled_in_order_with_one_wakeup(loop):
    session = Session(loop)
    sent = [("ENQUEUE_FORWARD_MSG", f"element {i}") for i in range(300)]
    for event, msg in sent:
        session._on_scriptrunner_event(None, event, forward_msg=msg)
    settle(loop)
    assert session.handled == sent
    assert session.wakeups == 1


def test_events_from_the_script_thread_keep_their_order_while_the_loop_drains(loop):
    session = Session(loop)
    sent = [("ENQUEUE_FORWARD_MSG", f"element {i}") for i in range(2000)]
    loop_thread = threading.Thread(target=loop.run_forever)
    loop_thread.start()
    try:
        for event, msg in sent:  # the loop handles batches while more arrive
            session._on_scriptrunner_event(None, event, forward_msg=msg)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        loop_thread.join()
    settle(loop)
    assert session.handled == sent
    assert session.wakeups < len(sent)


def test_a_callback_scheduled_after_an_event_runs_after_it(loop):
    """handle_backmsg_exception sends its events, then schedules the exception message: it must come after
    them, and after the page's own events already waiting."""
    session, seen_by_callback = Session(loop), []
    session._on_scriptrunner_event(None, "ENQUEUE_FORWARD_MSG", forward_msg="element")
    session._on_scriptrunner_event(None, "SCRIPT_STOPPED_WITH_SUCCESS")
    loop.call_soon_threadsafe(lambda: seen_by_callback.extend(session.handled))
    settle(loop)
    assert seen_by_callback == [("ENQUEUE_FORWARD_MSG", "element"), ("SCRIPT_STOPPED_WITH_SUCCESS", None)]


def test_an_event_that_fails_does_not_lose_the_ones_after_it(loop, caplog):
    session = Session(loop)
    handle = session._handle_scriptrunner_event_on_event_loop

    def fail_on_bad(sender, event, **kwargs):
        if event == "bad":
            raise RuntimeError("boom")
        handle(sender, event, **kwargs)

    session._handle_scriptrunner_event_on_event_loop = fail_on_bad
    for event in ("first", "bad", "last"):
        session._on_scriptrunner_event(None, event)
    settle(loop)
    assert [event for event, _ in session.handled] == ["first", "last"]
    assert "boom" in caplog.text


def element(text: str, index: int) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = text
    msg.metadata.delta_path[:] = [0, index]
    return msg


class Runner:
    """A stand-in for a session's ScriptRunner: only who sent an event matters here."""

    def request_stop(self) -> None:
        pass


def real_sessions(count: int, flushes: list) -> list[app_session.AppSession]:
    """Streamlit's own AppSessions (no runtime, no script run), each counting its flush requests in `flushes`
    and with a stand-in as its current script runner."""
    made = []
    for n in range(count):
        session = app_session.AppSession(ScriptData(APP, is_hello=False), MemoryUploadedFileManager("/upload"),
                                         ScriptCache(), lambda n=n: flushes.append(n), {})
        session._scriptrunner = Runner()
        made.append(session)
    return made


def test_a_session_queues_what_streamlits_handler_would(loop):
    """The same events, handled by Streamlit's handler one by one and by the batch: the same messages in the
    browser queue, in the same order. An element from a replaced script runner is dropped by both; a run's
    end goes through Streamlit's handler (its script_finished message among the elements); the batch asks
    for one flush, where Streamlit asked for one per message."""
    async def scenario():
        flushes: list[int] = []
        streamlits, batched = real_sessions(2, flushes)
        try:
            replaced = Runner()
            for session in (streamlits, batched):
                current = session._scriptrunner
                events = [(current, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG, {"forward_msg": element(f"e{i}", i)})
                          for i in range(5)]
                events.insert(2, (replaced, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG, {"forward_msg": element("old", 9)}))
                events.append((current, ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN, {}))
                events.append((current, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG, {"forward_msg": element("after", 10)}))
                if session is streamlits:
                    for sender, event, kwargs in events:
                        session._handle_scriptrunner_event_on_event_loop(sender, event, **kwargs)
                else:
                    for sender, event, kwargs in events:  # as the script thread's signal calls it once installed
                        message_batching._on_scriptrunner_event(session, sender, event, **kwargs)
                    await asyncio.sleep(0)
            expected = streamlits._browser_queue.flush()
            queued = batched._browser_queue.flush()
            assert [m.delta.new_element.markdown.body for m in queued] == ["e0", "e1", "e2", "e3", "e4", "", "after"]
            assert queued[5].script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN
            assert queued == expected
            assert flushes.count(0) == 7 and flushes.count(1) == 2  # the run's end asks for its own flush
        finally:
            for session in (streamlits, batched):
                session.shutdown()
                session._script_event_loop.close()

    loop.run_until_complete(scenario())


class CountingLoop:
    """The loop as the flush request sees it, counting its wake-ups."""

    def __init__(self, loop):
        self.loop, self.wakeups = loop, 0

    def call_soon_threadsafe(self, callback, *args):
        self.wakeups += 1
        return self.loop.call_soon_threadsafe(callback, *args)


class Runtime:
    """What the flush request uses of Streamlit's Runtime: its loop and the need_send_data event."""

    _enqueued_some_message = message_batching._enqueued_some_message

    def __init__(self, loop):
        self.loop = CountingLoop(loop)
        self.objs = type("AsyncObjects", (), {"eventloop": self.loop, "need_send_data": asyncio.Event()})()

    def _get_async_objs(self):
        return self.objs


def test_a_flush_is_asked_for_once_until_the_loop_takes_it(loop):
    rt = Runtime(loop)
    rt._enqueued_some_message()
    settle(loop)
    assert rt.objs.need_send_data.is_set()
    assert rt.loop.wakeups == 1
    rt._enqueued_some_message()  # a flush is already due: nothing more to wake the loop for
    assert rt.loop.wakeups == 1
    rt.objs.need_send_data.clear()  # the loop took the queue
    rt._enqueued_some_message()
    settle(loop)
    assert rt.objs.need_send_data.is_set()
    assert rt.loop.wakeups == 2


def test_the_server_installs_it_when_streamlit_imports_the_entry_script():
    before = (app_session.AppSession._on_scriptrunner_event, runtime.Runtime._enqueued_some_message,
              runtime.Runtime._loop_coroutine)
    try:
        runpy.run_path(APP, run_name="streamlit_app")  # what `streamlit run` does first
        assert app_session.AppSession._on_scriptrunner_event is message_batching._on_scriptrunner_event
        assert runtime.Runtime._enqueued_some_message is message_batching._enqueued_some_message
        assert runtime.Runtime._loop_coroutine is message_batching._loop_coroutine
    finally:
        (app_session.AppSession._on_scriptrunner_event, runtime.Runtime._enqueued_some_message,
         runtime.Runtime._loop_coroutine) = before
        message_batching._installed = False


class Client:
    """A session's socket as Streamlit's starlette client has it: a bounded send queue, drained by a sender
    task; a full queue or a closed client raises SessionClientDisconnectedError."""

    def __init__(self, gone: bool = False):
        self.queue, self.received, self.gone = asyncio.Queue(maxsize=500), [], gone
        self.sender = asyncio.ensure_future(self._send())

    async def _send(self):
        while True:
            self.received.append(await self.queue.get())

    def write(self, msg):
        if self.gone:
            raise SessionClientDisconnectedError
        try:
            self.queue.put_nowait(msg)
        except asyncio.QueueFull as exc:
            self.gone = True
            raise SessionClientDisconnectedError from exc


class FlushedSession:
    def __init__(self, name, messages=()):
        self.id, self.queued, self.flushes, self.closed = name, list(messages), 0, False

    def flush_browser_queue(self):
        taken, self.queued = self.queued, []
        return taken

    def on_flushed_messages_sent(self):
        self.flushes += 1

    def shutdown(self):
        self.closed = True


class Info:
    def __init__(self, session, client):
        self.session, self.client = session, client


class FlushingRuntime:
    """What the flush loop uses of Streamlit's Runtime: its state, async objects, sessions and sending."""

    _loop_coroutine = message_batching._loop_coroutine

    def __init__(self, infos):
        self.infos, self.disconnected = list(infos), []
        self._state = runtime.RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED
        events = {name: asyncio.Event() for name in ("must_stop", "has_connection", "need_send_data")}
        self.objs = type("AsyncObjects", (), {**events, "started": asyncio.get_running_loop().create_future(),
                                              "stopped": asyncio.get_running_loop().create_future()})()
        self._session_mgr = self

    def _get_async_objs(self):
        return self.objs

    def _set_state(self, state):
        self._state = state

    def list_active_sessions(self):
        return [info for info in self.infos if info.session.id not in self.disconnected]

    def list_sessions(self):
        return list(self.infos)

    def close_session(self, session_id):
        next(i for i in self.infos if i.session.id == session_id).session.shutdown()

    def _send_message(self, info, msg):
        info.client.write(msg)

    def disconnect_session(self, session_id, client=None):
        self.disconnected.append(session_id)


async def _run_until_stopped(rt, while_running):
    """Run the flush loop with messages due, then `while_running()`, then stop it; the senders end too."""
    task = asyncio.ensure_future(rt._loop_coroutine())
    try:
        await rt.objs.started
        rt.objs.need_send_data.set()
        for _ in range(20):
            await asyncio.sleep(0.01)
        await while_running()
        rt.objs.must_stop.set()
        await asyncio.wait_for(task, 5)
        return await rt.objs.stopped
    finally:
        task.cancel()
        for info in rt.infos:
            info.client.sender.cancel()
        await asyncio.sleep(0)


def test_the_flush_loop_sends_every_message_once_in_order_then_stops(loop):
    async def scenario():
        big = [f"big {i}" for i in range(1200)]  # more than a sender's queue holds (500)
        infos = [Info(FlushedSession("big", big), Client()), Info(FlushedSession("small", ["a", "b"]), Client()),
                 Info(FlushedSession("idle"), Client())]
        rt = FlushingRuntime(infos)

        async def later():  # a message queued after the first flush goes out with the next one
            infos[1].session.queued.append("c")
            rt.objs.need_send_data.set()
            for _ in range(10):
                await asyncio.sleep(0.01)

        await _run_until_stopped(rt, later)
        assert infos[0].client.received == big
        assert infos[1].client.received == ["a", "b", "c"]
        assert infos[2].client.received == []
        assert rt.disconnected == []
        assert all(info.session.flushes >= 2 for info in infos)  # every session is told each flush went
        assert all(info.session.closed for info in infos) and rt._state == runtime.RuntimeState.STOPPED

    loop.run_until_complete(scenario())


def test_a_client_that_is_gone_is_disconnected_and_the_others_are_still_served(loop):
    async def scenario():
        infos = [Info(FlushedSession("gone", ["x", "y"]), Client(gone=True)),
                 Info(FlushedSession("here", ["a"]), Client())]
        rt = FlushingRuntime(infos)

        async def nothing():
            return None

        await _run_until_stopped(rt, nothing)
        assert rt.disconnected == ["gone"]
        assert infos[1].client.received == ["a"]

    loop.run_until_complete(scenario())
