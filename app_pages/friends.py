"""Friends: send requests (with suggestions), answer and cancel them, block and unblock, and a friend's profile
(choose a friend, or `?user=`), where they can be removed or blocked. Three statements per render with the
session check, eight with a friend's profile open."""
import streamlit as st

from core import friends
from core.errors import DataRuleError, PermissionDenied
from core.words import plural
from ui.cards import md, media_page
from ui.feedback import attempt, confirm_button, error_beside, show_refusal
from ui.layout import name_and_button, page_header, signed_in_user

user = signed_in_user()
me = user["username"]
page_header("Friends", "Your friends and requests, people you may know, and what your friends watch.")

rows = friends.overview(me)
suggested = friends.kept_suggestions(me, rows)
my_friends = [r for r in rows if r["status"] == "accepted"]
incoming = [r for r in rows if r["status"] == "pending" and not r["outgoing"]]
outgoing = [r for r in rows if r["status"] == "pending" and r["outgoing"]]
blocked = [r for r in rows if r["status"] == "blocked" and r["outgoing"]]


def who(username: str, row: dict) -> str:
    """'**user042** · First Last' for a friend, '**user042**' for anyone else (core.friends keeps their names
    back), escaped."""
    if row.get("firstname") is None:
        return f"**{md(username)}**"
    return f"**{md(username)}** · {md(row['firstname'])} {md(row['lastname'])}"


def why_suggested(person: dict) -> str:
    """'2 mutual friends · rated 3 titles like you'."""
    mutual, similar = person["mutual_friends"], person["similar_ratings"]
    parts = [f"{plural(mutual, 'mutual friend')}" if mutual else "",
             f"rated {plural(similar, 'title')} like you" if similar else ""]
    return " · ".join(part for part in parts if part)


def open_profile(username: str) -> None:
    st.query_params["user"] = username


def send_request() -> None:
    attempt(friends.send_request, me, st.session_state.get("friend_username", ""),
            success=lambda other: f"Friend request sent to {other}.", where="friend_request")


def block_by_name() -> None:
    attempt(friends.block, me, st.session_state.get("block_username", ""),
            success=lambda other: f"Blocked {other}. They can no longer send you requests or see your profile.",
            where="block_user")


def show_profile(username: str) -> None:
    if username.lower() == me.lower():
        st.info("That is you. Your own details are on the Profile page.")
        return
    try:
        person = friends.friend_profile(me, username)
    except (DataRuleError, PermissionDenied) as exc:
        show_refusal(f"{exc} Choose one of your friends instead.", icon=":material/block:")
        return
    if not person["is_friend"]:  # a stranger sees the username only, never the real name
        st.subheader(md(person["username"]))
        if person["status"] == "pending":
            st.info("A friend request between you is pending. Their lists and ratings show once you are friends.")
        else:
            st.info("You are not friends yet. Their lists and ratings show once you are.")
            st.button(f"Send {md(person['username'])} a friend request", key="profile_request",
                      on_click=attempt, args=(friends.send_request, me, person["username"]),
                      kwargs={"success": lambda other: f"Friend request sent to {other}.",
                              "where": "profile_request"})
            error_beside("profile_request")
        return
    st.subheader(f"{md(person['firstname'])} {md(person['lastname'])} ({md(person['username'])})")
    their_lists, ratings, both, mutual = person["lists"], person["ratings"], person["both"], person["mutual"]
    left, right = st.columns(2)
    with left:
        st.markdown("**Their lists**")
        if not their_lists:
            st.caption("No playlists yet.")
        for p in their_lists:
            st.markdown(f"- {md(p['name'])} · {plural(p['item_count'], 'title')}")
        st.markdown("**Mutual friends**")
        st.caption(", ".join(md(m["username"]) for m in mutual) or "No friends in common yet.")
    with right:
        title_links("Recent ratings", ratings, "No ratings yet.",
                    lambda r: f"★ {r['rating']} · {md(r['title'])} ({r['release_year'] or '?'})")
        title_links("Titles you both rated", both, "None yet.",
                    lambda r: f"{md(r['title'])}: you ★ {r['my_rating']}, them ★ {r['their_rating']}")
    friendship_controls(person["username"])


def friendship_controls(other: str) -> None:
    """Remove or block a friend, each after a confirmation, under their profile; done, the profile closes."""

    def ended(write, success: str, where: str) -> None:
        if attempt(write, me, other, success=success, where=where):
            st.query_params.pop("user", None)

    remove, block = st.columns(2)
    with remove:
        confirm_button("Remove friend…", key=f"unfriend_{other}",
                       question=f"Remove **{md(other)}** from your friends?",
                       action=lambda: ended(friends.remove, f"Removed {other} from your friends.", f"unfriend_{other}"),
                       confirm_label="Yes, remove")
    with block:
        confirm_button("Block…", key=f"block_{other}",
                       question=f"Block **{md(other)}**? You stop being friends, and neither of you can send "
                                "requests or see the other's profile until you unblock them.",
                       action=lambda: ended(friends.block, f"Blocked {other}.", f"block_{other}"),
                       confirm_label="Yes, block")


def title_links(heading: str, rows: list[dict], empty: str, label) -> None:
    """A heading, then a link to each row's title page labelled `label(row)`, or `empty`."""
    st.markdown(f"**{heading}**")
    if not rows:
        st.caption(empty)
    for r in rows:
        st.page_link(media_page(), label=label(r), query_params={"id": str(r["media_id"])})


# --- a friend's profile ------------------------------------------------------------------------------------
wanted = st.query_params.get("user", "")
friend_names = [r["other"] for r in my_friends]
options = friend_names if wanted in friend_names or not wanted else [wanted, *friend_names]
if options:
    chosen = st.selectbox("Show the profile of", options, index=options.index(wanted) if wanted else None,
                          placeholder="Choose a friend")
    if chosen and chosen != wanted:
        st.query_params["user"] = chosen
    if chosen:
        with st.container(border=True):
            show_profile(chosen)

# --- requests and friends ----------------------------------------------------------------------------------
left, right = st.columns([3, 2])
with left:
    st.subheader(f"Incoming requests ({len(incoming)})")
    if not incoming:
        st.caption("No one is waiting for an answer.")
    for r in incoming:
        line = name_and_button()
        line.markdown(who(r["other"], r), width="stretch")  # the buttons side by side at the right
        line.button("Accept", key=f"accept_{r['other']}", type="primary", on_click=attempt,
                    args=(friends.accept, me, r["other"]),
                    kwargs={"success": f"You and {r['other']} are friends now.", "where": f"incoming_{r['other']}"})
        line.button("Decline", key=f"decline_{r['other']}", on_click=attempt,
                    args=(friends.decline, me, r["other"]),
                    kwargs={"success": f"Declined {r['other']}'s request.", "where": f"incoming_{r['other']}"})
        error_beside(f"incoming_{r['other']}")

    st.subheader(f"Friends ({len(my_friends)})")
    if not my_friends:
        st.info("No friends yet. Send a request by username, or pick someone from 'People you may know'.",
                icon=":material/group_add:")
    for r in my_friends:
        # A friend is their name, which opens their profile: removing and blocking are there, as on Trakt or
        # Letterboxd. One element a friend however many there are (issue 15: a line with a Profile button was
        # three). A link to ?user= would not do: a link to the page already open does not run it again.
        st.button(who(r["other"], r), key=f"view_{r['other']}", type="tertiary", icon=":material/person:",
                  help="Open the profile", on_click=open_profile, args=(r["other"],))

    st.subheader(f"Sent requests ({len(outgoing)})")
    if not outgoing:
        st.caption("No requests waiting for others.")
    for r in outgoing:
        line = name_and_button()
        line.markdown(who(r["other"], r), width="content")
        line.button("Cancel", key=f"cancel_{r['other']}", on_click=attempt, args=(friends.cancel, me, r["other"]),
                      kwargs={"success": f"Cancelled your request to {r['other']}.", "where": f"cancel_{r['other']}"})
        error_beside(f"cancel_{r['other']}")

with right:
    st.subheader("Add a friend")
    with st.form("friend_request", clear_on_submit=True):
        st.text_input("Username", key="friend_username", placeholder="e.g. user042", max_chars=50)
        st.form_submit_button("Send request", icon=":material/person_add:", on_click=send_request)
    error_beside("friend_request")

    st.subheader("People you may know")
    if not suggested:
        st.caption("No suggestions yet: they come from your friends' friends and people who rate like you.")
    for s in suggested:
        line = name_and_button()
        line.markdown(f"{who(s['username'], s)}  \n{why_suggested(s)}", width="content")
        line.button("Add", key=f"suggest_{s['username']}", on_click=attempt,
                    args=(friends.send_request, me, s["username"]),
                    kwargs={"success": lambda other: f"Friend request sent to {other}.",
                            "where": f"suggest_{s['username']}"})
        error_beside(f"suggest_{s['username']}")

    st.subheader(f"Blocked ({len(blocked)})")
    if not blocked:
        st.caption("You have not blocked anyone.")
    for r in blocked:
        line = name_and_button()
        line.markdown(f"**{md(r['other'])}**", width="content")
        line.button("Unblock", key=f"unblock_{r['other']}", on_click=attempt,
                       args=(friends.unblock, me, r["other"]),
                       kwargs={"success": f"Unblocked {r['other']}.", "where": f"unblock_{r['other']}"})
        error_beside(f"unblock_{r['other']}")
    with st.expander("Block someone by username"):
        with st.form("block_user", clear_on_submit=True):
            st.text_input("Username", key="block_username", max_chars=50)
            st.form_submit_button("Block", icon=":material/block:", on_click=block_by_name)
        error_beside("block_user")
