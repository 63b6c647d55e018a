"""Demo data: a believable center — people, network, committee, mediators, meetings with minutes,
cases of every kind at every stage, and crime-prevention activities.

Used to try the app, to train coordinators without real personal data, and to load large
databases for the benchmarks (100,000 cases in well under a minute).

- **Deterministic**: everything comes from ``random.Random`` seeded with ``seed`` and the
  database's existing record counts, so two fresh centers generated with the same seed hold the
  same names, subjects and numbers. Row keys come from the same stream, mixed with the center's
  id (the same data in two centers never shares a key, so a province can import both) and laid
  out so that keys made later sort later, which keeps index inserts cheap. The only clock read
  is ``today`` (default: the date today), the end of the two-year window; created/updated times
  are set by the storage layer.
- **Adds**: on a database that already has records it adds as many again; case and meeting
  numbers continue after the highest number of each BE year.
- **Chunked**: the register and meetings are one transaction, people in chunks, cases in chunks
  of ``chunk_size`` with all of their parties, mediators, sessions, events and settlements. A
  kill between chunks leaves whole chunks; other programs can write between them; ``progress``
  and ``cancel`` are served between chunks.
- **Rules**: every case's status is the result of its events under ``case_flow``; dispute
  matters are mediable under the rules in force unless the case was referred; dates never lie
  in the future except a planned (draft) meeting; mediators are registered and valid on the day
  they are chosen; settlements name what §30 requires; national IDs carry valid check digits
  except a few legacy records kept on purpose.

The place data is Chiang Mai (real amphoes, tambons and postcodes); texts are in
``justice_desk/data/demo/*.json``.

The package has one builder per topic over a shared :class:`~.context.DemoContext` (the random
stream, the keys, the dates, texts, rules and the center's place, what has been made so far):

============================  ==============================================================
module                        makes
============================  ==============================================================
``context``                   the context, the small records builders pass on, ``Builder``
``texts``                     the vocabulary from ``justice_desk/data/demo/*.json``
``people``                    people with their addresses, network memberships, trainings
``committee``                 committee terms and seats, registered mediators
``meetings``                  meetings, attendance, agenda, resolutions, adopted minutes
``activities``                crime-prevention activities
``plans``                     every case's kind, matter and dated steps (before any row)
``cases``                     cases, parties, mediators, sessions, events
``settlements``               agreements, instalments and payments, compliance checks
``batch``                     rows by table, writing them parents first, ``DemoSummary``
``generate``                  ``generate_demo``: the builders in order, chunks, progress
============================  ==============================================================

Only what this module exports is the API; the builders are its parts. The rows go to the
database through ``storage.demo_queries`` (this layer does not speak SQL).
"""

from justice_desk.services.demo.batch import SUMMARY_FIELD, DemoSummary
from justice_desk.services.demo.context import WINDOW_DAYS
from justice_desk.services.demo.generate import (
    CHUNK_CASES,
    CHUNK_PEOPLE,
    MIN_PEOPLE,
    PARTY_POOL_MAX,
    generate_demo,
)
from justice_desk.services.demo.people import PRIVACY_NOTICE_VERSION
from justice_desk.services.demo.texts import DemoTexts, demo_dir, load_texts

#: The summary's field for each table (the name the tests have always used).
_SUMMARY_FIELD = SUMMARY_FIELD

__all__ = [
    "CHUNK_CASES",
    "CHUNK_PEOPLE",
    "MIN_PEOPLE",
    "PARTY_POOL_MAX",
    "PRIVACY_NOTICE_VERSION",
    "SUMMARY_FIELD",
    "WINDOW_DAYS",
    "_SUMMARY_FIELD",
    "DemoSummary",
    "DemoTexts",
    "demo_dir",
    "generate_demo",
    "load_texts",
]
