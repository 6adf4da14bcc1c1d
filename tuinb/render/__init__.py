"""Rendering decisions without Rich or Textual: model data in, a plan of rows out.

What a cell shows (its gutter label, which output representation, folding,
notes, placeholders) and the text conversions behind it are decided here once;
the Textual view and the first frame (drawn before Textual is imported) both
draw from these plans.
"""
