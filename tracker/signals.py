"""Signal handlers: keep derived data in step with editors' changes."""
