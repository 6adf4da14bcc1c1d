"""The terminal UI: the only layer that imports Textual or Rich.

Where things are (read `tuinb/ui/screen/notebook_screen.py` first):

- `app` — `TuinbApp`: one notebook, and the flows that keep work safe
  (save, quit, recovery copies); `launch` starts it for the CLI.
- `screen/` — the notebook screen and everything a key does there: the
  action groups (moving, edit mode, cells, running, kernel), each with the
  host it needs; the engine bridge; frame pacing; the status bar; the palette.
- `view/` — the notebook view and its row painting: cell blocks, Rich
  renderables of outputs, the cache of finished rows.
- `editor/` — the one live cell editor (a `TextArea`) laid over its cell.
- `dialogs/` — modal screens: questions, kernel picker, stdin prompt, help.
- `firstframe/` — the first frame, drawn without Textual or Rich while
  Textual loads, and the terminal handed over to Textual after it.
- `keys` — every binding with its stable id; `themes` — theme files;
  `textual_compat` — every use of Textual's private names.

What a cell shows is decided once, Rich-free, in `tuinb.render`; the view and
the first frame both draw from it.
"""
