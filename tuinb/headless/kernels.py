"""`tuinb kernels`: the installed kernels, as `jupyter kernelspec list` shows them, plus columns
(or, with `--server`/`--gateway-url`, those of a Jupyter server or gateway)."""

from __future__ import annotations

from collections.abc import Sequence

from tuinb.headless.terminal import Parser, say, write_table


def kernels_command() -> int:
    """Print the installed kernels (as `jupyter kernelspec list`, plus columns)."""
    from tuinb.kernel.kernelspec import find_kernel_specs
    from tuinb.kernel.provisioned import provisioner_of

    specs = find_kernel_specs()
    if not specs:
        say("tuinb kernels", "no kernel found; install one, e.g. `pip install ipykernel`.")
        return 1
    provisioners = {name: provisioner_of(spec) for name, spec in specs.items()}
    header = ["NAME", "DISPLAY NAME", "LANGUAGE"]
    if any(provisioners.values()):  # the column only when some kernel uses one
        header.append("PROVISIONER")
    rows = [[*header, "PATH"]]
    for name, spec in sorted(specs.items()):
        row = [name, spec.display_name, spec.language]
        if len(header) > 3:
            row.append(provisioners[name] or "local")
        rows.append([*row, str(spec.resource_dir)])
    write_table(rows)
    return 0


def main(argv: Sequence[str]) -> int:
    """`tuinb kernels`: list the kernels; returns the exit code."""
    parser = Parser(
        prog="tuinb kernels",
        description="List the kernels tuinb can start (the same names as "
        "`jupyter kernelspec list`), or those of a Jupyter server or kernel gateway.",
    )
    parser.add_argument("--server", metavar="URL", help="list a Jupyter server's kernels")
    parser.add_argument("--gateway-url", metavar="URL", help="list a kernel gateway's kernels")
    parser.add_argument("--token", help="their token (better: JUPYTER_TOKEN in the environment)")
    args = parser.parse_args(argv)
    from tuinb.engine.sources import gateway_url

    url = args.server or gateway_url(args.gateway_url)
    if url:
        from tuinb.headless.remote import kernels_remote

        return kernels_remote(url, token=args.token, gateway=not args.server)
    return kernels_command()
