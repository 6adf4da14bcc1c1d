"""The notebook view and its row painting (Textual's Line API over cached cell blocks)."""
