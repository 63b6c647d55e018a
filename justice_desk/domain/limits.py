"""The bounds of the numbers a center records: what the forms take, what a center's bundle may
carry (the province refuses anything else by name, ``bad_record``: storage.sync_store.
VALUE_CHECKS), and so what every sum of them can reach. A count without a bound could be sent
as 2^31 - 1 or 2^63 - 1, and the province's monthly sums of it overflowed their columns and
stopped every import after it (docs/sync.md §5)."""

from __future__ import annotations

from justice_desk.domain.dates import BE_OFFSET
from justice_desk.domain.periods import MIN_YEAR_BE

#: The largest integer every database of the app holds in an ``Integer`` column (PostgreSQL's
#: ``integer``; SQLite's hold more): amounts in satang up to 21,474,836.47 baht.
INT32_MAX = 2**31 - 1

#: People at one activity, per column (by sex): the activities form takes 0 to this.
PARTICIPANTS_MAX = 100_000
#: An amount of money in satang (a case's value in dispute, a settlement, an instalment).
SATANG_MAX = INT32_MAX
#: Hours of one training (the form takes 0 to 2,000).
TRAINING_HOURS_MAX = 10_000
#: Votes on one agenda item, per column.
VOTES_MAX = 100_000
#: A running number within a year or a list (case and meeting numbers, agenda items, sessions,
#: instalments, versions of minutes).
NUMBER_MAX = 999_999
#: A position in a list (attendance, parties).
SORT_ORDER_MAX = 1_000_000
#: An offender's age in years (the case form's bound).
AGE_MAX = 120
#: A quorum's fraction, numerator and denominator.
QUORUM_PART_MAX = 1_000

#: Buddhist Era years a record may carry: the date fields take 1900 to 2200 CE.
YEAR_BE_RANGE = range(MIN_YEAR_BE, 2200 + BE_OFFSET + 1)
