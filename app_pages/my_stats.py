"""My statistics: totals, when I watch, what I watch (genres, decades, people), my ratings beside the
community's, and a year in review. Every figure is an SQL aggregate of my own rows (core.my_stats: five
statements, the same at any catalog size); the page draws them with altair in the app's theme, so they read
in the dark theme too, and stack on a phone. The chosen years live in the URL (?year=2025&review=2024)."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core import my_stats
from ui.cards import md, media_page
from ui.layout import page_header, signed_in_user
from ui.navigation import path

ALL_TIME = "All time"
GENRES_SHOWN = 12

user = signed_in_user()
page_header("My statistics", "What you watched, when, and how you rated it; and your year in review.")


def year_param(name: str) -> int | None:
    value = st.query_params.get(name)
    return int(value) if value and value.isdigit() else None


stats = my_stats.load(user["username"], year_param("year"), year_param("review"))
if stats.empty and stats.year is None:
    st.info("No watches yet. Log a watch on a title's page, tick episodes on Progress, or import your history "
            "from Letterboxd, IMDb or Trakt: your statistics start with the first one.", icon=":material/insights:")
    st.page_link(path("import"), label="Import your history", icon=":material/upload_file:")
    st.stop()

options = [ALL_TIME, *stats.years]
chosen = st.selectbox("Figures for", options, index=options.index(stats.year) if stats.year in options else 0,
                      key="stats_year")
wanted = None if chosen == ALL_TIME else chosen
if wanted != stats.year:
    if wanted is None:
        del st.query_params["year"]
    else:
        st.query_params["year"] = str(wanted)
    st.rerun()

t = stats.totals
row = st.columns(5)
row[0].metric("Films", f"{t['films']:,}", help=f"{t['film_watches']:,} film watches")
row[1].metric("Episodes", f"{t['episodes']:,}", help=f"of {t['series']:,} series")
row[2].metric("Hours", f"{t['hours']:,.0f}", help="from the runtimes of the films and episodes")
row[3].metric("Rewatches", f"{t['rewatches']:,}")
row[4].metric("Longest streak", f"{t['streak_days']:,} days", help=my_stats.streak_text(t))
if t["undated"]:
    st.caption(f"{t['undated']:,} watches have no date: they count in the totals, not in the charts by time.")


def draw(data: list[dict], chart: alt.Chart, empty: str) -> None:
    if not data or not any(r.get("watches", r.get("titles", 0)) for r in data):
        st.caption(empty)
        return
    st.altair_chart(chart, width="stretch")


left, right = st.columns(2)
with left:
    st.subheader("Watches per month")
    months = pd.DataFrame(stats.months or [{"month": "", "films": 0, "episodes": 0, "watches": 0}])
    long = months.melt(id_vars=["month"], value_vars=["films", "episodes"], var_name="kind", value_name="n")
    draw(stats.months, alt.Chart(long).mark_bar().encode(
        x=alt.X("month:O", title=None), y=alt.Y("n:Q", title="watches", stack=True),
        color=alt.Color("kind:N", title=None), tooltip=["month", "kind", "n"]).properties(height=260),
         "No dated watches in this period.")
with right:
    st.subheader("Per weekday")
    draw(stats.weekdays, alt.Chart(pd.DataFrame(stats.weekdays)).mark_bar().encode(
        x=alt.X("weekday:N", sort=my_stats.WEEKDAYS, title=None), y=alt.Y("watches:Q", title="watches"),
        tooltip=["weekday", "watches"]).properties(height=260), "No dated watches in this period.")

left, right = st.columns(2)
with left:
    st.subheader("Genres")
    genres = stats.genres[:GENRES_SHOWN]
    draw(genres, alt.Chart(pd.DataFrame(genres or [{"genre": "", "titles": 0}])).mark_bar().encode(
        y=alt.Y("genre:N", sort="-x", title=None), x=alt.X("titles:Q", title="titles"),
        tooltip=["genre", "titles"]).properties(height=alt.Step(20)), "No genres for these titles.")
with right:
    st.subheader("Decades")
    draw(stats.decades, alt.Chart(pd.DataFrame(stats.decades or [{"decade": "", "titles": 0, "sort": 0}]))
         .mark_bar().encode(x=alt.X("decade:N", sort=alt.SortField("sort"), title=None),
                            y=alt.Y("titles:Q", title="titles"), tooltip=["decade", "titles"]).properties(height=260),
         "No release years for these titles.")

st.subheader("My ratings and the community's")
st.caption("How many titles I gave each rating, beside the community's average (rounded) of the same titles.")
draw(stats.ratings, alt.Chart(pd.DataFrame(stats.ratings)).mark_bar().encode(
    x=alt.X("rating:O", title="rating"), xOffset="whose:N", y=alt.Y("titles:Q", title="titles"),
    color=alt.Color("whose:N", title=None), tooltip=["rating", "whose", "titles"]).properties(height=260),
     "No ratings yet.")

left, right = st.columns(2)
for column, heading, rows in ((left, "Top actors", stats.actors), (right, "Top directors", stats.directors)):
    with column:
        st.subheader(heading)
        if rows:
            st.dataframe(pd.DataFrame([{"Name": p["name"], "Titles": int(p["n"])} for p in rows]), hide_index=True,
                         width="stretch")
        else:
            st.caption("No cast or crew recorded for these titles.")

st.divider()
review = stats.review
if review.get("year") is None:
    st.stop()
st.header(f"{review['year']} in review")
picked = st.selectbox("Year", stats.years, index=stats.years.index(review["year"]), key="stats_review")
if picked != review["year"]:
    st.query_params["review"] = str(picked)
    st.rerun()


def title_link(row: dict, extra: str = "") -> None:
    st.page_link(media_page(), label=f"{md(row['title'])}{md(extra)}", query_params={"id": row["media_id"]})


first, last = review.get("first", [None])[0], review.get("last", [None])[0]
left, right = st.columns(2)
with left:
    st.markdown("**First watch**")
    if first:
        title_link(first, f" · {first['at']:%d %b}")
with right:
    st.markdown("**Last watch**")
    if last:
        title_link(last, f" · {last['at']:%d %b}")
sections = (("top_rated", "Top rated", lambda r: f" · {r['rating']}/10"),
            ("series", "Most-watched series", lambda r: f" · {r['n']} episodes"),
            ("favourites", "New favourites", lambda r: f" · {r['rating']}/10, first seen {r['at']:%d %b}"))
for column, (key, heading, extra) in zip(st.columns(3), sections, strict=True):
    with column:
        st.markdown(f"**{heading}**")
        rows = review.get(key, [])
        if not rows:
            st.caption(md("Nothing this year."))
        for row in rows:
            title_link(row, extra(row))
