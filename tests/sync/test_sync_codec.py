"""Reading payloads fast (orjson) must accept and refuse exactly what the strict reader does."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_desk.sync import _codec
from justice_desk.sync.exceptions import BadPayloadError

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def both(data: bytes) -> tuple[object, object]:
    def run(parse):  # noqa: ANN001, ANN202
        try:
            return parse(data, BadPayloadError, "payload")
        except BadPayloadError:
            return "refused"

    return run(_codec.parse_canonical_object), run(_codec.parse_json_object)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_canonical_documents_read_the_same(document: dict) -> None:
    data = _codec.canonical_json(document)
    fast, strict = both(data)
    assert fast == strict == json.loads(data)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.text(max_size=6), json_values, max_size=5),
    st.sampled_from(["indent", "ascii", "unsorted"]),
)
def test_other_spellings_read_the_same(document: dict, spelling: str) -> None:
    options = {
        "indent": {"indent": 1, "ensure_ascii": False},
        "ascii": {"ensure_ascii": True},
        "unsorted": {"ensure_ascii": False},
    }[spelling]
    data = json.dumps(document, **options).encode()
    fast, strict = both(data)
    assert fast == strict


@pytest.mark.parametrize(
    "data",
    [
        b'{"records":[],"records":[]}',  # a duplicated key, canonical otherwise
        b'{"a":{"b":1,"b":2}}',
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b'{"a":1',
        b"\xff\xfe",
        b"[1,2]",
        b'{"a":"\xe0\xb8"}',  # cut in the middle of a Thai character
    ],
)
def test_what_the_strict_reader_refuses_is_refused(data: bytes) -> None:
    assert both(data) == ("refused", "refused")
