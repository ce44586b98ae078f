"""Title cards drawn as one element: a grid (Explore, a title's similar titles) or a shelf (Home's tabs).

Why one element: every Streamlit element costs the server more than its content, and a card was four
(its column, the title link, the poster with its lines, "Log"): 96 of a page of 24 results, which made a
page's cost follow how many titles it found (issue 15: a search that fills a page at large scale drew
162-175 elements against 26-68 at demo scale). Here the cards are data for a small component of our own
(Streamlit's components v2: HTML, CSS and JS in this file, no iframe, no build step), which draws them in
the browser.

A card shows what ui.cards.media_card shows: the title (a link to its page), the poster (the generated
placeholder under it), "year · type", the rating and "Listed" when it is in one of my lists; then a note
(why it is shown) and, for a film, "Log". The browser puts every text in with textContent, so no
catalog or user text is read as HTML or Markdown; the poster's CSS `url()` values are built here
(ui.cards.poster_layers).

A click on a title or a poster opens the title page; on "Log", the film's "Log a watch" dialog. The
component reports the click as a trigger value; its callback, which Streamlit runs before the next
script run, leaves the title to open (open_pending, called by the app before any page is drawn) or the
dialog to show (ui.watching.OPEN_DIALOG), so the page the card was on is not drawn again first. A link
opened in a new tab (Ctrl, Shift, the middle button) loads the title page there as a plain link does.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui import cards, navigation
from ui.watching import OPEN_DIALOG

PENDING_OPEN = "card_grid_open"  # the title a card click asked for, opened before the next page is drawn

# Not in a shadow root (isolate_styles=False): the cards are part of the page, for find-in-page, the
# accessibility tree and the browser tests alike; so every rule is scoped under .ss-cards.
CSS = """
.ss-cards { display: grid; gap: 1rem; grid-template-columns: repeat(var(--ss-columns, 6), minmax(0, 1fr)); }
.ss-cards .ss-card { display: flex; flex-direction: column; gap: 0.35rem; min-width: 0; padding: 0.75rem;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); border-radius: 0.5rem; }
.ss-cards .ss-title { color: var(--st-primary-color); font-weight: 600; text-decoration: none;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ss-cards .ss-title:hover, .ss-cards .ss-title:focus-visible { text-decoration: underline; }
.ss-cards .ss-poster { display: block; aspect-ratio: 2 / 3; width: 100%; border-radius: 0.5rem;
  background-size: cover; background-position: center; }
.ss-cards .ss-lines { margin: 0; font-size: 0.875rem; line-height: 1.4; opacity: 0.75; overflow-wrap: anywhere; }
.ss-cards .ss-listed { align-self: flex-start; padding: 0 0.4rem; border-radius: 0.25rem; font-size: 0.8rem;
  color: var(--st-green-text-color, #177233); background: var(--st-green-background-color, rgba(33, 195, 84, 0.15)); }
.ss-cards .ss-log { margin-top: auto; padding: 0.3rem 0.5rem; font: inherit; color: inherit;
  background: transparent; border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: 0.5rem; cursor: pointer; }
.ss-cards .ss-log:hover, .ss-cards .ss-log:focus-visible { border-color: var(--st-primary-color);
  color: var(--st-primary-color); }
@media (max-width: 640px) {
  .ss-cards.ss-grid { grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem; }
  .ss-cards.ss-shelf { display: flex; overflow-x: auto; scroll-snap-type: x mandatory; padding-bottom: 0.5rem; }
  .ss-cards.ss-shelf .ss-card { flex: 0 0 40%; scroll-snap-align: start; }
  .ss-cards .ss-card { padding: 0.5rem; }
}
"""

JS = """
function plainClick(event) {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".ss-cards");
  if (!root) {
    root = element("div", "ss-cards");
    parentElement.appendChild(root);
  }
  root.className = "ss-cards ss-" + data.layout;
  root.style.setProperty("--ss-columns", String(data.columns));
  root.replaceChildren(...data.cards.map((card) => {
    const open = (event) => {
      if (plainClick(event)) {
        event.preventDefault();
        setTriggerValue("open", card.id);
      }
    };
    const box = element("div", "ss-card");
    const title = element("a", "ss-title", card.title);
    title.href = card.href;
    title.title = card.title;
    title.addEventListener("click", open);
    const poster = element("a", "ss-poster");
    poster.href = card.href;
    poster.tabIndex = -1;  // the title above it is the same link
    poster.setAttribute("role", "img");
    poster.setAttribute("aria-label", "Poster of " + card.title);
    poster.style.backgroundImage = card.poster;
    poster.addEventListener("click", open);
    const lines = element("p", "ss-lines");
    card.lines.forEach((line, i) => {
      if (i) lines.appendChild(document.createElement("br"));
      lines.appendChild(document.createTextNode(line));
    });
    box.append(title, poster, lines);
    if (card.listed) box.appendChild(element("span", "ss-listed", "Listed"));
    if (card.note) box.appendChild(element("p", "ss-lines", card.note));
    if (card.log) {
      const log = element("button", "ss-log", "Log");
      log.type = "button";
      log.title = "Log a watch of " + card.title;
      log.addEventListener("click", () => setTriggerValue("log", card.id));
      box.appendChild(log);
    }
    return box;
  }));
}
"""

_component = st.components.v2.component("streamsync_cards", css=CSS, js=JS, isolate_styles=False)


def card_data(row: dict, note: str | None = None, can_log: bool = False) -> dict:
    """What the browser needs to draw one card (plain text; it escapes nothing, it never parses it)."""
    year = row.get("release_year") or "year unknown"
    return {
        "id": int(row["media_id"]),
        "title": str(row["title"]),
        "href": f"{navigation.REGISTRY['media'].url_path}?id={int(row['media_id'])}",
        "poster": cards.poster_layers(row),
        "lines": [f"{year} · {row['media_type']}", cards.rating_text(row.get("average_rating"),
                                                                      row.get("rating_count"))],
        "listed": bool(row.get("in_my_lists")),
        "note": note or "",
        "log": can_log and row["media_type"] == "Movie",
    }


def _clicked(key: str, event: str) -> None:
    """The component's callback: remember what its click asked for (Streamlit runs it before the script)."""
    media_id = (st.session_state.get(key) or {}).get(event)
    if not isinstance(media_id, int) or isinstance(media_id, bool):
        return  # not a click of ours (the browser sends what its script sends)
    if event == "open":
        st.session_state[PENDING_OPEN] = media_id
    else:
        st.session_state[OPEN_DIALOG] = media_id


def card_grid(rows: list[dict], *, key: str, columns: int = cards.GRID_COLUMNS, layout: str = "grid",
              note: Callable[[dict], str] | None = None, log_dialog: Callable[[dict], None] | None = None) -> None:
    """The cards of `rows` in one element, under `key` (unique on its page): `layout` "grid" (rows of
    `columns`, three to a line on a phone) or "shelf" (one line, scrolling sideways on a phone).
    note(row): plain text under a card. With log_dialog, a film's card has "Log", and log_dialog(row) draws
    the dialog of the film whose "Log" was clicked while it is open (ui.watching.card_log_dialog)."""
    _component(data={"cards": [card_data(row, note(row) if note else None, log_dialog is not None) for row in rows],
                     "columns": columns, "layout": layout},
               key=key, on_open_change=lambda: _clicked(key, "open"), on_log_change=lambda: _clicked(key, "log"))
    opened = st.session_state.get(OPEN_DIALOG)
    for row in rows if log_dialog and opened is not None else ():
        if row["media_id"] == opened and row["media_type"] == "Movie":  # the cards that offer "Log"
            log_dialog(row)


def open_pending() -> None:
    """Open the title a card click asked for, before any page is drawn (after st.navigation, which the
    switch needs)."""
    media_id = st.session_state.pop(PENDING_OPEN, None)
    if media_id is not None:
        st.switch_page(navigation.registered(navigation.path("media")), query_params={"id": str(media_id)})
