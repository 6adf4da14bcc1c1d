"""Headless commands: `tuinb run` (`run`, with its progress line in `progress`) and
`tuinb kernels`. No Textual, no Rich: they must work where no terminal UI can start.
"""
