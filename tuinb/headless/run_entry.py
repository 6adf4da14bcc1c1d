"""`tuinb run`: a local notebook on a local kernel (`tuinb.headless.run`), or a notebook on a
Jupyter server, or a local one on a gateway's kernel (`tuinb.headless.remote`).

The one parser (`tuinb.headless.run.build_parser`) serves all three, so the
options and their help are the same whatever runs the notebook.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """`tuinb run ARGS`: parse them, pick where it runs; returns the exit code."""
    from tuinb.engine.sources import gateway_url
    from tuinb.headless import run

    args = run.build_parser().parse_args(argv)
    remote = args.notebook.startswith(("http://", "https://"))
    gateway = None if remote else gateway_url(args.gateway_url)
    if not remote and not gateway:
        return run.main(argv)
    args.gateway_url = gateway
    from tuinb.headless import remote as elsewhere
    from tuinb.headless.parameters import ParametersError, from_arguments
    from tuinb.headless.terminal import say

    try:
        parameters = from_arguments(args)
    except ParametersError as exc:
        say("tuinb run", str(exc))
        return 2
    if remote:
        return elsewhere.run_remote(args, parameters)
    return elsewhere.run_on_gateway(args, parameters)
