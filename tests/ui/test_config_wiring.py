"""The editor reads the user's config file: its options reach the app, its problems are shown."""

from __future__ import annotations

from pathlib import Path

from tests.ui.editor_helpers import SIZE, make_app, settle, write_notebook
from tuinb.config import parse_config


async def test_config_problems_are_shown_and_the_editor_starts(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "a = 1")])
    loaded = parse_config('recovery_interval = 5.0\n[editor]\ntab_width = "four"\n', tmp_path)
    app = make_app(path, config=loaded)
    async with app.run_test(size=SIZE) as pilot:
        assert app.config.recovery_interval == 5.0
        assert app.recovery_interval == 5.0  # the copies are written on the config's interval
        assert app.config.editor.tab_width == 4  # the bad value keeps its default

        def shown() -> list[str]:
            return [str(note.message) for note in app._notifications]

        await settle(pilot, lambda: any("tab_width" in text for text in shown()), "the warning")
        assert any("line 3" in text for text in shown())
