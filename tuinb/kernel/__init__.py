"""The Jupyter wire protocol on pyzmq + asyncio: kernelspecs, launching, clients."""
