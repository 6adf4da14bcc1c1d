"""Editor benchmarks: first screen, key to screen, typing, peak RSS; tuinb vs euporie and nbterm.

Every figure is taken by ``/work/shared/tools/tui_probe.py`` (a private tmux
server, 120x40, the program started behind a gate so tmux start-up is not
timed) on the notebooks ``make_notebooks.py`` writes:

- first screen of ``small.ipynb`` (5 cells), ``large.ipynb`` (1,000 cells,
  3.4 MB) and ``huge_output.ipynb`` (one 200,000-line output; + peak RSS of
  the process tree, kernel included, and of the editor process alone);
- for tuinb, whose first frame is painted before Textual has loaded: a `j`
  sent the moment that frame shows, timed until it takes effect (start to
  first key answered); key timings below start once the editor is fully up
  (the status bar shows the kernel ``(idle)``);
- tuinb's .pyc files are compiled first, as an installed package has them;
- ``j`` to screen at 1,000 cells (median of 10 presses, marker: the status
  bar's ``cell n/1000``);
- a typed character to screen in a cell at 1,000 cells (median of 10);
- tuinb's first screen in an environment where jupyter-server is installed;
- tuinb twice: as users start it (its kernel in a session host, which outlives
  the editor; tui_probe counts the host and its kernel with the editor, and
  stops them after the run) and with ``--no-detach`` (the kernel is the
  editor's child, as before sessions).

The other editors run from their own virtual environment (never the project's):

    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install euporie nbterm
    python3 -m venv /tmp/bench-js-venv && /tmp/bench-js-venv/bin/pip install . jupyter-server
    .venv/bin/python benchmarks/bench_editor.py --others /tmp/bench-venv/bin \\
        --jupyter-server-env /tmp/bench-js-venv/bin

It prints one line per measurement and a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUIET_CPU: list[str] = []
"""Extra tui_probe arguments: wait for a quieter machine, poll interval (from the options)."""

TOOLS = Path(os.environ.get("TUINB_BENCH_TOOLS", "/work/shared/tools"))
"""Where tui_probe.py and make_notebooks.py live."""

VALIDATION_LINGER_MS = 5000
"""How long RSS is still sampled after tuinb is up on the 200,000-line output."""

KEY_PRESSES = 10
"""Presses per key-to-screen measurement (the median is reported)."""


@dataclass
class Program:
    """One editor under test: how to start it and which on-screen text shows what."""

    name: str
    argv: list[str]
    """Command, the notebook path is appended."""
    huge_marker: str = "line 000000"
    j_markers: list[str] | None = None
    """Markers after the 1st, 2nd... `j` (None: this editor shows no position)."""
    edit_keys: str = "Enter"
    edit_marker: str | None = None
    """What shows that the cell is in edit mode (None: typing is not measured)."""
    env: list[str] = field(default_factory=list)
    ready_marker: str | None = None
    """What shows that the editor is fully up, kernel included (None: not known).

    tuinb paints its first frame before Textual has loaded, so key timings
    start only once this is on screen, and peak RSS is sampled until then."""


def runtime_folder() -> Path:
    """A fresh folder for one probe's session hosts (short: it holds Unix sockets)."""
    return Path(tempfile.mkdtemp(prefix="tbe", dir="/tmp"))


@dataclass
class Result:
    """One measured figure (None when the run failed)."""

    program: str
    what: str
    value: float | None
    unit: str
    note: str = ""


def probe(
    program: Program,
    notebook: Path,
    *,
    marker: str,
    steps: list[tuple[str, str]],
    runs: int,
    label: str,
    out: Path,
    timeout: float,
    linger_ms: int = 200,
) -> dict[str, Any] | None:
    """Run tui_probe once (with `runs` runs); returns its JSON summary object."""
    runtime = runtime_folder()
    try:
        return _probe(program, notebook, marker, steps, runs, label, out, timeout, linger_ms,
                      runtime)  # fmt: skip
    finally:
        # tui_probe killed every process its runs tagged (TUIPROBE_RUN), session hosts
        # and their kernels too: only their files are left
        shutil.rmtree(runtime, ignore_errors=True)


def _probe(
    program: Program,
    notebook: Path,
    marker: str,
    steps: list[tuple[str, str]],
    runs: int,
    label: str,
    out: Path,
    timeout: float,
    linger_ms: int,
    runtime: Path,
) -> dict[str, Any] | None:
    results = out / "probe.jsonl"
    before = results.read_text().count("\n") if results.exists() else 0
    command = [sys.executable, str(TOOLS / "tui_probe.py"), "--runs", str(runs)]
    command += ["--marker", marker, "--timeout", str(timeout), "--json", str(results)]
    command += ["--label", label, "--cwd", str(notebook.parent), "--linger-ms", str(linger_ms)]
    command += ["--screens", str(out / "screens" / label.replace(" ", "_")), *QUIET_CPU]
    for keys, step_marker in steps:
        command += ["--step", keys, step_marker]
    for item in program.env:
        command += ["--env", item]
    command += ["--env", f"TUINB_RUNTIME_ROOT={runtime}"]
    command += ["--", *program.argv, str(notebook)]
    (out / "screens").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(command, text=True, capture_output=True, check=False)
    print(done.stdout.rstrip())
    if done.returncode != 0 and done.stderr.strip():
        print(done.stderr.rstrip()[-2000:], file=sys.stderr)
    lines = results.read_text().splitlines() if results.exists() else []
    if len(lines) <= before:
        return None
    data: dict[str, Any] = json.loads(lines[-1])
    return data


def median(summary: dict[str, Any], key: str) -> float | None:
    """The median of one summary field, or None if no run produced it."""
    stats = summary.get("summary")
    if not isinstance(stats, dict) or key not in stats:
        return None
    entry = stats[key]
    if not isinstance(entry, dict) or not entry.get("n"):
        return None
    value = entry.get("median")
    return float(value) if isinstance(value, int | float) else None


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def step_median(summary: dict[str, Any] | None, *, skip: int = 0) -> float | None:
    """The median over the steps of every run (one key press each), after `skip` steps."""
    if not summary:
        return None
    values: list[float] = []
    for run in summary.get("runs") or []:
        steps = [e for e in run.get("events", []) if str(e.get("name", "")).startswith("step")]
        values.extend(float(e["ms"]) for e in steps[skip:] if e.get("ms") is not None)
    return _median(values)


def run_sums(summary: dict[str, Any] | None, names: tuple[str, ...]) -> float | None:
    """The median over runs of the sum of some phases (e.g. load + first step)."""
    if not summary:
        return None
    totals: list[float] = []
    for run in summary.get("runs") or []:
        times = {f"{e.get('name')}_ms": e.get("ms") for e in run.get("events", [])}
        values = [times.get(name) for name in names]
        if all(isinstance(v, int | float) for v in values):
            totals.append(sum(float(v) for v in values if v is not None))
    return _median(totals)


def editor_hwm(summary: dict[str, Any] | None) -> float | None:
    """Median over runs of the largest peak RSS of one process that is not a kernel."""
    if not summary:
        return None
    peaks: list[float] = []
    for run in summary.get("runs") or []:
        editors = [
            float(proc["hwm_mb"])
            for proc in run.get("procs", [])
            if "kernel" not in str(proc.get("cmd", "")) and proc.get("hwm_mb")
        ]
        if editors:
            peaks.append(max(editors))
    return _median(peaks)


def busy(summary: dict[str, Any] | None) -> str:
    """Median whole-machine CPU use during the runs (other work skews timings)."""
    if not summary or not isinstance(summary.get("runs"), list):
        return ""
    values = sorted(
        float(run["machine_busy_pct"])
        for run in summary["runs"]
        if run.get("machine_busy_pct") is not None
    )
    return f"machine {values[len(values) // 2]:.0f}% busy" if values else ""


def compile_bytecode(script: Path) -> None:
    """Write tuinb's .pyc files next to its sources (its __pycache__ folders).

    An installed tuinb has them (pip compiles at install), as euporie and nbterm
    in their venv do; an editable tuinb in a shell with PYTHONDONTWRITEBYTECODE
    set would otherwise compile every module from source at each start. Python
    reads existing .pyc files whatever that variable says."""
    python = script.parent / "python"
    package = subprocess.run(
        [str(python), "-c", "import tuinb, os; print(os.path.dirname(tuinb.__file__))"],
        text=True, capture_output=True, check=True,
    ).stdout.strip()  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([str(python), "-m", "compileall", "-q", package], env=env, check=True)


def measure(
    program: Program, notebooks: Path, out: Path, runs: int, *, keys_only: bool = False
) -> list[Result]:
    """Every scenario for one editor."""
    results: list[Result] = []
    small, large, huge = (notebooks / f"{n}.ipynb" for n in ("small", "large", "huge_output"))
    ready = [("", program.ready_marker)] if program.ready_marker else []
    wait = len(ready)
    for what, notebook, marker, count, cells in (
        ()
        if keys_only
        else (
            ("first screen, 5 cells", small, "MARKER_FIRST", runs, 5),
            ("first screen, 1,000 cells (3.4 MB)", large, "MARKER_FIRST", runs, 1000),
            ("first screen, 200,000-line output", huge, program.huge_marker, runs, 0),
        )
    ):
        label = f"{program.name} {what}"
        # tuinb: `j` pressed the moment the first frame shows, timed until it takes
        # effect (the editor answering keys), and for the 200,000-line output the
        # wait for the editor to be fully up, so peak RSS covers it
        steps = [("j", f"cell 2/{cells}")] if cells and ready else ready
        # tuinb has nbformat check the file once keys and kernel are quiet for 1 s
        # (a second parse of the 14 MB file): peak RSS must include it
        linger = VALIDATION_LINGER_MS if ready and notebook is huge else 200
        summary = probe(
            program, notebook, marker=marker, steps=steps, runs=count, label=label, out=out,
            timeout=90, linger_ms=linger,
        )  # fmt: skip
        value = median(summary, "load_ms") if summary else None
        results.append(Result(program.name, what, value, "ms", busy(summary)))
        if cells and ready:
            answered = run_sums(summary, ("load_ms", "step1_ms"))
            what = what.replace("first screen", "first key answered (j on the first frame)")
            results.append(Result(program.name, what, answered, "ms"))
        if notebook is huge:
            # tui_probe counts every process of the run, a session host and its kernel too
            rss = median(summary, "hwm_sum_mb") if summary else None
            results.append(Result(program.name, "peak RSS, 200,000-line output", rss, "MB"))
            editor = editor_hwm(summary)
            what = "peak RSS of the editor process alone, 200,000-line output"
            results.append(Result(program.name, what, editor, "MB"))
    if program.j_markers:
        steps = ready + [("j", marker) for marker in program.j_markers[:KEY_PRESSES]]
        summary = probe(
            program, large, marker="MARKER_FIRST", steps=steps, runs=max(1, runs // 2),
            label=f"{program.name} j", out=out, timeout=60,
        )  # fmt: skip
        value = step_median(summary, skip=wait)
        results.append(
            Result(program.name, "`j` to screen, 1,000 cells", value, "ms", busy(summary))
        )
    else:
        results.append(Result(program.name, "`j` to screen, 1,000 cells", None, "ms", "no marker"))
    if program.edit_marker:
        steps = [*ready, (program.edit_keys, program.edit_marker)]
        steps += [("lit:~", "~" * (count + 1)) for count in range(KEY_PRESSES)]
        summary = probe(
            program, large, marker="MARKER_FIRST", steps=steps, runs=max(1, runs // 2),
            label=f"{program.name} typing", out=out, timeout=60,
        )  # fmt: skip
        value = step_median(summary, skip=wait + 1)
        results.append(
            Result(
                program.name, "typed character to screen, 1,000 cells", value, "ms", busy(summary)
            )
        )
    return results


def table(results: list[Result], programs: list[str]) -> str:
    """A Markdown table: one row per measurement, one column per editor."""
    rows: dict[str, dict[str, str]] = {}
    for result in results:
        cell = "failed" if result.value is None else f"{result.value:,.0f} {result.unit}"
        if result.value is None and result.note == "no marker":
            cell = "n/a"
        rows.setdefault(result.what, {})[result.program] = cell
    lines = ["| measurement | " + " | ".join(programs) + " |"]
    lines.append("| --- |" + " ---: |" * len(programs))
    for what, cells in rows.items():
        lines.append(f"| {what} | " + " | ".join(cells.get(p, "—") for p in programs) + " |")
    return "\n".join(lines)


def main() -> int:
    """Run every scenario and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per first-screen figure")
    parser.add_argument("--tuinb", default=str(Path(sys.executable).parent / "tuinb"))
    parser.add_argument("--others", metavar="BIN", help="bin folder with euporie-notebook, nbterm")
    parser.add_argument(
        "--jupyter-server-env",
        metavar="BIN",
        help="bin folder of a venv with tuinb + jupyter-server",
    )
    parser.add_argument("--out", type=Path, help="where notebooks, screens and JSON go")
    parser.add_argument(
        "--quiet-cpu", type=float, metavar="PCT", help="wait before each run until CPU use < PCT%%"
    )
    parser.add_argument("--only", help="measure only the editors whose name contains this")
    parser.add_argument(
        "--poll-ms",
        type=float,
        default=10,
        help="how often tui_probe reads the screen (a time is read on this grid)",
    )
    parser.add_argument(
        "--keys-only", action="store_true", help="only the key-to-screen figures (no start-up)"
    )
    args = parser.parse_args()
    if args.quiet_cpu:
        QUIET_CPU[:] = ["--quiet-cpu", str(args.quiet_cpu)]
    QUIET_CPU.extend(["--poll-ms", str(args.poll_ms)])

    out = args.out or Path(tempfile.mkdtemp(prefix="bench-editor-"))
    notebooks = out / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, str(TOOLS / "make_notebooks.py"), str(notebooks)], check=True,
        capture_output=True,
    )  # fmt: skip
    status_cells = [f"cell {n}/1000" for n in range(2, 2 + KEY_PRESSES)]
    # a private data dir per run (tui_probe tags each run with TUIPROBE_RUN): the
    # recovery copy a killed run leaves must not be offered to the next run, nor
    # land in the user's own data dir
    compile_bytecode(Path(args.tuinb))
    # ... and its own session folder (the hosts a run leaves are measured, then stopped)
    private = (
        f'TUINB_DATA_DIR="{out}/data/$TUIPROBE_RUN" '
        'TUINB_RUNTIME_DIR="$TUINB_RUNTIME_ROOT/$TUIPROBE_RUN" exec "$@"'
    )
    programs = [
        Program(
            "tuinb",
            ["sh", "-c", private, "sh", args.tuinb],
            j_markers=status_cells,
            edit_marker="EDIT",
            ready_marker="(idle)",
        ),
        Program(
            "tuinb --no-detach",
            ["sh", "-c", private, "sh", args.tuinb, "--no-detach"],
            j_markers=status_cells,
            edit_marker="EDIT",
            ready_marker="(idle)",
        ),
    ]
    if args.jupyter_server_env:
        tuinb_js = Path(args.jupyter_server_env) / "tuinb"
        programs.append(
            Program(
                "tuinb (+jupyter-server)",
                ["sh", "-c", private, "sh", str(tuinb_js)],
                ready_marker="(idle)",
            )
        )
    # euporie and nbterm show no mode on screen: enter edit mode, give it half a
    # second, and time only the typed characters that follow
    other_editing: dict[str, Any] = {"edit_keys": "Enter sleep:500", "edit_marker": "MARKER_FIRST"}
    if args.others:
        euporie = Path(args.others) / "euporie-notebook"
        nbterm = Path(args.others) / "nbterm"
        if euporie.exists():
            programs.append(Program("euporie", [str(euporie)], **other_editing))
        else:
            print(f"euporie-notebook not found in {args.others}", file=sys.stderr)
        if nbterm.exists():
            programs.append(Program("nbterm", [str(nbterm)], **other_editing))
        else:
            print(f"nbterm not found in {args.others}", file=sys.stderr)
    if shutil.which("tmux") is None:
        print("tmux is needed for these benchmarks", file=sys.stderr)
        return 2
    if args.only:
        programs = [program for program in programs if args.only in program.name]
    results: list[Result] = []
    for program in programs:
        if program.name.startswith("tuinb ("):
            if args.keys_only:
                continue
            label = f"{program.name} first screen, 5 cells"
            summary = probe(
                program, notebooks / "small.ipynb", marker="MARKER_FIRST", steps=[],
                runs=args.runs, label=label, out=out, timeout=90,
            )  # fmt: skip
            value = median(summary, "load_ms") if summary else None
            results.append(
                Result(program.name, "first screen, 5 cells", value, "ms", busy(summary))
            )
            continue
        results.extend(measure(program, notebooks, out, args.runs, keys_only=args.keys_only))
    print()
    for result in results:
        shown = "failed" if result.value is None else f"{result.value:.1f} {result.unit}"
        print(f"{result.program:26} {result.what:42} {shown:>12}  {result.note}")
    print()
    print(table(results, [p.name for p in programs]))
    print(f"\nscreens and raw JSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
