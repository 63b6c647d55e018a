"""PyThaiNLP's data for the frozen app (replaces pyinstaller-hooks-contrib's ``hook-pythainlp``).

The contrib hook ships the whole corpus: 63 MB of tagger, NER and transliteration models the app
never loads. The app uses ``newmm`` word segmentation and TCC (``documents/segment.py``),
``util.normalize`` (``domain/thai_text.py``) and the digit, date and baht-text helpers. Of the
corpus those need ``words_th.txt`` (the ``newmm`` dictionary) and ``stopwords_th.txt`` (read when
``pythainlp.util`` is imported). ``justice-desk self-test`` exercises both in the built app.
"""

from PyInstaller.utils.hooks import collect_data_files

CORPUS = ["words_th.txt", "stopwords_th.txt", "corpus_license.md"]

datas = collect_data_files("pythainlp", includes=[f"corpus/{name}" for name in CORPUS])
