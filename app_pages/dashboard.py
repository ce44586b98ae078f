"""Dashboard: how the instance is doing at a glance. Every figure is an SQL aggregate (db.dashboard);
the page only draws them with altair. The figures are kept for a few minutes: on a large instance the
aggregates read millions of rows (seconds), and a dashboard need not be newer than that."""
from __future__ import annotations

from datetime import datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from core import dashboard, permissions
from ui.layout import page_header, require

FRESH_FOR = timedelta(minutes=5)


@st.cache_data(ttl=FRESH_FOR, show_spinner="Computing the figures…")
def cached_figures(role: str, database: str) -> tuple[dashboard.Figures, datetime]:
    """The figures for a role on a database (both in the key: moderators see fewer), and when they were made."""
    return dashboard.figures(role), datetime.now()


def nonzero(data: list[dict]) -> list[dict]:
    """The series as it is when any count is non-zero, else empty (so the page says so instead of a flat line)."""
    return data if any(row["n"] for row in data) else []


# Bars over time span their day (or week): on a plain temporal axis one day of data drew as a hairline.
DAY_AXIS = alt.X("day:T", timeUnit="yearmonthdate", title=None)


def chart(data: list[dict], mark: str, x: alt.X, y: alt.Y, empty: str, **encode) -> None:
    """Draw one chart, or say plainly that there is nothing to draw yet."""
    if not data:
        st.info(empty)
        return
    base = alt.Chart(pd.DataFrame(data))
    # A bar per name (genres, users, titles) gets a fixed step each, so every name has room for its label.
    height = alt.Step(20) if str(y.shorthand).endswith(":N") else 260
    drawn = getattr(base, f"mark_{mark}")().encode(x=x, y=y, **encode).properties(height=height)
    st.altair_chart(drawn, width="stretch")


user = require("view_dashboard")
full = permissions.may(user["role"], "view_activity_all")
page_header("Dashboard", "Totals, trends and top lists, computed in the database." +
            ("" if full else " Moderators see the catalog and reviews; account figures are for admins."))

figures, made_at = cached_figures(user["role"], dashboard.cache_key())
t = figures.totals
stamp, refresh = st.columns([4, 1], vertical_alignment="center")
stamp.caption(f"Figures as of {made_at:%H:%M:%S}; they refresh every {FRESH_FOR.seconds // 60} minutes.")
if refresh.button("Refresh now", key="dash_refresh"):
    cached_figures.clear()
    st.rerun()

row = st.columns(4)
row[0].metric("Titles", f"{t['movies'] + t['series']:,}", help=f"{t['movies']:,} films, {t['series']:,} series")
row[1].metric("Episodes", f"{t['episodes']:,}")
row[2].metric("Reviews", f"{t['reviews']:,}")
row[3].metric("Lists", f"{t['playlists']:,} playlists", help=f"{t['watchlist_items']:,} watchlist entries")
row = st.columns(4)
row[0].metric("Films", f"{t['movies']:,}")
row[1].metric("Series", f"{t['series']:,}")
row[2].metric("Genres", f"{t['genres']:,}")
row[3].metric("People", f"{t['people']:,}")
if full:
    row = st.columns(4)
    row[0].metric("Users", f"{t['users_user'] + t['users_moderator'] + t['users_admin']:,}")
    row[1].metric("Viewers", f"{t['users_user']:,}")
    row[2].metric("Moderators", f"{t['users_moderator']:,}")
    row[3].metric("Admins", f"{t['users_admin']:,}")

left, right = st.columns(2)
with left:
    st.subheader(f"Reviews per day ({dashboard.REVIEW_DAYS} days)")
    chart(nonzero(figures.reviews_per_day), "bar", DAY_AXIS, alt.Y("n:Q", title="reviews"),
          f"No reviews in the last {dashboard.REVIEW_DAYS} days"
          + (f" (the latest was written on {t['last_review']:%Y-%m-%d})." if t["last_review"] else "."),
          tooltip=["day:T", "n:Q"])
with right:
    st.subheader("Ratings given")
    chart(nonzero(figures.ratings), "bar", alt.X("rating:O", title="rating"), alt.Y("n:Q", title="reviews"),
          "No ratings yet.", tooltip=["rating:O", "n:Q"])

if full:
    left, right = st.columns(2)
    with left:
        st.subheader(f"Sign-ups per week ({dashboard.SIGNUP_WEEKS} weeks)")
        chart(figures.signups_per_week, "bar", alt.X("week:T", timeUnit="yearweek", title="week of"),
              alt.Y("n:Q", title="new users"),
              "No sign-ups in this period.", tooltip=["week:T", "n:Q"])
    with right:
        st.subheader("Most active users")
        st.caption("Reviews written plus titles on their watchlist.")
        chart(figures.active_users, "bar", alt.X("n:Q", title="reviews + list entries"),
              alt.Y("username:N", sort="-x", title=None), "Nobody has reviewed or listed anything yet.",
              tooltip=["username:N", "reviews:Q", "list_entries:Q"])

left, right = st.columns(2)
with left:
    st.subheader("Genres by number of titles")
    chart([g for g in figures.genres if g["titles"]], "bar", alt.X("titles:Q", title="titles"),
          alt.Y("genre:N", sort="-x", title=None),
          "No genres yet: add some in the Table editor.", tooltip=["genre:N", "titles:Q", "avg_rating:Q"])
with right:
    st.subheader("Genres by average rating")
    rated = [g for g in figures.genres if g["avg_rating"] is not None]
    chart([{**g, "avg_rating": float(g["avg_rating"])} for g in rated], "bar",
          alt.X("avg_rating:Q", title="average rating of its titles", scale=alt.Scale(domain=[0, 10])),
          alt.Y("genre:N", sort="-x", title=None), "No rated titles in any genre yet.",
          tooltip=["genre:N", "avg_rating:Q", "titles:Q"])

left, right = st.columns(2)
with left:
    st.subheader("Most rated titles")
    chart(figures.most_reviewed, "bar", alt.X("n:Q", title="ratings"), alt.Y("title:N", sort="-x", title=None),
          "No title has a rating yet.", tooltip=["title:N", "n:Q"])
with right:
    st.subheader(f"Changes per table per day ({dashboard.ACTIVITY_DAYS} days)")
    chart(figures.activity, "bar", DAY_AXIS, alt.Y("n:Q", title="changes"),
          "No changes recorded in this period.", color=alt.Color("table_name:N", title="table"),
          tooltip=["day:T", "table_name:N", "n:Q"])
