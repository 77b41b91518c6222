"""Interactive widgets for the lesson notebooks (each a thin ipywidgets layer over a pure view function)."""
