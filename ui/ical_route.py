"""The iCal feed route, served beside Streamlit like the login-cookie route (ui/session_cookie.py): a calendar
app fetches /streamsync/ical/<secret>.ics with no browser session. A malformed, unknown or revoked secret
gets the same 404 as any other missing page, so the answer tells nothing about which users exist."""
from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core import ical
from db.errors import DatabaseUnavailable

log = logging.getLogger("streamsync.ical")


def routes(base_url_path: str = "") -> list[Route]:
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""

    async def feed(request: Request) -> Response:
        try:
            body = await run_in_threadpool(ical.feed_for_secret, request.path_params["secret"])
        except DatabaseUnavailable as exc:
            log.warning("iCal feed: %s", exc)
            return PlainTextResponse("The calendar is unavailable for a moment; try again later.", status_code=503)
        if body is None:
            return PlainTextResponse("Not Found", status_code=404)  # word for word Starlette's own 404
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=900",
                                 "Content-Disposition": 'inline; filename="streamsync.ics"'})

    return [Route(f"{base}/{ical.ROUTE}/{{secret}}.ics", feed, methods=["GET"])]
