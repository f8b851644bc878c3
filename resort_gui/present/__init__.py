"""What a reader sees, as pure data (no Qt): the figure, the forest plot, the flow diagram and
the results sentence."""
