"""`tuinb sessions` (list, --stop) and the choice of session for `tuinb attach`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.session.support import notebook_at, served
from tuinb.cli import main
from tuinb.model import load
from tuinb.session.commands import attach_target


async def _cli(*argv: str) -> int:
    """Run the CLI in a thread (it talks to the host served on this test's loop)."""
    return await asyncio.to_thread(main, list(argv))


async def test_no_session_is_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("sessions") == 0
    assert capsys.readouterr().out == "No tuinb sessions are running.\n"


async def test_the_list_shows_notebook_kernel_state_and_attachment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "listed.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "unsaved")
        client.run_cells(["c0"])
        await host.kernel.client.next_request(1)
        assert await _cli("sessions") == 0
        header, row = capsys.readouterr().out.splitlines()
        assert header.split() == ["NOTEBOOK", "KERNEL", "STATE", "RUNNING", "UNSAVED", "ATTACHED"]
        assert row.startswith(str(path))
        assert "Fake Kernel" in row
        assert "cell 1 for just now" in row
        assert row.split()[-2:] == ["yes", "yes"]
        await client.detach()


async def test_stop_refuses_unsaved_work_without_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dirty.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "unsaved")
        await client.detach()
        assert await _cli("sessions", "--stop", str(path)) == 1
        assert "add --save or --discard" in capsys.readouterr().err
        assert not host.core.ended.is_set()
        assert await _cli("sessions", "--stop", str(path), "--save") == 0
        assert host.core.ended.is_set()
    assert load(path).cells[0].source == "unsaved"


async def test_stop_discard_ends_without_saving(tmp_path: Path) -> None:
    path = tmp_path / "dropped.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "dropped")
        await client.detach()
        assert await _cli("sessions", "--stop", str(path), "--discard") == 0
        assert host.core.ended.is_set()
    assert not path.exists()


async def test_stopping_a_notebook_without_a_session_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _cli("sessions", "--stop", str(tmp_path / "none.ipynb")) == 1
    assert "no session is running for" in capsys.readouterr().err


def test_save_and_discard_need_stop(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sessions", "--save"])


async def test_attach_picks_the_only_session_and_refuses_to_guess(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await asyncio.to_thread(attach_target, []) == 1
    assert "no session is running" in capsys.readouterr().err
    one, two = tmp_path / "one.ipynb", tmp_path / "two.ipynb"
    async with served(one) as first:
        await first.client(notebook_at(one, "1"))
        assert await asyncio.to_thread(attach_target, []) == 1  # no info file: says so
        (first.files.info).write_text(
            f'{{"pid": 1, "notebook": "{one}", "version": "x", "started": 0}}'
        )
        assert await asyncio.to_thread(attach_target, []) == one
        assert await asyncio.to_thread(attach_target, [str(two)]) == 1
        async with served(two) as second:
            await second.client(notebook_at(two, "2"))
            assert await asyncio.to_thread(attach_target, []) == 2
            assert "2 sessions are running" in capsys.readouterr().err
            assert await asyncio.to_thread(attach_target, [str(two)]) == two
