"""Profile questions and their answers (admins): add, reorder, retire and restore. Reordering
and retiring are plain POST forms; with htmx the list is swapped in place, focus stays on the
control that was used and a status line says what happened. Routes on the ``admin`` blueprint
(``panel.views.admin``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.errors import DomainError
from core.htmx import is_fragment_request, render_page
from core.models import Role
from core.permissions import can_manage, require
from panel import dimensions
from panel.admin_forms import CategoryForm, DimensionForm
from panel.models import Category, Dimension
from panel.views.admin import add_problems, bp


def _direction() -> dimensions.Direction:
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return direction  # type: ignore[return-value]


# --- profile questions (admins) ----------------------------------------------------------------

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
        error=error, dimension=dimension, counts=dimensions.answer_counts(dimension.id),
        focus=focus,
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
            add_problems(form, error.problems)
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
        existing = dimensions.dimension_keys()
        add_problems(form, dimensions.new_dimension_problems(spec, existing))
    return render_template("admin/dimension_new.html", form=form), 422 if form.errors else 200


def _dimension(dimension_id: int) -> Dimension:
    dimension = dimensions.get_dimension(dimension_id)
    if dimension is None:
        abort(404)
    require(can_manage(current_user, dimension))  # every page here is for changing it
    return dimension


def _category(category_id: int) -> Category:
    category = dimensions.get_category(category_id)
    if category is None:
        abort(404)
    require(can_manage(current_user, category))
    return category


@bp.get("/admin/dimensions/<int:dimension_id>")
@role_required(Role.ADMIN)
def show_dimension(dimension_id: int) -> str:
    dimension = _dimension(dimension_id)
    return render_template("admin/dimension.html", dimension=dimension,
                           counts=dimensions.answer_counts(dimension.id), focus=None,
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
            add_problems(form, error.problems)
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
