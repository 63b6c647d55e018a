"""Justice Desk: registers, cases, meetings and sync for Thailand's Community Justice Centers."""

import os

__version__ = "0.1.0"


def configure_pythainlp() -> None:
    """Put PyThaiNLP in read-only, offline mode before it is first imported.

    Read-only mode stops PyThaiNLP from creating ``~/pythainlp-data`` in the user's home folder
    (a shared office laptop, possibly a roaming profile); offline mode stops it from trying to
    download corpora on a machine that is usually offline. Everything Justice Desk uses (``newmm``,
    the digit and date helpers, normalisation) needs only the data shipped inside the package.
    Done here, when the package is imported, because the domain helpers, the documents and the GUI
    all import PyThaiNLP lazily and any of them may be first.
    """
    # PyThaiNLP 5.4 raises if both the new and the deprecated variable are set.
    legacy = os.environ.pop("PYTHAINLP_READ_MODE", None)
    if legacy is not None and "PYTHAINLP_READ_ONLY" not in os.environ:
        os.environ["PYTHAINLP_READ_ONLY"] = legacy
    os.environ["PYTHAINLP_READ_ONLY"] = "1"
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


configure_pythainlp()
