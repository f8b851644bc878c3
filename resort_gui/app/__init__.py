"""The program as a command: ``resort-gui analyze`` (cli), file in and files out (pipeline),
the crash log."""
