"""Sessions that outlive the terminal: a host process that owns one notebook's engine,
and a client for the UI that looks like an engine.

How the editor uses it (nothing here imports Textual or Rich):

1. ``files = launch.find_live(path)``: a live session of the notebook, or None
   (a dead host's files are removed on the way, once proven stale).
2. Live: ``attachment = launch.attach(files)`` (synchronous, before Textual is
   imported: the snapshot is the notebook with every output, so the first
   frame can show it); ``client = SessionClient(attachment.notebook,
   attachment)``. Do not offer a recovery copy then: the host has the work.
3. None: load the notebook as today, then ``starting =
   launch.start_host(path, kernel=name)`` (returns at once; the host and its
   kernel boot while Textual loads) and ``client = SessionClient(notebook,
   connect=lambda frame: launch.attach_frame(starting.wait_ready(), frame))``:
   ``client.start()``, which the app already calls after its first frame,
   connects and brings the notebook.
4. ``TuinbApp(client.notebook, engine=client)``: the client has the engine's
   surface (`tuinb.session.client.SessionClient`), plus ``save()``,
   ``end(unsaved)`` and ``detach()``; its ``events()`` also yields
   `tuinb.session.events.SessionAttached` (what happened while away) and
   `SessionLost` (taken over from another terminal, stopped, host gone).

`tuinb.session.commands` is `tuinb sessions` and the choice of session for
`tuinb attach`; `tuinb.session.host` is the host process.
"""
