"""Export: everything of mine in one ZIP (CSV and JSON of each part, and a Letterboxd-style set), made on
request (six statements) and offered for download."""
import streamlit as st

from core import export
from ui.layout import page_header, signed_in_user

user = signed_in_user()
me = user["username"]
page_header("Export", "Take everything you keep here with you: one ZIP with CSV and JSON, and files Letterboxd "
                      "can import.")
st.markdown(
    "The ZIP holds your profile (never your password), ratings and reviews, watchlist, playlists, progress and "
    "friends, each as CSV (for spreadsheets) and JSON (exact values), plus `letterboxd/`: your ratings, reviews, "
    "watchlist and playlists in the CSV formats Letterboxd's importer takes. StreamSync's Import page reads the "
    "ZIP back, here or on another StreamSync.")

if st.button("Prepare my export", type="primary", key="export_make"):
    with st.spinner("Collecting your data…"):
        st.session_state["export_made"] = (me, export.build(me))
owner, made = st.session_state.get("export_made") or (None, None)
if made is not None and owner == me:
    st.success(", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in made.counts.items()),
               icon=":material/inventory_2:")
    st.download_button(f"Download {made.filename} ({len(made.data) / 1024:,.0f} KB)", made.data,
                       file_name=made.filename, mime="application/zip", key="export_download")
