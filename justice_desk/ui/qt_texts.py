"""Qt's own texts in the file dialog and the print dialog, in the app's language.

PySide6 ships no Thai translation of Qt (no ``qtbase_th.qm``), so Qt's widget-based file dialog
would speak English to a Thai coordinator. :class:`QtTexts` is a ``QTranslator`` that answers
Qt's requests for the texts of that dialog, of the print dialog (:func:`print_dialog_texts`) and
of the standard buttons Qt draws (OK, Cancel, Yes, No…) from our own catalog; anything it does
not know is left to Qt (``None``: Qt's English). The print preview's save dialog
(``ui/print_preview.py``) uses the widget-based dialog for this reason; architecture.md §16 says
why. Its print dialog is Qt's own on Linux (translated here) and the printer driver's on Windows,
which speaks Windows' language.

Installed once, when first needed (:func:`install`).
"""

from __future__ import annotations

from collections.abc import Callable

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
        # The print dialog (Linux: Qt's own; Windows shows the printer driver's, in Windows'
        # language) and its printer properties (architecture.md §16)
        **print_dialog_texts(arg),
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


def print_dialog_texts(arg: Callable[[str], str]) -> dict[tuple[str, str], str]:
    """The visible texts of Qt's print dialog (``QPrintDialog`` on Linux), its Options part, its
    printer properties and page setup, and the messages it shows, as Qt 6 asks for them
    (context, English text). Paper names (A4, Letter / ANSI A) are left as Qt writes them."""
    order = {
        "Left to Right, Top to Bottom": _("Left to right, top to bottom"),
        "Left to Right, Bottom to Top": _("Left to right, bottom to top"),
        "Right to Left, Bottom to Top": _("Right to left, bottom to top"),
        "Right to Left, Top to Bottom": _("Right to left, top to bottom"),
        "Bottom to Top, Left to Right": _("Bottom to top, left to right"),
        "Bottom to Top, Right to Left": _("Bottom to top, right to left"),
        "Top to Bottom, Left to Right": _("Top to bottom, left to right"),
        "Top to Bottom, Right to Left": _("Top to bottom, right to left"),
    }
    dialog = {
        "&Print": _("Print"),
        "Print": _("Print"),
        "&Options >>": _("More options >>"),
        "&Options <<": _("Fewer options <<"),
        "Print to File (PDF)": _("Print to a file (PDF)"),
        "Local file": _("A file on this computer"),
        "Write PDF file": _("Writes a PDF file"),
        "Print To File ...": _("Print to a file…"),
        "All Pages": _("All pages"),
        "Odd Pages": _("Odd pages"),
        "Even Pages": _("Even pages"),
        "Invalid Pages Definition": _("The pages are not written correctly"),
        "%1 does not follow the correct syntax. Please use ',' to separate ranges and pages, "
        "'-' to define ranges and make sure ranges do not intersect with each other.": arg(
            _(
                "“{name}” cannot be read as pages. Write pages and ranges separated by commas, a "
                "range with a hyphen, for example 1,3-5; ranges may not overlap."
            )
        ),
        "%1 is a directory.\nPlease choose a different file name.": arg(
            _("{name} is a folder.\nChoose another file name.")
        ),
        "File %1 is not writable.\nPlease choose a different file name.": arg(
            _("The file {name} cannot be written.\nChoose another file name.")
        ),
        "%1 already exists.\nDo you want to overwrite it?": arg(
            _("{name} already exists.\nDo you want to replace it?")
        ),
        "Options 'Pages Per Sheet' and 'Page Set' cannot be used together.\n"
        "Please turn one of those options off.": _(
            "“Pages per sheet” and “Pages” (odd or even) cannot be used together.\n"
            "Turn one of them off."
        ),
        "Duplex Settings Conflicts": _("Two-sided printing settings conflict"),
        "There are conflicts in duplex settings. Do you want to fix them?": _(
            "The two-sided printing settings conflict. Do you want to fix them?"
        ),
        "1 (1x1)": "1 (1×1)",
        "2 (2x1)": "2 (2×1)",
        "4 (2x2)": "4 (2×2)",
        "6 (2x3)": "6 (2×3)",
        "9 (3x3)": "9 (3×3)",
        "16 (4x4)": "16 (4×4)",
        **order,
    }
    widget = {
        "Printer": _("Printer"),
        "&Name:": _("Name:"),
        "P&roperties": _("Properties"),
        "Location:": _("Location:"),
        "Type:": _("Type:"),
        "Output &file:": _("Output file:"),
        "Preview": _("Preview"),
    }
    output = {
        "Copies": _("Copies"),
        "Copies:": _("Copies:"),
        "Collate": _("Collate"),
        "Reverse": _("Last page first"),
        "Options": _("Options"),
        "Color Mode": _("Colour"),
        "Color": _("In colour"),
        "Grayscale": _("In grey"),
        "Double Sided Printing": _("Two-sided printing"),
        "Off": _("Off"),
        "Long side binding": _("Bound on the long side"),
        "Short side binding": _("Bound on the short side"),
        "Output Settings": _("Output"),
        "Print range": _("Pages to print"),
        "Print all": _("All"),
        "Pages from": _("Pages from"),
        "to": _("to"),
        "Pages": _("Pages"),
        "Current Page": _("The page shown"),
        "Selection": _("Selection"),
        "Page &Set:": _("Pages:"),
        "Specify pages or ranges separated by commas. Ranges are specified by two numbers "
        "separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.": _(
            "Pages or ranges separated by commas, a range with a hyphen: 3,5-7,9 prints pages "
            "3, 5, 6, 7 and 9."
        ),
    }
    page_setup = {
        "Paper": _("Paper"),
        "Page size:": _("Paper size:"),
        "Width:": _("Width:"),
        "Height:": _("Height:"),
        "Paper source:": _("Paper tray:"),
        "Orientation": _("Orientation"),
        "Portrait": _("Portrait"),
        "Landscape": _("Landscape"),
        "Reverse portrait": _("Portrait, upside down"),
        "Reverse landscape": _("Landscape, upside down"),
        "Margins": _("Margins"),
        "top margin": _("top margin"),
        "bottom margin": _("bottom margin"),
        "left margin": _("left margin"),
        "right margin": _("right margin"),
        "Page Layout": _("Pages per sheet"),
        "Page &order:": _("Page order:"),
        "Pages &per sheet:": _("Pages per sheet:"),
        "Millimeters (mm)": _("Millimetres (mm)"),
        "Inches (in)": _("Inches (in)"),
        "Points (pt)": _("Points (pt)"),
        "Pica (P̸)": _("Picas (P̸)"),
        "Didot (DD)": _("Didot points (DD)"),
        "Cicero (CC)": _("Ciceros (CC)"),
        "Custom": _("Custom size"),
    }
    properties = {
        "Printer Properties": _("Printer properties"),
        "Job Options": _("Print job"),
        "Page Setup Conflicts": _("Page settings conflict"),
        "There are conflicts in page setup options. Do you want to fix them?": _(
            "The page settings conflict. Do you want to fix them?"
        ),
        "Advanced Option Conflicts": _("Advanced settings conflict"),
        "There are conflicts in some advanced options. Do you want to fix them?": _(
            "Some advanced settings conflict. Do you want to fix them?"
        ),
    }
    properties_widget = {
        "Page": _("Page"),
        "Advanced": _("Advanced"),
        "There are conflicts in some options. Please fix them.": _(
            "Some settings conflict. Please fix them."
        ),
    }
    job = {
        "Job": _("Print job"),
        "Job Control": _("Print job"),
        "Scheduled &printing:": _("When to print:"),
        "Print Immediately": _("Now"),
        "Hold Indefinitely": _("Hold until released"),
        "Day (06:00 to 17:59)": _("Daytime (06.00 to 17.59)"),
        "Night (18:00 to 05:59)": _("Night (18.00 to 05.59)"),
        "Second Shift (16:00 to 23:59)": _("Second shift (16.00 to 23.59)"),
        "Third Shift (00:00 to 07:59)": _("Third shift (00.00 to 07.59)"),
        "Weekend (Saturday to Sunday)": _("Weekend (Saturday and Sunday)"),
        "Specific Time": _("At a set time"),
        "&Billing information:": _("Billing note:"),
        "Job &priority:": _("Priority:"),
        "Banner Pages": _("Cover pages"),
        "&Start:": _("Before:"),
        "&End:": _("After:"),
    }
    texts: dict[tuple[str, str], str] = {}
    for context, table in (
        ("QPrintDialog", dialog),
        ("QPrintWidget", widget),
        ("QPrintSettingsOutput", output),
        ("QPageSetupWidget", page_setup),
        ("QPrintPropertiesDialog", properties),
        ("QPrintPropertiesWidget", properties_widget),
        ("QCupsJobWidget", job),
    ):
        texts.update({(context, english): ours for english, ours in table.items()})
    # Qt asks some messages under the dialog's context and some under the properties' (they
    # moved between versions): both answer.
    for english in ("Duplex Settings Conflicts", "Printer Properties", "Job Options"):
        mine = dialog.get(english) or properties[english]
        texts[("QPrintDialog", english)] = texts[("QPrintPropertiesDialog", english)] = mine
    texts[("QPrintDialog", "There are conflicts in duplex settings. Do you want to fix them?")] = (
        dialog["There are conflicts in duplex settings. Do you want to fix them?"]
    )
    texts[("QPrintPreviewDialog", "Page Setup")] = _("Page setup")
    return texts


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
