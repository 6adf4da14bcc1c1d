"""The first frame: the notebook drawn without Textual or Rich while Textual loads.

Nothing here imports Textual or Rich (a test checks it): `frame` lays out the
rows from `tuinb.render`'s plans, `lines` is the low-level text layout that
must match Rich's (word wrap, a Markdown subset), `colours` reads the theme,
and `terminal` puts the frame on the terminal and hands it over to Textual.
"""
