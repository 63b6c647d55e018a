"""Qt's own texts in the file dialog, in the app's language.

PySide6 ships no Thai translation of Qt (no ``qtbase_th.qm``), so Qt's widget-based file dialog
would speak English to a Thai coordinator. :class:`QtTexts` is a ``QTranslator`` that answers
Qt's requests for the texts of that dialog (and the standard buttons Qt draws, OK, Cancel, Yes,
No…) from our own catalog; anything it does not know is left to Qt (``None``: Qt's English).
The print preview's save dialog (``ui/print_preview.py``) uses the widget-based dialog for this
reason; architecture.md §16 says why.

Installed once, when first needed (:func:`install`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTranslator

from justice_desk.i18n import _, language, pgettext

_installed: QtTexts | None = None


def qt_texts() -> dict[tuple[str, str], str]:
    """(Qt's context, Qt's English text) → our translation. Qt's ``%1`` stands where ours has
    ``{name}``; mnemonics (``&``) are left out, they do not fit Thai."""

    def arg(text: str) -> str:
        return text.replace("{name}", "%1")

    return {
        # The dialog itself
        ("QFileDialog", "&Look in:"): _("Look in:"),
        ("QFileDialog", "File &name:"): _("File name:"),
        ("QFileDialog", "Files of &type:"): _("File type:"),
        ("QFileDialog", "&Save"): _("Save"),
        ("QFileDialog", "&Open"): _("Open"),
        ("QFileDialog", "&Choose"): _("Choose"),
        ("QFileDialog", "Back"): _("Back"),
        ("QFileDialog", "Go back"): _("Go back"),
        ("QFileDialog", "Forward"): _("Forward"),
        ("QFileDialog", "Go forward"): _("Go forward"),
        ("QFileDialog", "Parent Directory"): _("Parent folder"),
        ("QFileDialog", "Go to the parent directory"): _("Go to the parent folder"),
        ("QFileDialog", "Create New Folder"): _("New folder"),
        ("QFileDialog", "Create a New Folder"): _("Make a new folder"),
        ("QFileDialog", "&New Folder"): _("New folder"),
        ("QFileDialog", "New Folder"): _("New folder"),
        ("QFileDialog", "List View"): _("List"),
        ("QFileDialog", "Change to list view mode"): _("Show as a list"),
        ("QFileDialog", "Detail View"): _("Details"),
        ("QFileDialog", "Change to detail view mode"): _("Show with details"),
        ("QFileDialog", "Sidebar"): _("Places"),
        ("QFileDialog", "List of places and bookmarks"): _("Places"),
        ("QFileDialog", "Files"): _("Files"),
        ("QFileDialog", "&Rename"): _("Rename"),
        ("QFileDialog", "&Delete"): _("Delete"),
        ("QFileDialog", "Show &hidden files"): _("Show hidden files"),
        ("QFileDialog", "Recent Places"): _("Recent places"),
        ("QFileDialog", "All Files (*)"): _("All files (*)"),
        # What it asks and says
        ("QFileDialog", "%1 already exists.\nDo you want to replace it?"): arg(
            _("{name} already exists.\nDo you want to replace it?")
        ),
        (
            "QFileDialog",
            "%1\nDirectory not found.\nPlease verify the correct directory name was given.",
        ): arg(_("{name}\nThere is no such folder. Check the folder's name.")),
        (
            "QFileDialog",
            "%1\nFile not found.\nPlease verify the correct file name was given.",
        ): arg(_("{name}\nThere is no such file. Check the file's name.")),
        ("QFileDialog", "'%1' is write protected.\nDo you want to delete it anyway?"): arg(
            _("“{name}” is write-protected.\nDelete it all the same?")
        ),
        ("QFileDialog", "Are you sure you want to delete '%1'?"): arg(_("Delete “{name}”?")),
        ("QFileDialog", "Could not delete directory."): _("The folder could not be deleted."),
        # The list of files
        ("QFileSystemModel", "Name"): pgettext("file list", "Name"),
        ("QFileSystemModel", "Size"): pgettext("file list", "Size"),
        ("QFileSystemModel", "Type"): pgettext("file list", "Type"),
        ("QFileSystemModel", "Kind"): pgettext("file list", "Type"),
        ("QFileSystemModel", "Date Modified"): pgettext("file list", "Date modified"),
        ("QFileSystemModel", "My Computer"): _("This computer"),
        ("QFileSystemModel", "Computer"): _("This computer"),
        ("QAbstractFileIconProvider", "Folder"): _("Folder"),
        ("QAbstractFileIconProvider", "Drive"): _("Drive"),
        ("QAbstractFileIconProvider", "File"): _("File"),
        # Standard buttons Qt labels itself
        ("QPlatformTheme", "OK"): _("OK"),
        ("QPlatformTheme", "Cancel"): _("Cancel"),
        ("QPlatformTheme", "Save"): _("Save"),
        ("QPlatformTheme", "Open"): _("Open"),
        ("QPlatformTheme", "Close"): _("Close"),
        ("QPlatformTheme", "&Yes"): _("Yes"),
        ("QPlatformTheme", "&No"): _("No"),
        ("QPlatformTheme", "Yes"): _("Yes"),
        ("QPlatformTheme", "No"): _("No"),
    }


class QtTexts(QTranslator):
    """Answers Qt's ``tr()`` for the texts in :func:`qt_texts`, in the language in force (tests
    switch languages within one process); in English it leaves Qt's own texts, mnemonics
    included."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts: dict[str, dict[tuple[str, str], str]] = {}

    def texts(self) -> dict[tuple[str, str], str]:
        lang = language()
        if lang == "en":
            return {}
        if lang not in self._texts:
            self._texts[lang] = qt_texts()
        return self._texts[lang]

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None is a null QString: "not translated here", and Qt keeps its own text. An empty
        # string would be taken as the translation.
        return self.texts().get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install() -> QtTexts | None:
    """Install the translator on the application once; returns it (None without an app)."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return None
    if _installed is None:
        _installed = QtTexts(app)
        app.installTranslator(_installed)
    return _installed
