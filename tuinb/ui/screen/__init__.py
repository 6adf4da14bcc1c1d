"""The notebook screen and its actions: what each key does, and to what.

`NotebookScreen` composes the parts and is where Textual delivers keys and
engine messages; the work is done by action groups, one per thing acted on,
each told by a typed host protocol what it needs from the screen.
"""
