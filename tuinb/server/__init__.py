"""A Jupyter Server and kernel gateway client: the REST API and the kernel websocket.

Gives the engine a kernel backend and the model a notebook store; no Textual,
no Rich, no zmq.
"""
