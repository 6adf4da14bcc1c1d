"""The notebook document: cells, outputs, load/save, undo (no UI, no zmq)."""
