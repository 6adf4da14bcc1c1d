"""Starting the editor on a notebook whose session is live, or not: what `open_editor` and
`tuinb attach` say before any screen is drawn (no terminal here, so they must answer
before the editor would need one)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.session.support import notebook_at, served
from tuinb import cli_attach
from tuinb.model import save
from tuinb.ui.launch import open_editor


async def test_a_session_of_another_version_is_refused_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuinb.session import server

    path = tmp_path / "nb.ipynb"
    save(notebook_at(path, "x"))
    async with served(path) as host:
        first = await host.client(notebook_at(path, "x"))
        await first.detach()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(server, "__version__", "0.0.0-other")
            code = await asyncio.to_thread(open_editor, path, kernel=None)
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("tuinb: This notebook's session runs tuinb 0.0.0-other")
    assert err.count("\n") == 1
    assert "Traceback" not in err


async def test_attach_without_a_session_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nb.ipynb"
    save(notebook_at(path, "x"))
    code = await asyncio.to_thread(cli_attach.main, [str(path)])
    assert code == 1
    err = capsys.readouterr().err
    assert "no session is running for" in err
    assert f"tuinb {path}" in err
    code = await asyncio.to_thread(open_editor, path, kernel=None, attach_only=True)
    assert code == 1


def test_the_first_frame_of_an_attached_session_shows_its_kernels_state(tmp_path: Path) -> None:
    from tuinb.ui.firstframe import frame

    notebook = notebook_at(tmp_path / "nb.ipynb", "x")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.mark_unsaved()  # outputs made while away: unsaved, shown at once
    text = "".join(part for part, _bold in frame.status_text(notebook, None, "busy"))
    assert "nb.ipynb [+]" in text
    assert "Python 3 (busy)" in text
