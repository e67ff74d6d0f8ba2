"""Officers' use cases for population target sets: import from CSV (check, preview, save),
choose the default, rename, delete.

An imported file is checked row by row against the current profile questions before anything
is written; each problem names its row. Dimensions and categories may be given by key
(``ethnic_group``, ``asian_pakistani``) or by label (``Ethnic group``, ``Pakistani``). The
rule for shares (see ``panel.reference_data.read_targets_csv``): a dimension's shares must add
up to between 0.99 and 1.01 and are then scaled to add up to exactly 1; counts are turned into
shares of their total.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Upload, User
from panel.install import DimensionIds, install_target_set
from panel.models import Category, Dimension, Target, TargetSet
from panel.reference_data import SHARE_TOLERANCE, TargetFileError, TargetRow, read_targets_csv

MAX_FILE_BYTES = 1_000_000
NAME_LIMIT = 160
SOURCE_LIMIT = 2000
EXCEL_HINT = "In Excel, choose Save as, then 'CSV UTF-8 (comma delimited)'."


class InvalidTargetSet(DomainError):
    """What was entered breaks a rule: ``problems`` maps a form field to its message(s)."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__(" ".join(m for ms in problems.values() for m in ms))
        self.problems = problems


# --- reading a file ----------------------------------------------------------------------------

def size_problem(size: int) -> str | None:
    if size <= MAX_FILE_BYTES:
        return None
    return (f"The file is {_size(size)}. A target set file must be {_size(MAX_FILE_BYTES)} or "
            "smaller (they are usually a few KB): check you chose the right file.")


def decode(content: bytes) -> str:
    """The file's text, or ``TargetFileError`` saying plainly why it cannot be read."""
    problem = size_problem(len(content))
    if problem:
        raise TargetFileError([problem])
    if not content.strip():
        raise TargetFileError(["The file is empty"])
    if content.startswith(b"PK\x03\x04"):
        raise TargetFileError([f"The file is an Excel workbook, not a CSV file. {EXCEL_HINT}"])
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            row = content[:error.start].count(b"\n") + 1
            raise TargetFileError([
                f"The file is not saved as UTF-8 text (the first character we cannot read is "
                f"on row {row}). {EXCEL_HINT}"]) from None
    raise TargetFileError([f"The file is not a CSV text file. {EXCEL_HINT}"])


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{max(1, round(n / 1000))} KB"


class Schema:
    """The profile questions a target file is checked against (retired ones included, so the
    message can say a name is retired rather than unknown)."""

    def __init__(self, dimensions: list[Dimension]) -> None:
        self.dimensions = dimensions
        self.by_key = {d.key: d for d in dimensions}
        self._names = {}
        for d in sorted(dimensions, key=lambda d: d.retired_at is None):  # live ones win
            self._names[_fold(d.key)] = d
            self._names[_fold(d.label)] = d

    @classmethod
    def load(cls) -> Schema:
        return cls(list(db.session.scalars(
            select(Dimension).options(selectinload(Dimension.categories))
            .order_by(Dimension.position, Dimension.id))))

    def live(self) -> list[Dimension]:
        return [d for d in self.dimensions if d.retired_at is None]

    def resolve(self, dimension_name: str, category_name: str) -> tuple[str, str]:
        """(dimension key, category key) for names as written in a file, or ``DomainError``."""
        dimension = self._names.get(_fold(dimension_name))
        if dimension is None:
            known = ", ".join(d.key for d in self.live())
            raise DomainError(f"there is no profile question called '{dimension_name}'. "
                              f"Use one of: {known}")
        if dimension.retired_at is not None:
            raise DomainError(f"the profile question {dimension.label} is retired, so it cannot "
                              "have targets")
        live = [c for c in dimension.categories if c.retired_at is None]
        choices = "; ".join(c.label for c in live)
        matches = [c for c in dimension.categories
                   if _fold(category_name) in (_fold(c.key), _fold(c.label))]
        category = next((c for c in matches if c.retired_at is None), None)
        if category is None and matches:
            raise DomainError(f"'{category_name}' is a retired answer to {dimension.label}, so "
                              f"it cannot have a target. The answers are: {choices}")
        if category is None:
            raise DomainError(f"'{category_name}' is not an answer to {dimension.label}. "
                              f"The answers are: {choices}")
        return dimension.key, category.key

    def ids(self) -> DimensionIds:
        return {d.key: (d.id, {c.key: c.id for c in d.categories if c.retired_at is None})
                for d in self.live()}


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class PreviewRow:
    label: str
    key: str
    share: float
    count: int | None
    note: str


@dataclass(frozen=True)
class DimensionPreview:
    key: str
    label: str
    rows: list[PreviewRow]
    from_counts: bool
    given_total: float  # the given shares' (or counts') sum before scaling
    missing: list[str]  # labels of current answers (not Prefer not to say) with no target

    @property
    def rule(self) -> str:
        """How the shares shown were worked out, in a sentence."""
        if self.from_counts:
            return f"Shares worked out from the counts (total {self.given_total:,.0f})."
        if abs(self.given_total - 1) < 1e-9:
            return "Shares as given: they add up to 1."
        return (f"The shares added up to {self.given_total:.4f}, so each was divided by "
                f"{self.given_total:.4f} to make them add up to exactly 1 (we do this when "
                f"they add up to between {1 - SHARE_TOLERANCE:.2f} and "
                f"{1 + SHARE_TOLERANCE:.2f}).")


@dataclass(frozen=True)
class TargetFile:
    rows: list[TargetRow]
    dimensions: list[DimensionPreview]


def read_target_file(content: bytes, schema: Schema | None = None) -> TargetFile:
    """Check a whole file against the profile questions; ``TargetFileError`` lists problems."""
    schema = schema or Schema.load()
    text = decode(content)
    header = text.split("\n", 1)[0]
    if "," not in header and (";" in header or "\t" in header):
        separator = "semicolons" if ";" in header else "tabs"
        raise TargetFileError([f"The values in the file are separated by {separator}. Save it "
                               f"with commas instead. {EXCEL_HINT}"])
    rows = read_targets_csv(text.splitlines(), resolve=schema.resolve)
    return TargetFile(rows, _preview(rows, schema))


def _preview(rows: list[TargetRow], schema: Schema) -> list[DimensionPreview]:
    previews = []
    by_dimension = {key: list(group) for key, group in groupby(rows, key=lambda r: r.dimension)}
    for dimension in schema.live():
        given = by_dimension.get(dimension.key)
        if not given:
            continue
        labels = {c.key: c.label for c in dimension.categories}
        order = {c.key: c.position for c in dimension.categories}
        from_counts = given[0].given_share is None
        total = (sum(r.count or 0 for r in given) if from_counts
                 else sum(r.given_share or 0 for r in given))
        covered = {r.category for r in given}
        previews.append(DimensionPreview(
            key=dimension.key, label=dimension.label, from_counts=from_counts,
            given_total=total,
            rows=[PreviewRow(labels[r.category], r.category, r.share, r.count, r.note)
                  for r in sorted(given, key=lambda r: order[r.category])],
            missing=[c.label for c in dimension.categories if c.retired_at is None
                     and not c.prefer_not_to_say and c.key not in covered]))
    return previews


# --- names ---------------------------------------------------------------------------------------

def name_problem(name: str, exclude: TargetSet | None = None) -> str | None:
    if not name:
        return "Enter a name for the target set"
    if len(name) > NAME_LIMIT:
        return f"The name must be {NAME_LIMIT} characters or fewer"
    query = select(TargetSet.id).where(TargetSet.name == name)
    if exclude is not None:
        query = query.where(TargetSet.id != exclude.id)
    if db.session.scalar(query) is not None:
        return f"There is already a target set called {name}. Choose a different name."
    return None


def _details_problems(name: str, source: str, exclude: TargetSet | None = None
                      ) -> dict[str, list[str]]:
    problems = {}
    problem = name_problem(name, exclude)
    if problem:
        problems["name"] = [problem]
    if len(source) > SOURCE_LIMIT:
        problems["source"] = [f"The source must be {SOURCE_LIMIT} characters or fewer"]
    return problems


def _clean(text: str) -> str:
    return " ".join(text.split())


# --- importing -----------------------------------------------------------------------------------

def check_import(name: str, source: str, content: bytes, size: int | None = None
                 ) -> TargetFile:
    """Everything about a new set checked at once; ``InvalidTargetSet`` lists the problems.
    ``size``: the upload's size when it was too big to read (``content`` is then empty)."""
    problems = _details_problems(_clean(name), source.strip())
    try:
        too_big = size_problem(size or 0)
        if too_big:
            raise TargetFileError([too_big])
        checked = read_target_file(content)
    except TargetFileError as error:
        problems["file"] = error.problems
    if problems:
        raise InvalidTargetSet(problems)
    return checked


def keep_upload(actor: User, filename: str, content: bytes) -> Upload:
    """Keep a checked file until the officer saves or cancels the import."""
    upload = Upload(filename=(filename or "targets.csv")[-255:], content=content,
                    uploaded_by_id=actor.id)
    db.session.add(upload)
    db.session.commit()
    return upload


def get_upload(actor: User, upload_id: int) -> Upload | None:
    """Only the officer who uploaded a file can preview or save it."""
    upload = db.session.get(Upload, upload_id)
    return upload if upload is not None and upload.uploaded_by_id == actor.id else None


def discard_upload(upload: Upload) -> None:
    db.session.delete(upload)
    db.session.commit()


def import_target_set(actor: User, upload: Upload, name: str, source: str,
                      make_default: bool) -> TargetSet:
    """Save a checked upload as a target set (checked again: the questions may have changed),
    then delete the upload. The first set becomes the default."""
    name, source = _clean(name), source.strip()
    checked = check_import(name, source, upload.content)
    target_set = install_target_set(name, source, checked.rows, Schema.load().ids(),
                                    is_default=False)
    first = db.session.scalar(select(TargetSet.id).where(TargetSet.id != target_set.id)) is None
    if make_default or first:
        _make_default(target_set)
    audit.record(actor, "target_set_imported", "target_set", target_set.id, name=name,
                 targets=len(checked.rows), dimensions=len(checked.dimensions),
                 filename=upload.filename, default=target_set.is_default)
    db.session.delete(upload)
    _commit_or_name_taken(name)
    return target_set


def _commit_or_name_taken(name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:  # another officer saved the same name a moment ago
        db.session.rollback()
        raise InvalidTargetSet({"name": [
            f"There is already a target set called {name}. Choose a different name."]}) from None


# --- managing sets -------------------------------------------------------------------------------

def list_target_sets() -> list[TargetSet]:
    """The default set first, then by name; targets loaded for a summary of each."""
    return list(db.session.scalars(
        select(TargetSet).options(selectinload(TargetSet.targets).selectinload(Target.dimension))
        .order_by(TargetSet.is_default.desc(), TargetSet.name)))


def get_target_set(target_set_id: int) -> TargetSet | None:
    return db.session.get(TargetSet, target_set_id)


def dimensions_covered(target_set: TargetSet) -> list[Dimension]:
    return sorted({t.dimension for t in target_set.targets}, key=lambda d: (d.position, d.id))


def targets_by_dimension(target_set: TargetSet) -> list[tuple[Dimension, list[Target]]]:
    ordered = db.session.scalars(
        select(Target).join(Target.dimension).join(Target.category)
        .where(Target.target_set_id == target_set.id)
        .options(selectinload(Target.dimension), selectinload(Target.category))
        .order_by(Dimension.position, Dimension.id, Category.position, Category.id))
    return [(dimension, list(targets))
            for dimension, targets in groupby(ordered, key=lambda t: t.dimension)]


def rename_target_set(actor: User, target_set: TargetSet, name: str, source: str) -> None:
    name, source = _clean(name), source.strip()
    problems = _details_problems(name, source, exclude=target_set)
    if problems:
        raise InvalidTargetSet(problems)
    before = target_set.name
    target_set.name, target_set.source = name, source
    audit.record(actor, "target_set_renamed", "target_set", target_set.id, before=before,
                 after=name)
    _commit_or_name_taken(name)


def _make_default(target_set: TargetSet) -> None:
    # One statement, so there is never a moment with two defaults.
    db.session.execute(update(TargetSet).values(is_default=TargetSet.id == target_set.id)
                       .execution_options(synchronize_session="fetch"))


def set_default(actor: User, target_set: TargetSet) -> None:
    """The set the dashboard and new samples use unless told otherwise."""
    if target_set.is_default:
        return
    _make_default(target_set)
    audit.record(actor, "target_set_made_default", "target_set", target_set.id,
                 name=target_set.name)
    db.session.commit()


def delete_target_set(actor: User, target_set: TargetSet) -> None:
    """Delete a set and its targets. The default can only go when it is the only set; a set
    a sample was drawn with is kept for the record."""
    others = db.session.scalar(select(TargetSet.id).where(TargetSet.id != target_set.id))
    if target_set.is_default and others is not None:
        raise DomainError(f"{target_set.name} is the default target set. Make another set the "
                          "default before you delete it.")
    name, set_id = target_set.name, target_set.id
    try:
        db.session.delete(target_set)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(f"{name} was used to draw a sample, so it is kept for the record. "
                          "You can rename it instead.") from None
    audit.record(actor, "target_set_deleted", "target_set", set_id, name=name)
    db.session.commit()
