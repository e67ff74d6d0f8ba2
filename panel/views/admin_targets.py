"""Population target sets (officers): list, import from CSV (check, then save or cancel),
show, rename, make default, delete. Routes on the ``admin`` blueprint (``panel.views.admin``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from core.permissions import can_manage, can_view, require
from core.templating import plural
from panel import target_sets
from panel.admin_forms import ConfirmDeleteForm, ImportTargetsForm, TargetSetDetailsForm
from panel.views.admin import add_problems, bp

MAX_PROBLEMS_SHOWN = 20


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
            add_problems(form, error.problems)
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
    upload = _upload(upload_id)
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
    upload = _upload(upload_id)
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
    flash(f"Target set '{target_set.name}' saved with {plural(len(target_set.targets), 'target')}."
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
    add_problems(form, problems or {})
    if not form.file.errors:
        form.file.errors = ["Select the file again"]
    return _import_page(form)


@bp.post("/targets/import/<int:upload_id>/cancel")
@role_required(Role.OFFICER)
def cancel_import(upload_id: int) -> Any:
    upload = _upload(upload_id)
    if upload is not None:
        target_sets.discard_upload(upload)
    flash("Import cancelled: nothing was saved.")
    return redirect(url_for("admin.list_targets"))


def _upload(upload_id: int) -> Any:
    """The officer's own uploaded target file, or None if it was saved or cancelled."""
    upload = target_sets.get_upload(current_user, upload_id)
    if upload is not None:
        require(can_manage(current_user, upload))
    return upload


def _target_set(target_set_id: int, *, manage: bool = True) -> Any:
    target_set = target_sets.get_target_set(target_set_id)
    if target_set is None:
        abort(404)
    require((can_manage if manage else can_view)(current_user, target_set))
    return target_set


@bp.get("/targets/<int:target_set_id>")
@role_required(Role.OFFICER)
def show_target_set(target_set_id: int) -> str:
    target_set = _target_set(target_set_id, manage=False)
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
            add_problems(form, error.problems)
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
