"""An SPSS file's notes allow 80 bytes a line: the methods note is wrapped by bytes, not
characters, so curly quotes and £ signs cannot make the export fail."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from surveys.exports import note_lines

PARAGRAPHS = [
    "Who was asked: a quota sample (quota sample “Libraries journey sample”); 30 of 30 "
    "invited members answered (100%). 30 responses were sent.",
    "We must save £400,000 this year — “every” penny counts “for” “our” “libraries” here.",
]


def test_every_line_fits_in_80_bytes_and_no_word_is_lost():
    lines = note_lines(PARAGRAPHS)
    assert all(len(line.encode("utf-8")) <= 80 for line in lines)
    assert " ".join(lines).split() == " ".join(PARAGRAPHS).split()


def test_pyreadstat_takes_the_wrapped_note_but_not_the_naive_one(tmp_path):
    frame = pd.DataFrame({"q1": [1.0, 2.0]})
    pyreadstat.write_sav(frame, tmp_path / "ok.sav", note=note_lines(PARAGRAPHS))
    assert (tmp_path / "ok.sav").read_bytes()[:4] == b"$FL2"
    too_long = [PARAGRAPHS[0][:80]]  # 80 characters, more than 80 bytes
    with pytest.raises(pyreadstat.ReadstatError):
        pyreadstat.write_sav(frame, tmp_path / "bad.sav", note=too_long)


def test_a_question_that_looks_like_a_formula_is_quoted_in_the_header():
    from surveys.exports import Export, spreadsheet

    frame = pd.DataFrame({"q1": ["a"]})
    data = Export(codes=frame, labels={"q1": "=HYPERLINK(\"x\")"}, value_labels={})
    assert list(spreadsheet(data).columns) == ["'=HYPERLINK(\"x\")"]
