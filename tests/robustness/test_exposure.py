"""Exposure: no credentials in what users see, no other interface without saying so, local
addresses never through a proxy, and a model file changed after its check is checked again."""

from __future__ import annotations

import hashlib
import os
import types
from pathlib import Path

import pytest

from assistant import cli, llm
from assistant.config import load_settings, prepare_offline_environment, redact


def test_credentials_in_urls_are_masked_everywhere_they_are_shown() -> None:
    url = "https://alice:s3cret@llm.example.com/v1"
    assert redact(f"backend {url} failed") == "backend https://***@llm.example.com/v1 failed"
    assert redact("http://key@127.0.0.1:8000") == "http://***@127.0.0.1:8000"
    assert redact("no url here: a@b") == "no url here: a@b"
    settings = load_settings(llm="openai", openai_base_url=url, openai_api_key="k")
    assert "s3cret" not in llm.describe_backend(settings)


def test_cli_errors_never_print_a_url_password(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "http://bob:hunter2@127.0.0.1:9")
    assert cli.main(["search", "APEC"]) != 0
    err = capsys.readouterr().err
    assert "Cannot reach the Chroma server" in err and "hunter2" not in err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_serving_beyond_this_machine_needs_insecure(host: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--host", host]) == cli.EXIT_ERROR
    assert "Refusing to serve on" in capsys.readouterr().err


def test_loopback_addresses_are_local() -> None:
    assert all(cli.is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "localhost"))
    assert not any(cli.is_loopback(h) for h in ("0.0.0.0", "10.0.0.1", "::", "example.com"))


def test_local_addresses_bypass_any_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("no_proxy", "intranet.example")
    prepare_offline_environment()
    assert os.environ["NO_PROXY"] == "127.0.0.1,localhost,::1"
    assert os.environ["no_proxy"] == "intranet.example,127.0.0.1,localhost,::1"


def test_a_model_file_changed_after_its_check_is_checked_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(b"GGUF" + bytes(1000))
    good = hashlib.sha256(part.read_bytes()).hexdigest()
    monkeypatch.setattr(llm, "BUNDLED_SHA256", good)
    monkeypatch.setattr(llm, "BUNDLED_SIZE", part.stat().st_size)
    monkeypatch.setattr(llm, "BUNDLED_PARTS", 1)
    assembled: list[int] = []

    def fake_part(name: str) -> types.SimpleNamespace:
        assembled.append(1)
        return types.SimpleNamespace(get_part_path=lambda: str(part))

    monkeypatch.setattr(llm.importlib, "import_module", fake_part)
    path = llm.bundled_model_path(tmp_path)
    assert path.read_bytes() == part.read_bytes() and assembled == [1]
    assert llm.bundled_model_path(tmp_path) == path and assembled == [1]  # the marker stands
    # Corrupted in place, same size: hashed again, found wrong, assembled again.
    with path.open("r+b") as f:
        f.seek(10)
        f.write(b"\xff")
    os.utime(path, ns=(1, 1))
    assert llm.bundled_model_path(tmp_path).read_bytes() == part.read_bytes()
    assert assembled == [1, 1]
