"""Add a title: search the configured providers (TMDb, TVmaze), see each match with its year, type and poster,
and add one with its genres, cast, crew and episodes (core/provider_titles.py, one transaction). A match that is
already in the catalog links to it instead of offering to add it again.

Statements per render: the session check, and one lookup of which matches the catalog has (when there are
matches). Provider calls happen only on a search or an add, never on a plain rerun.
"""
import streamlit as st

from core import provider_titles, providers
from core.errors import DatabaseUnavailable, DataRuleError, PermissionDenied
from core.providers.base import ProviderError
from ui import cards, session
from ui.layout import page_header, signed_in_user

HITS = "add_title_hits"
OUTCOME = "add_title_outcome"
QUERY_MAX = 200

user = signed_in_user()
page_header("Add a title", "Find a film or series at TMDb or TVmaze and add it to the catalog with its cast, "
                           "crew and episodes.")

ready, problems = providers.configured()
for problem in problems:
    st.caption(cards.md(problem))
if not ready:
    st.info("No provider is configured, so there is nothing to search. See the notes above for what to set.",
            icon=":material/info:")
    st.stop()

labels = {p.name: p.label for p in ready}
with st.form("add_title_search"):
    query = st.text_input("Title", max_chars=QUERY_MAX, placeholder="e.g. Sacred Games")
    query_error = st.empty()
    chosen = st.radio("Search", list(labels), format_func=labels.get, horizontal=True)
    submitted = st.form_submit_button("Search", icon=":material/search:")

if submitted:
    st.session_state.pop(OUTCOME, None)
    text = " ".join(query.split())
    if not text:
        query_error.error("Type a title to search for.", icon=":material/error:")
    else:
        provider = next(p for p in ready if p.name == chosen)
        try:
            with st.spinner(f"Searching {provider.label} …"):
                hits = provider.search(text)
        except ProviderError as exc:
            st.session_state.pop(HITS, None)
            query_error.error(cards.md(exc), icon=":material/cloud_off:")
        else:
            st.session_state[HITS] = {"query": text, "provider": provider.name,
                                      "hits": [h.__dict__ for h in hits]}


def add(hit: dict) -> None:
    """Button callback: add the match; the outcome is shown above the list on this run."""
    if not session.session_still_live():  # a callback runs before the page checks the session
        st.session_state[OUTCOME] = ("error", session.SESSION_GONE, None)
        return
    try:
        result = provider_titles.add_from_provider(user["username"], hit["provider"], hit["provider_id"],
                                                   hit["media_type"])
    except (ProviderError, DataRuleError, PermissionDenied) as exc:
        st.session_state[OUTCOME] = ("error", str(exc), None)
    except DatabaseUnavailable as exc:
        st.session_state[OUTCOME] = ("error", f"Not added: {exc}", None)
    else:
        if result.created:
            episodes = f" with {result.episodes:,} episodes" if result.episodes else ""
            st.session_state[OUTCOME] = ("added", f"Added “{result.title}”{episodes}.", result.media_id)
        else:
            message = f"“{result.title}” is already in the catalog (found by {result.matched_by})."
            st.session_state[OUTCOME] = ("exists", message, result.media_id)


outcome = st.session_state.get(OUTCOME)
if outcome:
    kind, message, media_id = outcome
    if kind == "error":
        st.error(cards.md(message), icon=":material/error:")
    else:
        (st.success if kind == "added" else st.info)(cards.md(message), icon=":material/check_circle:")
        st.page_link(cards.media_page(), label="Open it", query_params={"id": str(media_id)},
                     icon=":material/movie_info:")

found = st.session_state.get(HITS)
if found:
    hits = found["hits"]
    label = labels.get(found["provider"], found["provider"])
    if not hits:
        st.info(f"{label} knows no title matching “{cards.md(found['query'])}”. Try another spelling or the "
                f"original title.", icon=":material/search_off:")
    else:
        st.caption(f"{len(hits)} match{'es' if len(hits) != 1 else ''} at {label} for “{cards.md(found['query'])}”"
                   + (" · data from TVmaze (CC BY-SA)" if found["provider"] == "tvmaze" else ""))
        known = provider_titles.known_provider_ids([(h["provider"], h["provider_id"], h["media_type"]) for h in hits])
        for i, hit in enumerate(hits):
            with st.container(border=True):
                poster_col, text_col = st.columns([1, 6])
                with poster_col:
                    cards.poster({"media_id": hit["provider_id"], "title": hit["title"],
                                  "poster_image_url": hit["poster_url"]})
                with text_col:
                    st.markdown(f"**{cards.md(hit['title'])}**")
                    st.caption(f"{hit['year'] or 'year unknown'} · {hit['media_type']}")
                    if hit["overview"]:
                        st.caption(cards.md(hit["overview"][:300] + ("…" if len(hit["overview"]) > 300 else "")))
                    media_id = known.get((hit["provider"], hit["provider_id"], hit["media_type"]))
                    if media_id:
                        st.page_link(cards.media_page(), label="In the catalog: open it",
                                     query_params={"id": str(media_id)}, icon=":material/check:")
                    else:
                        st.button("Add to the catalog", key=f"add_{i}_{hit['provider']}_{hit['provider_id']}",
                                  on_click=add, args=(hit,), icon=":material/add:")
