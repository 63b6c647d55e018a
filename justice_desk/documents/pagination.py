"""Where pages may end: headings stay with what follows, signatures with the text before them.

ReportLab's own ``keepWithNext`` wraps a heading and the whole flowable after it in a
``KeepTogether``; when that pair is taller than the room left (a heading over long facts), the
pair moves to the next page and leaves the page before it mostly blank. And nothing keeps a
signature block with the text it signs, so a page could hold only the signatures.

:func:`apply_keep_rules` rewrites a story before it is laid out (``pdf.build_pdf`` calls it):

* a heading (a flowable with ``keepWithNext``) gets a ``CondPageBreak`` in front of it asking
  for its own height plus the first two lines of what follows (a whole short paragraph, the
  first row of a table, the whole of a small block), and loses the ``keepWithNext`` flag, so
  long text after it flows across the page end;
* a run of :class:`SignatureBlock` s is kept together with at least the last
  :data:`TAIL_LINES` lines of the text before it: the paragraph before is split so that only
  its last lines move with the signatures.

docs/thai-text-and-printing.md §11 describes the rules; the large-demo sweep test checks them.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from justice_desk.documents.thai_text import ThaiParagraph

__all__ = ["TAIL_LINES", "SignatureBlock", "apply_keep_rules"]

#: Lines of text kept on the page of the signatures that follow them.
TAIL_LINES = 2
# A block bigger than this share of a page is not moved whole to keep a rule.
_MOVABLE_SHARE = 0.35
_BIG = 1e6


class SignatureBlock(KeepTogether):  # type: ignore[misc]  # ReportLab ships no type hints
    """One signature (``(ลงชื่อ) …``, name, position), never split between pages."""


def _lines(flowable: ThaiParagraph, width: float) -> int:
    _w, height = flowable.wrap(width, _BIG)
    leading = float(flowable.style.leading)
    return round(height / leading) if leading > 0 else 1


def _height(flowable: Flowable, width: float) -> float:
    _w, height = flowable.wrap(width, _BIG)
    return float(height) + _space_before(flowable)


def _space_before(flowable: Flowable) -> float:
    try:
        return float(flowable.getSpaceBefore())
    except AttributeError:
        return 0.0


def _keeps_with_next(flowable: Flowable) -> bool:
    try:
        return bool(flowable.getKeepWithNext())
    except AttributeError:
        return False


def _first_part_height(flowable: Flowable, width: float, frame_height: float) -> float:
    """Height of the least of ``flowable`` that may stand under a heading."""
    if isinstance(flowable, ThaiParagraph):
        lines = _lines(flowable, width)
        keep = min(lines, TAIL_LINES)
        return keep * float(flowable.style.leading) + _space_before(flowable)
    if isinstance(flowable, Table):
        flowable.wrap(width, _BIG)
        heights = list(getattr(flowable, "_rowHeights", []) or [])
        repeat = int(getattr(flowable, "repeatRows", 0) or 0)
        first = sum(heights[: repeat + 1]) if heights else _height(flowable, width)
        return float(first) + _space_before(flowable)
    height = _height(flowable, width)
    return height if height <= frame_height * _MOVABLE_SHARE else 0.0


def _keep_headings(flowables: list[Flowable], width: float, frame_height: float) -> list[Flowable]:
    out: list[Flowable] = []
    need_after: list[float] = [0.0] * (len(flowables) + 1)
    # From the end: what a heading needs below it (a heading over a heading needs both).
    for i in range(len(flowables) - 1, -1, -1):
        f = flowables[i]
        if _keeps_with_next(f) and i + 1 < len(flowables):
            following = flowables[i + 1]
            below = (
                _height(following, width) + need_after[i + 1]
                if _keeps_with_next(following)
                else _first_part_height(following, width, frame_height)
            )
            need_after[i] = below
    for i, f in enumerate(flowables):
        if _keeps_with_next(f):
            f.__dict__["keepWithNext"] = 0
            if not (i and _keeps_with_next_marker(flowables[i - 1])):
                out.append(CondPageBreak(_height(f, width) + need_after[i]))
            f.__dict__["_kept_heading"] = True
        out.append(f)
    return out


def _keeps_with_next_marker(flowable: Flowable) -> bool:
    return bool(getattr(flowable, "_kept_heading", False))


def _text_lines(flowable: Flowable, width: float) -> int:
    if isinstance(flowable, ThaiParagraph):
        return _lines(flowable, width)
    if isinstance(flowable, Spacer | CondPageBreak):
        return 0
    return TAIL_LINES  # a table or a block: counts as enough text


def _keep_signatures(
    flowables: list[Flowable], width: float, frame_height: float
) -> list[Flowable]:
    out = list(flowables)
    i = len(out) - 1
    while i >= 0:
        if not isinstance(out[i], SignatureBlock):
            i -= 1
            continue
        end = i + 1
        start = i
        while start > 0 and isinstance(out[start - 1], SignatureBlock | Spacer):
            start -= 1
        while not isinstance(out[start], SignatureBlock):
            start += 1  # spacers before the first signature stay with the text
        # The text before: at least TAIL_LINES lines of it, splitting its last paragraph.
        tail: list[Flowable] = []
        lines = 0
        j = start - 1
        while j >= 0 and lines < TAIL_LINES:
            f = out[j]
            if isinstance(f, SignatureBlock | CondPageBreak):
                break
            if isinstance(f, ThaiParagraph):
                n = _lines(f, width)
                want = TAIL_LINES - lines
                if n > want and not _keeps_with_next_marker(f):
                    parts = f.split(width, (n - want) * float(f.style.leading))
                    if len(parts) == 2:
                        out[j] = parts[0]  # the head stays where the paragraph was
                        tail.insert(0, parts[1])
                        lines = TAIL_LINES
                        break
                lines += n
            elif not isinstance(f, Spacer):
                if _height(f, width) > frame_height * _MOVABLE_SHARE:
                    break
                lines += TAIL_LINES
            tail.insert(0, f)
            j -= 1
        # A heading just before goes along: it is kept with what follows it.
        while j >= 0 and tail and _keeps_with_next_marker(out[j]):
            tail.insert(0, out[j])
            j -= 1
        out[j + 1 : end] = _group(tail, out[start:end], width, frame_height)
        i = j
    return out


def _group(
    tail: list[Flowable], blocks: list[Flowable], width: float, frame_height: float
) -> list[Flowable]:
    """The text's tail and the signatures as one ``KeepTogether`` of plain flowables.

    ReportLab's ``KeepTogether`` reports an endless height to force a split, so one nested in
    another makes the outer one look taller than any page and always start a new page: the
    blocks are opened up instead. A group taller than a page keeps the tail with the first
    block only, and each further block together on its own.
    """
    flat: list[Flowable] = []
    for block in blocks:
        flat.extend(block._content if isinstance(block, SignatureBlock) else [block])
    if sum(_height(f, width) for f in [*tail, *flat]) <= frame_height:
        return [KeepTogether([*tail, *flat])]
    first = blocks[0]
    head = first._content if isinstance(first, SignatureBlock) else [first]
    return [KeepTogether([*tail, *head]), *blocks[1:]]


def apply_keep_rules(
    flowables: Sequence[Flowable], width: float, frame_height: float
) -> list[Flowable]:
    """The story with headings kept with what follows and signatures with the text before
    them (see the module docstring). ``width`` and ``frame_height``: the text block."""
    kept = _keep_headings(list(flowables), width, frame_height)
    return _keep_signatures(kept, width, frame_height)
