"""Files the program writes: the CSV contract of ``analyze``, atomically and formula-safe."""
