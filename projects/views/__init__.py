"""Views of the projects app, one module per area."""
