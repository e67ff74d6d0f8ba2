"""Staff pages for the panel's reference data: population target sets (officers), profile
questions and the over-consultation setting (admins).

Routes load, check, call one use case (``panel.target_sets``, ``panel.dimensions``,
``panel.contact_policy``) and render. Reordering and retiring are plain POST forms; with htmx
the list is swapped in place, focus stays on the control that was used and a status line says
what happened.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from core.auth.sessions import role_required
from core.errors import DomainError
from core.extensions import db
from core.htmx import is_fragment_request, render_page
from core.models import Role
from panel import contact_policy, dimensions, target_sets
from panel.admin_forms import (
    CategoryForm,
    ConfirmDeleteForm,
    ContactCapForm,
    DimensionForm,
    ImportTargetsForm,
    TargetSetDetailsForm,
)
from panel.models import Category, Dimension, ProfileAnswer

bp = Blueprint("admin", __name__)

MAX_PROBLEMS_SHOWN = 20


def _add_problems(form: FlaskForm, problems: dict[str, Any]) -> None:
    for name, messages in problems.items():
        field = getattr(form, name)
        field.errors = [*field.errors, *([messages] if isinstance(messages, str) else messages)]


def _direction() -> dimensions.Direction:
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return direction  # type: ignore[return-value]


# --- population targets (officers) -------------------------------------------------------------

@bp.get("/targets")
@role_required(Role.OFFICER)
def list_targets() -> str:
    sets = target_sets.list_target_sets()
    return render_template("admin/targets.html", target_sets=[
        (s, target_sets.dimensions_covered(s)) for s in sets])


@bp.route("/targets/import", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def import_targets() -> Any:
    form = ImportTargetsForm()
    if form.validate_on_submit():
        stream = form.file.data.stream
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
        content = stream.read() if size <= target_sets.MAX_FILE_BYTES else b""
        try:
            target_sets.check_import(form.name.data, form.source.data or "", content, size=size)
        except target_sets.InvalidTargetSet as error:
            _add_problems(form, error.problems)
        else:
            upload = target_sets.keep_upload(current_user, form.file.data.filename, content)
            query = {"name": form.name.data, "source": form.source.data or ""}
            if form.make_default.data:
                query["default"] = "yes"
            return redirect(url_for("admin.preview_import", upload_id=upload.id)
                            + "?" + urlencode(query))
    return _import_page(form)


def _import_page(form: ImportTargetsForm) -> Any:
    errors = []
    for name in ("name", "source", "file", "make_default"):
        field = getattr(form, name)
        shown = field.errors if name == "file" else field.errors[:1]
        errors += [{"text": m, "href": f"#{field.id}"} for m in shown[:MAX_PROBLEMS_SHOWN]]
    hidden = len(form.file.errors) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        errors.append({"text": f"and {hidden} more problems with the file",
                       "href": f"#{form.file.id}"})
    names_wrong = any(marker in problem for problem in form.file.errors for marker in (
        "is not an answer", "no profile question", "retired"))
    return render_template("admin/target_import.html", form=form, error_list=errors,
                           dimensions=target_sets.Schema.load().live(),
                           show_reference=names_wrong), 422 if form.errors else 200


@bp.get("/targets/import/<int:upload_id>")
@role_required(Role.OFFICER)
def preview_import(upload_id: int) -> Any:
    upload = target_sets.get_upload(current_user, upload_id)
    if upload is None:
        flash("That file has already been saved or cancelled. Upload it again if you need to.")
        return redirect(url_for("admin.import_targets"))
    try:
        checked = target_sets.read_target_file(upload.content)
    except DomainError:  # the profile questions changed since the file was checked
        return _restart_import(upload)
    return render_template(
        "admin/target_preview.html", upload=upload, checked=checked,
        name=request.args.get("name", ""), source=request.args.get("source", ""),
        make_default=request.args.get("default") == "yes")


@bp.post("/targets/import/<int:upload_id>/save")
@role_required(Role.OFFICER)
def save_import(upload_id: int) -> Any:
    upload = target_sets.get_upload(current_user, upload_id)
    if upload is None:
        flash("That file has already been saved or cancelled. Upload it again if you need to.")
        return redirect(url_for("admin.list_targets"))
    try:
        target_set = target_sets.import_target_set(
            current_user, upload, request.form.get("name", ""), request.form.get("source", ""),
            make_default=request.form.get("make_default") == "yes")
    except target_sets.InvalidTargetSet as error:
        return _restart_import(upload, error.problems)
    except DomainError as error:
        return _restart_import(upload, {"file": [str(error)]})
    flash(f"Target set '{target_set.name}' saved with {len(target_set.targets)} targets."
          + (" It is the default." if target_set.is_default else ""), "success")
    return redirect(url_for("admin.show_target_set", target_set_id=target_set.id))


def _restart_import(upload: Any, problems: dict[str, list[str]] | None = None) -> Any:
    """Something changed since the file was checked: ask again, saying what is wrong now."""
    db.session.rollback()
    try:
        target_sets.read_target_file(upload.content)
    except DomainError as error:
        problems = {**(problems or {}), "file": getattr(error, "problems", [str(error)])}
    target_sets.discard_upload(upload)
    form = ImportTargetsForm(formdata=None, name=request.values.get("name", ""),
                             source=request.values.get("source", ""))
    _add_problems(form, problems or {})
    if not form.file.errors:
        form.file.errors = ["Select the file again"]
    return _import_page(form)


@bp.post("/targets/import/<int:upload_id>/cancel")
@role_required(Role.OFFICER)
def cancel_import(upload_id: int) -> Any:
    upload = target_sets.get_upload(current_user, upload_id)
    if upload is not None:
        target_sets.discard_upload(upload)
    flash("Import cancelled: nothing was saved.")
    return redirect(url_for("admin.list_targets"))


def _target_set(target_set_id: int) -> Any:
    target_set = target_sets.get_target_set(target_set_id)
    if target_set is None:
        abort(404)
    return target_set


@bp.get("/targets/<int:target_set_id>")
@role_required(Role.OFFICER)
def show_target_set(target_set_id: int) -> str:
    target_set = _target_set(target_set_id)
    return render_template("admin/target_set.html", target_set=target_set,
                           by_dimension=target_sets.targets_by_dimension(target_set))


@bp.route("/targets/<int:target_set_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_target_set(target_set_id: int) -> Any:
    target_set = _target_set(target_set_id)
    form = TargetSetDetailsForm(obj=target_set)
    if form.validate_on_submit():
        try:
            target_sets.rename_target_set(current_user, target_set, form.name.data,
                                          form.source.data or "")
        except target_sets.InvalidTargetSet as error:
            _add_problems(form, error.problems)
        else:
            flash("Name and source saved.", "success")
            return redirect(url_for("admin.show_target_set", target_set_id=target_set.id))
    return render_template("admin/target_set_edit.html", form=form, target_set=target_set), \
        422 if form.errors else 200


@bp.post("/targets/<int:target_set_id>/default")
@role_required(Role.OFFICER)
def make_default(target_set_id: int) -> Any:
    target_set = _target_set(target_set_id)
    target_sets.set_default(current_user, target_set)
    flash(f"'{target_set.name}' is now the default target set.", "success")
    if request.form.get("back") == "list":
        return redirect(url_for("admin.list_targets"))
    return redirect(url_for("admin.show_target_set", target_set_id=target_set.id))


@bp.route("/targets/<int:target_set_id>/delete", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def delete_target_set(target_set_id: int) -> Any:
    target_set = _target_set(target_set_id)
    form = ConfirmDeleteForm()
    problem = None
    if form.validate_on_submit():
        name = target_set.name
        try:
            target_sets.delete_target_set(current_user, target_set)
        except DomainError as error:
            problem = str(error)
            target_set = _target_set(target_set_id)
        else:
            flash(f"Target set '{name}' deleted.", "success")
            return redirect(url_for("admin.list_targets"))
    return render_template("admin/target_set_delete.html", form=form, target_set=target_set,
                           problem=problem), 422 if problem else 200


# --- profile questions (admins) ----------------------------------------------------------------

def _answer_counts(dimension_id: int | None = None) -> dict[int, int]:
    """How many residents hold each answer (so an admin sees what retiring keeps)."""
    query = select(ProfileAnswer.category_id, func.count()).group_by(ProfileAnswer.category_id)
    if dimension_id is not None:
        query = query.where(ProfileAnswer.dimension_id == dimension_id)
    return dict(db.session.execute(query).all())  # type: ignore[arg-type]


def _changed(template: str, block: str, message: str, anchor: str, *, error: bool = False,
             **context: Any) -> Any:
    """After a move or retire: the list block and a status line (htmx), else redirect."""
    if is_fragment_request():
        status = render_template("admin/_status.html", message=message, error=error, oob=True)
        return render_page(template, block=block, **context) + status
    flash(message, "info" if error else "success")
    return redirect(anchor)


def _dimensions_changed(message: str, focus: tuple[int, str], dimension_id: int,
                        error: bool = False) -> Any:
    return _changed(
        "admin/dimensions.html", "dimension_list", message,
        url_for("admin.list_dimensions") + f"#dimension-{dimension_id}", error=error,
        dimensions=dimensions.list_dimensions(), focus=focus)


def _categories_changed(dimension: Dimension, message: str, focus: tuple[int, str],
                        category_id: int, error: bool = False) -> Any:
    return _changed(
        "admin/dimension.html", "category_list", message,
        url_for("admin.show_dimension", dimension_id=dimension.id) + f"#category-{category_id}",
        error=error, dimension=dimension, counts=_answer_counts(dimension.id), focus=focus,
        can_change=dimensions.can_change_answers(dimension))


@bp.get("/admin/dimensions")
@role_required(Role.ADMIN)
def list_dimensions() -> str:
    return render_template("admin/dimensions.html", dimensions=dimensions.list_dimensions(),
                           focus=None)


@bp.route("/admin/dimensions/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def add_dimension() -> Any:
    form = DimensionForm()
    if form.validate_on_submit():
        spec = dimensions.NewDimension(
            key=form.key.data or "", label=form.label.data or "",
            question=form.question.data or "", hint=form.hint.data or "",
            why=form.why.data or "", special_category=form.special_category.data == "yes",
            answers=dimensions.answer_labels(form.answers.data or ""))
        try:
            dimension = dimensions.add_dimension(current_user, spec)
        except dimensions.InvalidInput as error:
            _add_problems(form, error.problems)
        else:
            flash(f"Question '{dimension.label}' added. Residents are asked it from now on.",
                  "success")
            return redirect(url_for("admin.show_dimension", dimension_id=dimension.id))
    elif request.method == "POST":  # the use case checks the rest: show every problem at once
        spec = dimensions.NewDimension(
            key=form.key.data or "", label=form.label.data or "",
            question=form.question.data or "", hint=form.hint.data or "",
            why=form.why.data or "", special_category=False,
            answers=dimensions.answer_labels(form.answers.data or ""))
        existing = set(db.session.scalars(select(Dimension.key)))
        _add_problems(form, dimensions.new_dimension_problems(spec, existing))
    return render_template("admin/dimension_new.html", form=form), 422 if form.errors else 200


def _dimension(dimension_id: int) -> Dimension:
    dimension = dimensions.get_dimension(dimension_id)
    if dimension is None:
        abort(404)
    return dimension


def _category(category_id: int) -> Category:
    category = dimensions.get_category(category_id)
    if category is None:
        abort(404)
    return category


@bp.get("/admin/dimensions/<int:dimension_id>")
@role_required(Role.ADMIN)
def show_dimension(dimension_id: int) -> str:
    dimension = _dimension(dimension_id)
    return render_template("admin/dimension.html", dimension=dimension,
                           counts=_answer_counts(dimension.id), focus=None,
                           can_change=dimensions.can_change_answers(dimension))


@bp.post("/admin/dimensions/<int:dimension_id>/move")
@role_required(Role.ADMIN)
def move_dimension(dimension_id: int) -> Any:
    dimension, direction = _dimension(dimension_id), _direction()
    moved = dimensions.move_dimension(current_user, dimension, direction)
    position = dimension.position + 1
    message = (f"{dimension.label} moved {direction}: it is now number {position}." if moved
               else f"{dimension.label} is already {'first' if direction == 'up' else 'last'}.")
    return _dimensions_changed(message, (dimension.id, direction), dimension.id)


@bp.post("/admin/dimensions/<int:dimension_id>/<any(retire, restore):action>")
@role_required(Role.ADMIN)
def retire_dimension(dimension_id: int, action: str) -> Any:
    dimension = _dimension(dimension_id)
    if action == "retire":
        dimensions.retire_dimension(current_user, dimension)
        message = (f"{dimension.label} retired: residents are no longer asked it. Answers "
                   "already given and targets are kept.")
    else:
        dimensions.restore_dimension(current_user, dimension)
        message = f"{dimension.label} restored: residents are asked it again."
    if request.form.get("from") == "dimension":
        flash(message, "success")
        return redirect(url_for("admin.show_dimension", dimension_id=dimension.id))
    return _dimensions_changed(message, (dimension.id, "retire"), dimension.id)


@bp.route("/admin/dimensions/<int:dimension_id>/categories/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def add_category(dimension_id: int) -> Any:
    dimension = _dimension(dimension_id)
    if not dimensions.can_change_answers(dimension):
        abort(404)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = dimensions.add_category(current_user, dimension, form.label.data or "",
                                               form.key.data or "", form.group_label.data or "")
        except dimensions.InvalidInput as error:
            _add_problems(form, error.problems)
        else:
            flash(f"Answer '{category.label}' added to {dimension.label}.", "success")
            return redirect(url_for("admin.show_dimension", dimension_id=dimension.id)
                            + f"#category-{category.id}")
    return render_template("admin/category_new.html", form=form, dimension=dimension), \
        422 if form.errors else 200


@bp.post("/admin/categories/<int:category_id>/move")
@role_required(Role.ADMIN)
def move_category(category_id: int) -> Any:
    category, direction = _category(category_id), _direction()
    dimension = category.dimension
    try:
        moved = dimensions.move_category(current_user, category, direction)
    except DomainError as error:
        return _categories_changed(dimension, str(error), (category.id, direction),
                                   category.id, error=True)
    message = (f"{category.label} moved {direction}: it is now number {category.position + 1}."
               if moved else
               f"{category.label} is already {'first' if direction == 'up' else 'last'}.")
    return _categories_changed(dimension, message, (category.id, direction), category.id)


@bp.post("/admin/categories/<int:category_id>/<any(retire, restore):action>")
@role_required(Role.ADMIN)
def retire_category(category_id: int, action: str) -> Any:
    category = _category(category_id)
    dimension = category.dimension
    try:
        if action == "retire":
            dimensions.retire_category(current_user, category)
            message = (f"{category.label} retired: residents can no longer choose it. Answers "
                       "already given are kept.")
        else:
            dimensions.restore_category(current_user, category)
            message = f"{category.label} restored: residents can choose it again."
    except DomainError as error:
        return _categories_changed(dimension, str(error), (category.id, "retire"),
                                   category.id, error=True)
    return _categories_changed(dimension, message, (category.id, "retire"), category.id)


# --- settings (admins) -------------------------------------------------------------------------

@bp.route("/admin/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_settings() -> Any:
    cap = contact_policy.contact_cap()
    form = ContactCapForm()
    if request.method == "GET":
        form.max_contacts.data, form.days.data = str(cap.max_contacts), str(cap.days)
    elif form.validate_on_submit():
        try:
            new = contact_policy.set_contact_cap(current_user, contact_policy.parse_cap(
                form.max_contacts.data, form.days.data))
        except contact_policy.CapError as error:
            _add_problems(form, error.problems)
        else:
            flash(f"Saved: at most {new.describe()} for each resident.", "success")
            return redirect(url_for("admin.edit_settings"))
    return render_template("admin/settings.html", form=form, cap=cap,
                           at_cap=contact_policy.count_at_cap(cap=cap),
                           is_default=cap == contact_policy.DEFAULT_CAP), \
        422 if form.errors else 200
