"""The editor's flows that keep work safe: saving, recovery copies, quitting and detaching.

Each flow is a class given the app through a typed host protocol
(`tuinb.ui.flows.host.FlowHost`), so a reader sees what it needs: the
notebook, the session (if the engine is a session host's client), questions
(`ask`), notices (`tell`).
"""
