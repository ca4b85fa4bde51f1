"""The training engine: pure NumPy, no Qt, no file I/O of its own."""
