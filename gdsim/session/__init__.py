"""A run in progress, without Qt: the typed protocol between the window and the trainer, the
driver that trains in time-boxed chunks, the child-process entry point, the snapshots it sends,
the decimation shared by the history and the plots, and the run files (open a run, export it).

See docs/architecture.md for the layers and the process model.
"""
