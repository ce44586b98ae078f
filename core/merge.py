"""One title per film: a moderator merges a duplicate into the survivor in one audited transaction. Rows of
every table in db.merge.REPOINTS move (conflicts resolved by each table's rule), the duplicate's episodes the
survivor lacks move too, the survivor takes the duplicate's ids and facts where it has none, and the
duplicate is deleted. The audit triggers log every moved row with the moderator and the reason."""
from __future__ import annotations

from dataclasses import dataclass, field

from core import permissions
from db import merge as repo
from db.engine import actor_role, allow_title_merge, run_in_transaction, set_reason
from db.errors import DataRuleError, PermissionDenied


def pointing_rows(media_id: int) -> dict:
    """How many rows of each kind point at the title (what a merge would move), read outside a transaction."""
    return repo.pointing_rows(None, media_id)


@dataclass
class MergeResult:
    survivor: int
    duplicate_title: str
    episodes_moved: int = 0
    tables: dict[str, dict[str, int]] = field(default_factory=dict)


def merge_titles(actor: str, survivor: int, duplicate: int) -> MergeResult:
    for media_id in (survivor, duplicate):
        if not isinstance(media_id, int) or isinstance(media_id, bool):
            raise DataRuleError(f"There is no title with id {media_id!r:.40}.")
    if survivor == duplicate:
        raise DataRuleError("Choose two different titles: a title cannot be merged into itself.")

    def work(conn) -> MergeResult:
        if not permissions.may(actor_role(conn, actor), "edit_catalog"):
            raise PermissionDenied("Only moderators and admins may merge titles.")
        titles = repo.lock_titles(conn, survivor, duplicate)
        for media_id in (survivor, duplicate):
            if media_id not in titles:
                raise DataRuleError(f"There is no title with id {media_id}.")
        keep, gone = titles[survivor], titles[duplicate]
        if keep["media_type"] != gone["media_type"]:
            raise DataRuleError(f"“{gone['title']}” is a {gone['media_type']} and “{keep['title']}” a "
                                f"{keep['media_type']}: only two films or two series can be merged.")
        set_reason(conn, f"merge of title #{duplicate} “{gone['title']}” into #{survivor}")
        allow_title_merge(conn)  # watched episodes move; their events follow at once
        result = MergeResult(survivor, gone["title"], episodes_moved=repo.move_episodes(conn, survivor, duplicate))
        result.tables["watch_events"] = repo.move_watch_events(conn, survivor, duplicate)
        for rule in repo.REPOINTS:
            result.tables[rule.table] = repo.repoint(conn, rule, survivor, duplicate)
        repo.delete_title(conn, duplicate)
        repo.fill_survivor(conn, survivor, gone)
        return result

    return run_in_transaction(actor, work)
