"""A real HTTP server on 127.0.0.1 that answers TMDb's and TVmaze's URLs with responses in their formats,
for provider tests (no real network exists in the test environment; nothing here is a mock of the client).

Routes map a path (no query string) to a Reply or a list of Replies served in turn (the last repeats).
Every request is recorded: path, query and headers, so tests can see retries and auth.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: object = None          # JSON-serialisable, or bytes sent as they are
    headers: dict = field(default_factory=dict)
    delay: float = 0.0           # seconds before answering (a slow provider)


def json_reply(obj, status: int = 200, **headers) -> Reply:
    return Reply(status, obj, headers)


@dataclass
class Seen:
    path: str
    query: dict
    headers: dict


class ProviderServer:
    def __init__(self):
        self.routes: dict[str, Reply | list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                with server._lock:
                    server.requests.append(Seen(parts.path, parse_qs(parts.query), dict(self.headers)))
                    reply = server._next(parts.path)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, str(value))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _next(self, path: str) -> Reply:
        found = self.routes.get(path)
        if found is None:
            return Reply(404, {"status_code": 34, "status_message": "The resource you requested could not be found.",
                               "success": False})
        if isinstance(found, list):
            return found.pop(0) if len(found) > 1 else found[0]
        return found

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- each provider's real answers -------------------------------------------------------------------------

def tvmaze_shows() -> list[dict]:
    return json.loads((FIXTURES / "tvmaze" / "shows_with_episodes.json").read_text())


# Cast and crew in TVmaze's /shows/:id?embed[]=cast&embed[]=crew format, written by us for Silicon Valley.
SILICON_VALLEY_CAST = [
    {"person": {"id": 14245, "url": "https://www.tvmaze.com/people/14245/thomas-middleditch",
                "name": "Thomas Middleditch", "birthday": "1982-03-10",
                "image": {"medium": "https://static.tvmaze.com/uploads/images/medium_portrait/1/4481.jpg",
                          "original": "https://static.tvmaze.com/uploads/images/original_untouched/1/4481.jpg"}},
     "character": {"id": 14259, "name": "Richard Hendricks", "image": None}, "self": False, "voice": False},
    {"person": {"id": 14246, "name": "T.J. Miller", "image": None},
     "character": {"id": 14260, "name": "Erlich Bachman", "image": None}, "self": False, "voice": False},
]
SILICON_VALLEY_CREW = [
    {"type": "Creator", "person": {"id": 40950, "name": "Mike Judge", "image": None}},
    {"type": "Creator", "person": {"id": 40951, "name": "John Altschuler", "image": None}},
    {"type": "Stunt Coordinator", "person": {"id": 40999, "name": "Not Kept", "image": None}},
]


def tvmaze_routes(server: ProviderServer) -> None:
    """TVmaze's URLs for the three real shows: search, show with embeds, lookup by IMDb id (a redirect)."""
    shows = tvmaze_shows()
    for show in shows:
        full = json.loads(json.dumps(show))
        full["_embedded"]["cast"] = SILICON_VALLEY_CAST if show["id"] == 143 else []
        full["_embedded"]["crew"] = SILICON_VALLEY_CREW if show["id"] == 143 else []
        server.routes[f"/shows/{show['id']}"] = json_reply(full)
    bare = {s["id"]: {k: v for k, v in s.items() if k != "_embedded"} for s in shows}
    server.routes["/search/shows"] = json_reply([
        {"score": 0.91, "show": bare[143]}, {"score": 0.42, "show": bare[1371]}])


def tmdb_fixture(name: str) -> dict:
    return json.loads((FIXTURES / "tmdb" / name).read_text())


def tmdb_routes(server: ProviderServer) -> None:
    server.routes.update({
        "/3/search/multi": json_reply(tmdb_fixture("search_multi_inception.json")),
        "/3/movie/27205": json_reply(tmdb_fixture("movie_27205.json")),
        "/3/tv/1396": json_reply(tmdb_fixture("tv_1396.json")),
        "/3/tv/1396/season/1": json_reply(tmdb_fixture("tv_1396_season_1.json")),
        "/3/tv/1396/season/2": json_reply(tmdb_fixture("tv_1396_season_2.json")),
        "/3/find/tt1375666": json_reply(tmdb_fixture("find_tt1375666.json")),
        "/3/find/81189": json_reply(tmdb_fixture("find_tvdb_81189.json")),
    })


TMDB_401 = {"status_code": 7, "status_message": "Invalid API key: You must be granted a valid key.", "success": False}
TMDB_429 = {"status_code": 25, "status_message": "Your request count (41) is over the allowed limit of 40.",
            "success": False}
