"""Table editor: a paged, filtered, sorted grid of one whitelisted table; edits are previewed, then saved in one
transaction. Moderators edit the catalog tables; admins every table (never a password hash)."""
from __future__ import annotations

import hashlib
from decimal import Decimal

import pandas as pd
import streamlit as st

from core import permissions, tables
from core import table_editor as te
from core.tables import Column, Table, catalog
from core.words import plural
from ui import cards
from ui.cards import md
from ui.feedback import attempt, error_beside, show_refusal
from ui.layout import page_header, require

NO_FILTER = "(no filter)"


def column_config(table: Table, column: Column, fk_options: dict[str, dict]) -> object:
    """The grid cell for a column: a picker for foreign keys and ENUMs, typed inputs for the rest."""
    help_text = f"{column.column_type}{'' if column.nullable else ', required'}"
    if column.name in fk_options:
        fk = table.foreign_key_of(column.name)
        return st.column_config.SelectboxColumn(
            column.name, options=list(fk_options[column.name]), required=not column.nullable,
            help=f"A row of {fk.ref_table}. Not in the list? Search for it above the grid.")
    if column.enum_values:
        return st.column_config.SelectboxColumn(column.name, options=list(column.enum_values),
                                                required=not column.nullable, help=help_text)
    if column.is_bool:
        return st.column_config.CheckboxColumn(column.name, help=help_text)
    if column.is_integer:
        return st.column_config.NumberColumn(column.name, step=1, format="%d", help=help_text)
    if column.data_type in ("decimal", "float", "double"):
        return st.column_config.NumberColumn(column.name, help=help_text)
    if column.data_type == "date":
        return st.column_config.DateColumn(column.name, format="YYYY-MM-DD", help=help_text)
    if column.data_type in ("datetime", "timestamp"):
        return st.column_config.DatetimeColumn(column.name, format="YYYY-MM-DD HH:mm:ss", help=help_text)
    short = column.data_type in ("varchar", "char")
    long_text = not short or (column.max_length or 0) > 100  # descriptions and URLs: keep the grid readable
    return st.column_config.TextColumn(column.name, max_chars=column.max_length if short else None, help=help_text,
                                       width="medium" if long_text else None)


def grid_frame(table: Table, rows: list[dict], choices: dict[str, dict]) -> pd.DataFrame:
    """The page's rows as the grid shows them: foreign keys as "label · #id", decimals as floats."""
    def shown(name, value):
        if name in choices and value is not None:
            return te.option(value, choices[name].get(value, f"missing {value}"))
        return float(value) if isinstance(value, Decimal) else value
    return pd.DataFrame([{k: shown(k, r[k]) for k in table.columns} for r in rows], columns=list(table.columns))


def show_problems(problems: list[te.RowProblem]) -> None:
    for problem in problems:
        st.error(f"**{md(problem.row)}**: {md(problem.message)}")  # both may quote what was typed
    st.caption("Nothing was saved. Fix the rows named above and save again.")


def controls(table: Table) -> tuple[str | None, str, object, str, bool]:
    columns = list(table.columns)
    f1, f2, f3, f4, f5 = st.columns([2, 1.3, 2, 2, 1.3], vertical_alignment="bottom")
    filter_column = f1.selectbox("Filter on", [NO_FILTER, *columns], key=f"ed_fcol_{table.name}")
    filter_op = f2.selectbox("Match", tables.FILTER_OPS, key=f"ed_fop_{table.name}")
    filter_value = f3.text_input("Value", key=f"ed_fval_{table.name}", max_chars=200,
                                 placeholder="text to look for")
    sort = f4.selectbox("Sort by", table.sortable, index=table.sortable.index(table.primary_key[0]),
                        key=f"ed_sort_{table.name}",
                        help="Indexed columns only: a sorted page stays quick on a large table.")
    # A short word the column has room for ("Descending" was cut to "Desc…").
    descending = f5.toggle("Reverse", key=f"ed_desc_{table.name}", help="Descending order: Z to A, newest or "
                           "largest first.")
    if filter_column == NO_FILTER or not filter_value.strip():
        return None, filter_op, None, sort, descending
    value: object = filter_value.strip()
    if filter_op == "equals":
        try:
            value = te.coerce(table.column(filter_column), value)
        except te.InvalidValue as exc:
            show_refusal(f"Cannot filter: {exc}")
            st.stop()
    return filter_column, filter_op, value, sort, descending


def searches(table: Table) -> dict[str, str]:
    """One search box per foreign-key column: its matches join the picker's choices."""
    labelled = tables.label_columns(table)
    if not labelled:
        return {}
    boxes = st.columns(len(labelled))
    return {column: box.text_input(f"Find a {fk.ref_table} row for {column}", key=f"ed_find_{table.name}_{column}",
                                   max_chars=100, placeholder=f"part of the {tables.LABELS[fk.ref_table]}")
            for box, (column, fk) in zip(boxes, labelled.items(), strict=False)}


def preview(user: dict, table: Table, changes: te.ChangeSet) -> None:
    st.subheader("Check before saving")
    st.dataframe(pd.DataFrame(te.preview_rows(changes)), hide_index=True, width="stretch")
    if changes.deletes:
        cascade = te.describe_cascade(tables.cascade_summary(table.name, changes.deletes))
        st.warning(f"Deleting {plural(len(changes.deletes), 'row')} of {table.name} "
                   f"{cascade or 'removes nothing else'}." + (" This cannot be undone." if cascade else ""))
    apply_col, cancel_col = st.columns(2)
    apply = apply_col.button(f"Apply {changes.summary()}", type="primary", key="ed_apply")
    # Drawn before applying, so Cancel stays on the page when the save is refused.
    if cancel_col.button("Cancel", key="ed_cancel"):
        st.session_state.pop("ed_pending", None)
        st.rerun()
    if apply:
        def save() -> None:
            te.save(user["username"], changes)
            st.session_state.pop("ed_pending", None)
            st.session_state["ed_version"] = st.session_state.get("ed_version", 0) + 1

        try:
            attempt(save, success=f"Saved: {changes.summary()}.", where="ed_apply", rerun=True,
                    refused_note=" Nothing was saved.")
        except te.InvalidChanges as exc:  # row by row, each named
            show_problems(exc.problems)
    error_beside("ed_apply")


user = require("edit_catalog")
page_header("Table editor", "Fix the catalog without SQL: filter, sort, edit in the grid, check the preview, save.")

names = permissions.editable_tables(user["role"])
table = catalog().table(st.selectbox("Table", names, index=names.index("media") if "media" in names else 0,
                                     key="ed_table"))
filter_column, filter_op, filter_value, sort, descending = controls(table)
finds = searches(table)
view = f"{table.name}|{filter_column}|{filter_op}|{filter_value}|{sort}|{descending}"
page_no = st.session_state.get(f"ed_page_{view}", 1)

page = tables.browse(user["role"], table.name, filter_column=filter_column, filter_op=filter_op,
                     filter_value=filter_value, sort=sort, descending=descending, page=page_no)
choices = tables.fk_choices(table.name, page.rows, finds)
fk_options = {column: te.picker_options(found) for column, found in choices.items()}

st.caption(f"{tables.PAGE_SIZE} rows per page. Add a row at the bottom of the grid; select rows and press "
           "Delete to remove them.")
if not page.rows:
    st.info("No rows match. Clear the filter, or add a row at the bottom of the grid.")

version = st.session_state.get("ed_version", 0)
grid_key = "ed_grid_" + hashlib.sha1(f"{view}|{page.page}|{version}".encode()).hexdigest()[:16]
read_only = te.read_only_columns(table)
st.data_editor(
    grid_frame(table, page.rows, choices), key=grid_key, hide_index=True, width="stretch",
    num_rows="delete" if table.name in te.NO_INSERT_TABLES else "dynamic",
    disabled=sorted(read_only),
    column_config={c.name: column_config(table, c, fk_options) for c in table.columns.values()},
)
if read_only:
    st.caption(f"Kept by the server, not editable: {', '.join(sorted(read_only))}.")

cards.pager(f"ed_page_{view}", page.total, page.page_size, noun="rows", capped=page.capped)
if st.button("Save changes…", type="primary", key="ed_save"):
    st.session_state["ed_pending"] = grid_key

# The preview is computed from the grid on every run, so an edit made after "Save" shows up in it.
if st.session_state.get("ed_pending") == grid_key:
    try:
        changes = te.diff(table, page.rows, st.session_state.get(grid_key, {}), te.Decoder(fk_options))
    except te.InvalidChanges as exc:
        show_problems(exc.problems)
    else:
        if changes.is_empty():
            st.info("There are no changes to save: edit a cell, add a row or delete one first.")
        else:
            preview(user, table, changes)
