"""The live cell editor: one `TextArea` laid over the cell being edited."""
