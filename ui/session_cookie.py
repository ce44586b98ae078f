"""The login cookie, set by a small HTTP route served beside Streamlit (st.App) so it can be HttpOnly.

A Streamlit script talks to the browser over a websocket and cannot send a Set-Cookie header
(st.context.cookies only reads). So after a login the script hands the browser a one-time code (valid
for 60 seconds, usable once); a few lines of JavaScript POST it to /streamsync/session, and this route
answers with `Set-Cookie: streamsync_session=<token>; HttpOnly; SameSite=Strict; Path=/` (plus Secure
over https). The token itself never appears in the page, and page scripts can never read the cookie.
Logout DELETEs the same route to clear it. Streamlit reads the cookie back from the websocket handshake
(st.context.cookies) on every new page load. See docs/cookies.md.

This module is plain Starlette plus a small in-process store; streamlit_app.py mounts it with st.App.
"""
from __future__ import annotations

import json
import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.sessions import SESSION_DAYS

COOKIE_NAME = "streamsync_session"
ROUTE = "streamsync/session"  # relative to server.baseUrlPath; the browser resolves it against the page
CODE_SECONDS = 60
MAX_AGE = SESSION_DAYS * 24 * 3600

_codes: dict[str, tuple[str, float]] = {}  # one-time code -> (session token, expiry on time.monotonic())
_codes_lock = threading.Lock()


def issue_code(token: str) -> str:
    """A one-time code the browser exchanges for the cookie carrying `token`."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _codes_lock:
        for stale in [c for c, (_, expiry) in _codes.items() if expiry <= now]:
            del _codes[stale]
        _codes[code] = (token, now + CODE_SECONDS)
    return code


def redeem_code(code: str) -> str | None:
    """The token behind `code`, once, while the code is fresh."""
    with _codes_lock:
        found = _codes.pop(code, None)
    if found is None or found[1] <= time.monotonic():
        return None
    return found[0]


def _scheme(request: Request) -> str:
    """The scheme the browser used: https when the request came over TLS directly or through a proxy."""
    return "https" if request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https" \
        else "http"


def _same_origin(request: Request) -> bool:
    """Only the app's own pages may set or clear the cookie (a cross-site form or fetch carries another
    Origin; browsers always send Origin on POST and DELETE). The scheme counts too: https://host is
    another origin than http://host."""
    origin, host = request.headers.get("origin"), request.headers.get("host")
    if not origin or not host:
        return False
    # The whole serialised origin, compared as a string (browsers send exactly scheme://host[:port]): a URL
    # parser forgives what a browser never sends (spaces, user info, a fragment), and "null" is no origin.
    return origin.lower() == f"{_scheme(request)}://{host.lower()}"


def _cookie(value: str, max_age: int, request: Request, path: str) -> str:
    secure = _scheme(request) == "https"
    return (f"{COOKIE_NAME}={value}; Max-Age={max_age}; Path={path}; HttpOnly; SameSite=Strict"
            + ("; Secure" if secure else ""))


def routes(base_url_path: str = "") -> list[Route]:
    """The cookie route under Streamlit's server.baseUrlPath."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    cookie_path = base + "/"

    async def session_cookie(request: Request) -> Response:
        if not _same_origin(request):
            return JSONResponse({"error": "Cross-site request refused."}, status_code=403)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        if request.method == "DELETE":
            response.headers.append("Set-Cookie", _cookie("", 0, request, cookie_path))
            return response
        try:
            code = json.loads(await request.body())["code"]
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "Send {\"code\": ...}."}, status_code=400)
        token = redeem_code(code) if isinstance(code, str) else None
        if token is None:
            return JSONResponse({"error": "This login code is unknown or used; log in again."}, status_code=400)
        response.headers.append("Set-Cookie", _cookie(token, MAX_AGE, request, cookie_path))
        return response

    return [Route(f"{base}/{ROUTE}", session_cookie, methods=["POST", "DELETE"])]


def set_script(code: str) -> str:
    """The JavaScript that exchanges `code` for the cookie (the code is URL-safe base64: safe in JSON)."""
    return ("<script>fetch(new URL(" + json.dumps(ROUTE) + ", document.baseURI), {method: 'POST', "
            "credentials: 'same-origin', headers: {'Content-Type': 'application/json'}, body: "
            + json.dumps(json.dumps({"code": code})) + "});</script>")


def clear_script() -> str:
    return ("<script>fetch(new URL(" + json.dumps(ROUTE) + ", document.baseURI), {method: 'DELETE', "
            "credentials: 'same-origin'});</script>")
