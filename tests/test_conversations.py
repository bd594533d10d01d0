"""The web chat's saved conversations (assistant/conversations.py): pure rules, no browser."""

from __future__ import annotations

from typing import Any

from assistant import conversations as conv

LANGS = frozenset({"en", "vi", "ko"})


def _chat(question: str, answer: str = "An answer [1].") -> list[dict[str, Any]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def test_a_chat_is_listed_once_it_has_a_message_titled_by_its_first_question() -> None:
    store = conv.empty("vi")
    assert conv.choices(conv.save(store, [], [], "vi")) == []
    store = conv.save(store, _chat("Mục tiêu thương mại &amp; đầu tư <b>2030</b>?"), [], "vi")
    assert conv.choices(store) == [("Mục tiêu thương mại & đầu tư 2030?", store["current"])]
    long = conv.save(conv.new(store), _chat("x" * 200), [], "vi")
    title = conv.choices(long)[0][0]
    assert len(title) == conv.TITLE_CHARS and title.endswith("…")


def test_saving_updates_the_current_chat_and_moves_it_first() -> None:
    store = conv.save(conv.empty(), _chat("first"), [], "en")
    first = store["current"]
    store = conv.save(conv.new(store), _chat("second"), [], "en")
    second = store["current"]
    assert [c for _, c in conv.choices(store)] == [second, first]
    store = conv.select(store, first)
    store = conv.save(store, _chat("first") + _chat("again"), [{"question": "again"}], "en")
    assert [c for _, c in conv.choices(store)] == [first, second]
    assert len(conv.current(store)["chat"]) == 4  # type: ignore[index]
    assert conv.current(store)["title"] == "first"  # type: ignore[index]


def test_rename_delete_and_clear() -> None:
    store = conv.save(conv.empty(), _chat("one"), [], "en")
    one = store["current"]
    store = conv.save(conv.new(store), _chat("two"), [], "en")
    two = store["current"]
    assert conv.rename(store, one, "   ") == store  # a blank name changes nothing
    store = conv.rename(store, one, "  Trade   targets ")
    assert dict((c, t) for t, c in conv.choices(store))[one] == "Trade targets"
    # A renamed chat keeps its name when it is saved again.
    store = conv.save(conv.select(store, one), _chat("one") + _chat("more"), [], "en")
    assert conv.choices(store)[0] == ("Trade targets", one)
    store = conv.delete(store, one)
    assert [c for _, c in conv.choices(store)] == [two] and store["current"] is None
    # Clearing the page saves an empty conversation: the chat leaves the list.
    store = conv.save(conv.select(store, two), [], [], "en")
    assert conv.choices(store) == [] and store["current"] is None


def test_the_older_one_chat_format_and_damaged_stores_migrate() -> None:
    old = {"chat": _chat("Where is APEC 2027?"), "turns": [{"question": "q"}], "lang": "ko"}
    store = conv.migrate(old, LANGS)
    assert store["lang"] == "ko" and conv.choices(store)[0][0] == "Where is APEC 2027?"
    assert conv.current(store)["turns"] == [{"question": "q"}]  # type: ignore[index]
    assert conv.migrate(store, LANGS) == store  # the new format is kept as it is
    for damaged in (None, "text", [], {"version": 2, "chats": "x", "lang": "xx"},
                    {"version": 2, "chats": [{"chat": "x"}, 5], "current": "nope"}):
        fixed = conv.migrate(damaged, LANGS)
        assert fixed["lang"] == "en" and fixed["chats"] == [] and fixed["current"] is None


def test_the_list_is_bounded() -> None:
    store = conv.empty()
    for n in range(conv.MAX_CHATS + 5):
        store = conv.save(conv.new(store), _chat(f"question {n}"), [], "en")
    titles = [t for t, _ in conv.choices(store)]
    assert len(titles) == conv.MAX_CHATS and titles[0] == f"question {conv.MAX_CHATS + 4}"


def test_server_store_keeps_each_browsers_chats_under_its_own_key(tmp_path: Any) -> None:
    keeper = conv.ServerStore(tmp_path / "chats.sqlite3", LANGS)
    held: object = None  # a browser that holds nothing yet
    store = keeper.open(held)
    assert store == conv.empty()
    held = keeper.keep(held, conv.save(store, _chat("first question"), [], "vi"))
    assert isinstance(held, dict) and set(held) == {"client"}  # only the key is in the browser
    other = keeper.keep(None, conv.save(conv.empty(), _chat("someone else"), [], "en"))
    assert other != held
    # A new process on the same file finds both, each under its own key.
    again = conv.ServerStore(tmp_path / "chats.sqlite3", LANGS)
    assert conv.choices(again.open(held))[0][0] == "first question"
    assert again.open(held)["lang"] == "vi"
    assert conv.choices(again.open(other))[0][0] == "someone else"
    # A forged or malformed key reads nothing and gets a fresh key.
    for bad in ({"client": "../../etc"}, {"client": 5}, "x"):
        assert again.open(bad) == conv.empty()
        assert again.keep(bad, conv.empty()) not in (held, other)


def test_browser_store_is_the_store_itself() -> None:
    keeper = conv.BrowserStore(LANGS)
    store = conv.save(conv.empty(), _chat("q"), [], "ko")
    assert keeper.keep(None, store) is store and keeper.open(store) == store
