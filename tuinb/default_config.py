"""The documented default config file that `tuinb config` prints and `--write` saves.

Apart from `tuinb.config` because only `tuinb config` needs it: the editor
reads the file at every start, and writing the template out of the
declarations' docstrings (`inspect`/`ast`, through `tuinb.tomltext`) is no
part of reading it. The template is made from the same dataclasses, so the
file a user starts from and the options tuinb reads never drift apart.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tuinb import paths
from tuinb.config import SECTIONS, Config
from tuinb.sanitize import printable
from tuinb.tomltext import attribute_docs, comment, literal

__all__ = ["default_config_text"]


_HEADER = """\
# tuinb configuration file.
#
# tuinb reads this file at start ({path}; the
# TUINB_CONFIG_FILE environment variable names another). Every option is
# shown with its default; delete the ones you do not change. A wrong key or
# value is reported (file, line, key) and that option keeps its default.
"""

_KEYS_NOTE = """\
# Remap keys by binding id: the id's keys are replaced by the ones given.
# The ids are listed in the editor's help (`?` or f1) and in the README.
# A key bound twice in one mode is reported with both ids.
#
# "cell.run" = ["ctrl+r", "ctrl+j"]
# "notebook.save" = "ctrl+s"
"""


def _table_lines(cls: type[Any], instance: Any) -> list[str]:
    docs = attribute_docs(cls)
    out: list[str] = []
    for spec in dataclasses.fields(cls):
        if spec.name in SECTIONS or spec.name == "keys":
            continue
        out += comment(docs.get(spec.name, ""))
        out.append(f"{spec.name} = {literal(getattr(instance, spec.name))}")
        out.append("")
    return out


def default_config_text(path: Path | None = None) -> str:
    """The documented default file: every option with its default and its docstring.

    Parses back to `Config()` (a test checks it).
    """
    shown = printable(str(paths.config_file() if path is None else path))
    defaults = Config()
    out = [_HEADER.format(path=shown)]
    out += _table_lines(Config, defaults)
    section_docs = attribute_docs(Config)
    for name, cls in SECTIONS.items():
        out += comment(cls.__doc__ or section_docs.get(name, ""))
        out.append(f"[{name}]")
        out.append("")
        out += _table_lines(cls, getattr(defaults, name))
    out.append("[keys]")
    out.append(_KEYS_NOTE)
    return "\n".join(out).rstrip("\n") + "\n"
