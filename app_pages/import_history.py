"""Import: bring a history in from Letterboxd, IMDb or Trakt (or a StreamSync export). Upload, check the
preview (what the file holds, which titles it means, the ambiguous ones to choose, conflicts with a policy),
then import in batches with a progress bar and read the report. Nothing is written before the click.

The preview is built once per upload (at most seven statements) and kept in the session; choosing
candidates or a policy reruns in Python only."""
import hashlib

import streamlit as st

from core import providers
from core.errors import DatabaseUnavailable, DataRuleError
from core.history_import import SUPPORTED, Refused, preview, read_upload
from core.history_import.adding import PROVIDER_LIMIT, add_titles
from core.history_import.commit import commit
from core.history_import.preview import POLICIES
from core.history_import.source import max_upload_bytes
from ui.cards import md
from ui.layout import page_header, signed_in_user

AMBIGUOUS_SHOWN = 40
SKIP = "Skip this title"

user = signed_in_user()
me = user["username"]
page_header("Import", "Bring your history from Letterboxd, IMDb or Trakt: upload the export, check the preview, "
                      "then import.")

with st.expander("How to get your export", icon=":material/help:"):
    st.markdown(
        "- **Letterboxd**: Settings → Data → *Export your data*. Upload the ZIP as it comes, or any CSV from it "
        "(diary, ratings, reviews, watched, watchlist, a list).\n"
        "- **IMDb**: *Your ratings* → ⋯ → *Export*; a list or your watchlist → ⋯ → *Export*. Upload the CSV "
        "(exports from IMDb's sites in other languages work too).\n"
        "- **Trakt**: Settings → Data → *Export your data* (or a backup tool such as traktexport). Upload the "
        "ZIP or any of its JSON files.\n"
        "- **StreamSync**: the ZIP from another StreamSync's Export page.\n\n"
        f"Uploads may be up to {max_upload_bytes() // (1024 * 1024)} MB. Ratings become 1-10 (Letterboxd's half "
        "stars times two). Titles are matched by IMDb or TMDb id first, then by title and year.")

upload = st.file_uploader("Your export (ZIP, CSV or JSON)", key="import_file")
if upload is None:
    st.info(f"StreamSync imports {SUPPORTED}. Nothing is written until you press Import.",
            icon=":material/upload_file:")
    st.session_state.pop("import_state", None)
    st.stop()

data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()
state = st.session_state.get("import_state")
if state is None or (state["digest"], state["user"]) != (digest, me):
    state = {"digest": digest, "user": me, "name": upload.name, "refused": None, "preview": None, "report": None}
    try:
        with st.spinner("Reading the file and matching its titles…"):
            state["preview"] = preview.build(read_upload(upload.name, data), me)
    except Refused as exc:
        state["refused"] = str(exc)
    st.session_state["import_state"] = state

if state["refused"]:
    st.error(md(state["refused"]), icon=":material/block:")
    st.stop()

if state["report"]:
    report = state["report"]
    (st.warning if report.stopped else st.success)("\n\n".join(md(line) for line in report.lines()),
                                                  icon=":material/fact_check:")
    st.caption("Upload another file to import more; importing the same file again changes nothing.")
    st.stop()

seen = state["preview"]
parsed = seen.parsed
st.subheader(parsed.label)
counts = parsed.counts()
columns = st.columns(5)
for column, (kind, label) in zip(columns, [("watch", "Watches"), ("rating", "Ratings"), ("review", "Reviews"),
                                           ("watchlist", "Watchlist"), ("list_item", "List entries")],
                                 strict=True):
    column.metric(label, f"{counts[kind]:,}")
matched = seen.match_counts()
st.caption(f"{len(seen.titles):,} titles: {matched['matched by id']:,} matched by id, "
           f"{matched['matched by title']:,} by title and year, {matched['ambiguous']:,} ambiguous, "
           f"{matched['unmatched']:,} not in the catalog.")
for note in seen.notes:
    st.caption(md(note))
if seen.problems:
    with st.expander(f"{len(seen.problems):,} rows skipped", icon=":material/warning:"):
        st.text("\n".join(str(p) for p in seen.problems[:500]))

choices = {}
ambiguous = [line for line in seen.titles if line.match.status == "ambiguous"]
if ambiguous:
    st.markdown("**Which title did you mean?**")
    for index, line in enumerate(ambiguous[:AMBIGUOUS_SHOWN]):
        labels = {f"{c.title} ({c.year or '?'}, {c.media_type})": c.media_id for c in line.match.candidates}
        # The label is Markdown and the title is the file's text: escaped (the options are plain text).
        picked = st.selectbox(f"{md(line.title)} ({line.year or 'year unknown'}) · {md(line.first)}",
                              [SKIP, *labels], key=f"import_choice_{index}")
        if picked != SKIP:
            choices[line.identity] = labels[picked]
    if len(ambiguous) > AMBIGUOUS_SHOWN:
        st.caption(f"{len(ambiguous) - AMBIGUOUS_SHOWN:,} more ambiguous titles are skipped in this import.")

unmatched = [line for line in seen.titles if line.match.status == "unmatched"]
if unmatched:
    with st.expander(f"{len(unmatched):,} titles are not in the catalog and are not imported",
                     icon=":material/search_off:"):
        ready, _ = providers.configured()
        st.caption(f"Tick the ones to add to the catalog: {' and '.join(p.label for p in ready)} is asked for "
                   f"each (at most {PROVIDER_LIMIT} at once)" if ready else
                   "Tick the ones to add to the catalog. No provider (TMDb, TVmaze) is configured here, so they are "
                   "added with their title and year only, and moderators are asked to complete them.")
        table = st.data_editor(
            [{"Add": False, "Title": u.title, "Year": u.year, "In the file as": ", ".join(sorted(u.kinds)),
              "First at": u.first} for u in unmatched],
            hide_index=True, disabled=["Title", "Year", "In the file as", "First at"], key="import_unmatched")
        picked = [line for line, row in zip(unmatched, table, strict=True) if row["Add"]]
        if picked and st.button(f"Add {len(picked):,} titles to the catalog", key="import_add"):
            with st.spinner("Adding titles…"):
                added = add_titles(me, picked, parsed.label.split(" (")[0], ready)
                state["preview"] = preview.build(parsed, me)
            state["added"] = added.lines()
            st.rerun()
for line in state.get("added") or []:
    st.caption(md(line))

problems = seen.plan_problems(choices)
if problems:
    with st.expander(f"{len(problems):,} entries cannot be kept as they are", icon=":material/info:"):
        st.text("\n".join(str(p) for p in problems))

conflicts = seen.conflicts(choices)
policy = "keep_newer"
if conflicts:
    st.markdown(f"**{len(conflicts):,} titles or lists differ from what you already have**")
    policy = st.radio("When they differ", list(POLICIES), format_func=POLICIES.get, index=2, horizontal=True,
                      key="import_policy")
    st.dataframe([{"What": c.kind, "Title or list": c.title, "Yours": c.mine, "The file's": c.theirs,
                   "Yours changed": c.mine_at, "The file's date": c.theirs_at} for c in conflicts],
                 hide_index=True)

changes = seen.changes(choices, policy)
size = changes.size()
if not size:
    st.success("Nothing to import: your account already holds everything this file says (or none of its titles "
               "are in the catalog).", icon=":material/done_all:")
    st.stop()
st.markdown(f"Importing writes **{len(changes.watches):,}** watches to your diary, "
            f"**{len(changes.reviews):,}** ratings and reviews, **{len(changes.watchlist):,}** "
            f"watchlist entries and **{len(changes.playlists):,}** playlists "
            f"({sum(len(p['items']) for p in changes.playlists):,} entries).")
if st.button(f"Import {size:,} changes", type="primary", key="import_go"):
    bar = st.progress(0.0, text="Importing…")
    try:
        state["report"] = commit(seen, state["name"], data, choices, policy,
                                 progress=lambda done, total: bar.progress(done / total,
                                                                           text=f"Batch {done} of {total}"))
    except (DataRuleError, DatabaseUnavailable) as exc:
        st.error(md(f"The import could not start: {exc}"), icon=":material/error:")
        st.stop()
    st.rerun()
