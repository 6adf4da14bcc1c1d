"""One notebook + one kernel: run, queue, interrupt, restart; typed events."""
