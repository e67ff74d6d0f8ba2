"""Step 2b of an import: what the file's answers mean. PURE. After the columns are chosen, each
profile-question column (and the ward column) may hold answers that are not the question's
own: "M" for Male, "Asian or Asian British: Pakistani" for Pakistani, "1" and "2". The officer
says what each one means on the values page; we suggest what is obvious.

- ``distinct_values(table, column)``: the different answers in a column, first seen first
  (compared loosely: "M" and " m" are one answer).
- ``guess_value(value, categories)``: the category an answer obviously means, or None;
  ``guess_values`` adds numbered answers (1, 2, ...) when the whole column is numbered.
- ``unknown_values(table, mapping, reference)``: per column, the answers that are not already a
  category's key or label, with their guesses (at most ``SHOWN_VALUES`` each).
- ``parse_value_choices(params, table, mapping, reference)``: the officer's choices, sent as
  ``value_<column>_<n>=<category key>`` (``n``: the answer's place in ``distinct_values``), as
  ``ValueChoices`` for ``validate``. ``BLANK`` means "leave it blank (not answered)".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from panel.imports.mapping import DIMENSION_PREFIX, CategoryRef, Reference, norm_text
from panel.imports.read import Table

BLANK = "_blank"  # the officer's choice: treat this answer as not answered
SHOWN_VALUES = 50  # answers listed per column on the values page
WARD_FIELD = "ward"
PARAM = re.compile(r"value_(\d{1,4})_(\d{1,7})")

def value_key(value: str) -> str:
    """How answers are compared: loosely ("M", "m ", "m." are one answer); an answer of only
    punctuation ("-", "?") is compared as it is."""
    text = str(value).strip()
    return norm_text(text) or " ".join(text.split()).lower()


# field key -> loose answer (``value_key``) -> category key or BLANK
ValueChoices = dict[str, dict[str, str]]

PREFER_NOT = frozenset(value_key(v) for v in (
    "prefer not to say", "pnts", "prefer not to answer", "prefer not to disclose",
    "rather not say", "would rather not say", "i would rather not say", "rather not answer",
    "don't want to say", "do not want to say", "dont want to say", "not want to say",
    "declined to say", "declined to answer", "refused to say", "prefer not say"))
NOT_ANSWERED = frozenset(value_key(v) for v in (
    "n/a", "na", "not answered", "no answer", "unknown", "not known", "none given",
    "not given", "not stated", "not recorded", "blank", "missing", "-"))
# Common short forms, by the label of the category they stand for (loosely compared).
SYNONYMS = {norm_text(label): frozenset(norm_text(v) for v in values) for label, values in {
    "Male": ("m", "man", "men", "boy"),
    "Female": ("f", "w", "woman", "women", "girl"),
    "Disabled under the Equality Act": ("disabled", "yes", "y"),
    "Not disabled under the Equality Act": ("not disabled", "no", "n"),
    "Straight or heterosexual": ("straight", "heterosexual"),
    "Christian (including Church of England, Catholic, Protestant and all other Christian "
    "denominations)": ("christian", "church of england", "c of e", "cofe", "catholic",
                       "roman catholic", "protestant", "methodist"),
    "No religion": ("none", "no religion", "atheist", "agnostic"),
}.items()}


def lookup(categories: Iterable[CategoryRef]) -> dict[str, str]:
    """Loose text -> category key: the key, the label, and the label without a bracketed
    ending ("Trinity (Burnley)" → "trinity", also "trinity ward") when no other category
    shares that shorter form. What matches here needs no choice from the officer."""
    exact: dict[str, str] = {}
    shorter: dict[str, set[str]] = {}
    for category in categories:
        exact.setdefault(norm_text(category.key), category.key)
        exact.setdefault(norm_text(category.label), category.key)
        short = norm_text(re.sub(r"\s*\(.*\)\s*$", "", category.label))
        if short:
            shorter.setdefault(short, set()).add(category.key)
    for short, keys in shorter.items():
        if len(keys) == 1:
            exact.setdefault(short, next(iter(keys)))
            exact.setdefault(f"{short} ward", next(iter(keys)))
    return exact


def distinct_values(table: Table, column: int) -> list[str]:
    """The different non-blank answers in a column, in the order first seen (each as first
    written; answers that differ only in case, spacing or punctuation are one)."""
    cells = table.rows[column].str.strip()
    seen: dict[str, str] = {}
    for value in cells[cells != ""].unique():
        seen.setdefault(value_key(value), str(value))
    return list(seen.values())


def _only(keys: Iterable[str]) -> str | None:
    found = set(keys)
    return found.pop() if len(found) == 1 else None


def _prefer_not(categories: Sequence[CategoryRef]) -> str | None:
    return _only(c.key for c in categories if c.prefer_not_to_say
                 or norm_text(c.label) == "prefer not to say"
                 or c.key == "prefer_not_to_say")


def guess_value(value: str, categories: Sequence[CategoryRef]) -> str | None:
    """The category ``value`` obviously means (its key), ``BLANK`` for "not answered" and the
    like, or None when it is not obvious. Never guesses between two categories."""
    text = value_key(value)
    if not text:
        return None
    exact = lookup(categories).get(text)
    if exact is not None:
        return exact
    if text in PREFER_NOT:
        return _prefer_not(categories)
    if text in NOT_ANSWERED:
        return BLANK
    synonym = _only(c.key for c in categories if text in SYNONYMS.get(norm_text(c.label), ()))
    if synonym is not None:
        return synonym
    return _grouped(str(value), categories) or _range(text, categories)


def _grouped(value: str, categories: Sequence[CategoryRef]) -> str | None:
    """An ONS label with its heading: "Asian or Asian British: Pakistani", "White - Irish"
    (the part after the heading is the label; the heading settles a label used twice)."""
    parts = re.split(r"\s*(?::|\s-\s|\s–\s)\s*", value.strip(), maxsplit=1)
    if len(parts) != 2:
        return None
    heading, label = norm_text(parts[0]), norm_text(parts[1])
    matches = [c for c in categories if norm_text(c.label) == label
               or norm_text(c.key) == label]
    if len(matches) > 1:
        first = heading.split()[:1]
        matches = [c for c in matches if norm_text(c.group_label).split()[:1] == first]
    if len(matches) != 1:
        return None
    group = norm_text(matches[0].group_label)
    if group and heading.split()[:1] != group.split()[:1]:
        return None  # "Black: Irish" is not obviously White Irish
    return matches[0].key


def _range(text: str, categories: Sequence[CategoryRef]) -> str | None:
    """Age ranges written another way: "25-34" for "25 to 34", "75+" for "75 or over"."""
    if not re.fullmatch(r"\d+( \d+)?", text):
        return None
    return _only(c.key for c in categories
                 if " ".join(re.findall(r"\d+", c.label)) == text)


def guess_values(values: Sequence[str], categories: Sequence[CategoryRef]
                 ) -> dict[str, str | None]:
    """``guess_value`` for each of a column's answers (give them all: numbers are judged on
    the whole column). Numbered answers are guessed only for a question whose answers are in
    an order of their own (each names a number, rising: age bands), and only when the column
    holds exactly the numbers 1 to n for its n answers (not counting "Prefer not to say", which
    the column may also hold): then 1 is the first answer, 2 the second, and so on. Anything
    else (sex as 1 and 2: which is which?) is not guessed."""
    guesses = {value: guess_value(value, categories) for value in values}
    answers = [c for c in categories if c.key != _prefer_not(categories)]
    numbers = {value: int(value) for value in values if re.fullmatch(r"\d{1,3}", value.strip())}
    others_fine = all(guesses[value] in (BLANK, _prefer_not(categories))
                      for value in values if value not in numbers)
    if (numbers and others_fine and _ordered(answers)
            and sorted(numbers.values()) == list(range(1, len(answers) + 1))):
        for value, number in numbers.items():
            guesses[value] = answers[number - 1].key
    return guesses


def _ordered(answers: Sequence[CategoryRef]) -> bool:
    """Every answer names a number, and the numbers rise ("16 to 24", "25 to 34", ...)."""
    firsts = [re.search(r"\d+", c.label) for c in answers]
    numbers = [int(found[0]) for found in firsts if found]
    return len(numbers) == len(answers) > 1 and numbers == sorted(set(numbers))


@dataclass(frozen=True)
class UnknownValue:
    index: int  # its place in ``distinct_values``: the form field is value_<column>_<index>
    value: str
    rows: int
    guess: str | None


@dataclass(frozen=True)
class ValueColumn:
    """A column whose answers are not all the question's own."""

    column: int
    field: str  # "dimension:sex" or "ward"
    question: str  # "Sex"
    categories: tuple[CategoryRef, ...]
    values: tuple[UnknownValue, ...]  # the first SHOWN_VALUES
    more: int  # unknown answers not listed
    distinct: int  # different answers in the column

    @property
    def free_text(self) -> bool:
        """More different answers than anyone could choose from a list, one by one."""
        return self.more > 0


def answer_fields(mapping: Mapping[int, str], reference: Reference
                  ) -> list[tuple[int, str, str, tuple[CategoryRef, ...]]]:
    """(column, field key, question, categories) for each mapped answer column."""
    questions = {f"{DIMENSION_PREFIX}{d.key}": (d.label, d.categories)
                 for d in reference.dimensions}
    questions[WARD_FIELD] = ("Ward", reference.wards)
    return [(column, key, *questions[key]) for column, key in sorted(mapping.items())
            if key in questions]


def unknown_values(table: Table, mapping: Mapping[int, str], reference: Reference,
                   shown: int = SHOWN_VALUES) -> list[ValueColumn]:
    """Per answer column, the answers that are not a category's key or label (in the order
    first seen, with how many rows have each and a guess), at most ``shown`` of them."""
    found = []
    for column, key, question, categories in answer_fields(mapping, reference):
        values = distinct_values(table, column)
        known = lookup(categories)
        unknown = [(i, v) for i, v in enumerate(values) if value_key(v) not in known]
        if not unknown:
            continue
        counts: dict[str, int] = {}
        for cell, rows in table.rows[column].str.strip().value_counts().items():
            counts[value_key(cell)] = counts.get(value_key(cell), 0) + int(rows)
        listed = unknown[:shown]
        guesses = guess_values(values, categories)
        found.append(ValueColumn(
            column, key, question, categories,
            tuple(UnknownValue(i, v, counts.get(value_key(v), 0), guesses[v])
                  for i, v in listed),
            more=len(unknown) - len(listed), distinct=len(values)))
    return found


def value_param(column: int, index: int) -> str:
    return f"value_{column}_{index}"


def parse_value_choices(params: Mapping[str, str], table: Table, mapping: Mapping[int, str],
                        reference: Reference) -> ValueChoices:
    """The officer's choices (``value_<column>_<n>`` -> category key or ``BLANK``) for the
    chosen answer columns; anything else (an empty choice, another column, a key that is not
    the question's) is left out, so those answers stay problems."""
    wanted: dict[int, dict[int, str]] = {}
    for name, choice in params.items():
        match = PARAM.fullmatch(name)
        if match and choice:
            wanted.setdefault(int(match[1]), {})[int(match[2])] = str(choice)
    choices: ValueChoices = {}
    for column, key, _question, categories in answer_fields(mapping, reference):
        if column not in wanted:
            continue
        allowed = {c.key for c in categories} | {BLANK}
        values = distinct_values(table, column)
        chosen = {value_key(values[index]): choice for index, choice in wanted[column].items()
                  if index < len(values) and choice in allowed}
        if chosen:
            choices[key] = chosen
    return choices


def apply_choices(lookup_found: Mapping[str, str | None], chosen: Mapping[str, str]
                  ) -> tuple[dict[str, str | None], set[str]]:
    """For each distinct cell: its category (the question's own, else the officer's choice)
    and the cells the officer chose to leave blank."""
    answers: dict[str, str | None] = {}
    blank: set[str] = set()
    for cell, category in lookup_found.items():
        if category is None:
            choice = chosen.get(value_key(cell))
            if choice == BLANK:
                blank.add(cell)
            else:
                category = choice
        answers[cell] = category
    return answers, blank
