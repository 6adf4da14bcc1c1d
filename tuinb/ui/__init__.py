"""The Textual application (the only layer that imports Textual or Rich)."""
