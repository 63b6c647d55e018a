"""The only PySide6 code: windows, pages, dialogs, item models and the job runner."""
