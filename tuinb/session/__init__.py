"""Sessions that outlive the terminal: a host process that owns one notebook's engine,
and a client for the UI that looks like an engine (issue: detach and attach).
"""
