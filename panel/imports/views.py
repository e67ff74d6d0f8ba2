"""Officers import an existing panel: upload a file → say what each column holds → see every
row checked (nothing written) → choose to import the valid rows → watch the job's progress
on the one job page (``/jobs/<id>``; the import's result is ``imports/_job_result.html``).

The column choices travel in the query string (``column_0=email&...``): choosing columns is a
GET form, so the check page can be reloaded, bookmarked and linked to its error report.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from core.auth.sessions import role_required
from core.errors import DomainError
from core.extensions import db
from core.forms import Form
from core.models import Role, Upload
from core.permissions import can_manage, require
from panel.imports import service as import_service
from panel.imports.limits import MAX_COLUMNS, ImportFileError
from panel.imports.mapping import Field, check_mapping, fields_for, suggest_mapping
from panel.imports.read import MAX_FILE_BYTES, MAX_FILE_MB, Table, column_letter
from panel.imports.report import errors_csv
from panel.imports.validate import SHOWN_PROBLEMS, validate

bp = Blueprint("imports", __name__, url_prefix="/panel/import")

# The file plus the rest of the multipart form around it.
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 256 * 1024
TOO_LARGE = (f"The file must be smaller than {MAX_FILE_MB} MB. Split it into smaller "
             "files and import them one at a time.")
SHOWN_DUPLICATES = 50


class UploadForm(Form):
    file = FileField(
        "Upload a file", widget=GovFileInput(),
        description=f"A CSV file or an Excel Workbook (.xlsx), smaller than "
                    f"{MAX_FILE_MB} MB, with the column headings in the first row and "
                    f"at most {MAX_COLUMNS} columns.",
        validators=[FileRequired(message="Select a CSV or Excel file")])
    submit = SubmitField("Upload and continue", widget=GovSubmitInput())


@bp.url_value_preprocessor
def _limit_request_size(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Runs before any before_request function (CSRF protection reads the form), so a request
    over the limit is refused (413) before its body is read."""
    request.max_content_length = MAX_REQUEST_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Any:
    if not (current_user.is_authenticated and current_user.has_role(Role.OFFICER)):
        return render_template("errors/error.html", code=413, title="The file is too big",
                               body=TOO_LARGE), 413
    form = UploadForm(formdata=None)  # the request's form is never read
    form.file.errors = [TOO_LARGE]
    return _upload_page(form, 413)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> Any:
    db.session.rollback()
    return render_template("errors/error.html", code=409, title="Sorry, that cannot be done",
                           body=str(error)), 409


def _upload_page(form: UploadForm, status: int = 200) -> Any:
    return render_template("imports/upload.html", form=form,
                           recent=import_service.recent_imports()), status


@bp.route("", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def upload() -> Any:
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        content = file.read(MAX_FILE_BYTES + 1)
        try:
            stored, table = import_service.store_upload(
                current_user, file.filename or "upload.csv", content)
        except ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            flash(f"{stored.filename}: {table.describe()}", "success")
            return redirect(url_for("imports.choose_columns", upload_id=stored.id), 303)
    return _upload_page(form, 422 if form.errors else 200)


# --- columns --------------------------------------------------------------------------------

class UploadGone(Exception):
    """The file was imported, cancelled or deleted after a day."""


@bp.errorhandler(UploadGone)
def upload_gone(_error: UploadGone) -> Any:
    return render_template(
        "errors/error.html", code=404, title="This file is no longer here",
        body="It has been imported or deleted (files that are not imported are deleted after "
             "a day). Upload it again if you still need to import it."), 404


def _upload_or_404(upload_id: int) -> Upload:
    upload = db.session.get(Upload, upload_id)
    if upload is None:
        raise UploadGone
    require(can_manage(current_user, upload))
    return upload


def _column_name(index: int) -> str:
    return f"column_{index}"


def _mapping_form(table: Table, fields: list[Field], suggestion: dict[int, str]) -> Form:
    class MappingForm(Form):
        class Meta:
            csrf = False

    choices = [SelectChoice("", "Do not import this column"),
               *(SelectChoice(f.key, f"{f.label} (required)" if f.required else f.label)
                 for f in fields)]
    for index in range(len(table.headers)):
        setattr(MappingForm, _column_name(index), SelectField(
            table.column_name(index), choices=choices, default=suggestion.get(index, ""),
            widget=GovSelect()))
    chosen = any(key.startswith("column_") for key in request.args)
    return MappingForm(formdata=request.args if chosen else None)


def _mapping(form: Form, table: Table) -> dict[int, str]:
    return {i: form[_column_name(i)].data for i in range(len(table.headers))
            if form[_column_name(i)].data}


def _query(mapping: dict[int, str]) -> dict[str, str]:
    return {_column_name(index): key for index, key in sorted(mapping.items())}


def _examples(table: Table, index: int) -> str:
    values = table.rows[index].str.strip()
    examples = [v if len(v) <= 30 else v[:29] + "…" for v in values[values != ""].unique()[:3]]
    where = f"Column {column_letter(index)}"
    return f"{where}. For example: {', '.join(examples)}" if examples else f"{where}. Empty."


def _columns_page(upload: Upload, table: Table, form: Form, status: int = 200) -> Any:
    hints = {_column_name(i): _examples(table, i) for i in range(len(table.headers))}
    return render_template("imports/columns.html", upload=upload, table=table, form=form,
                           hints=hints), status


@bp.get("/<int:upload_id>/columns")
@role_required(Role.OFFICER)
def choose_columns(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    fields = fields_for(import_service.load_reference(accounts=False))
    form = _mapping_form(table, fields, suggest_mapping(table.headers, fields))
    return _columns_page(upload, table, form)


def _checked_mapping(upload: Upload, table: Table, fields: list[Field]
                     ) -> tuple[Form, dict[int, str] | None]:
    """The officer's column choices, or None with the problems on the form's fields."""
    form = _mapping_form(table, fields, {})
    valid = form.validate()
    mapping = _mapping(form, table)
    problems = check_mapping(mapping, table.headers, fields)
    for problem in problems:
        field = form[_column_name(problem.column or 0)]
        if problem.message not in field.errors:
            field.errors.append(problem.message)
    return form, mapping if valid and not problems else None


@bp.get("/<int:upload_id>/check")
@role_required(Role.OFFICER)
def check_rows(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    reference = import_service.load_reference()
    form, mapping = _checked_mapping(upload, table, fields_for(reference))
    if mapping is None:
        return _columns_page(upload, table, form, 422)
    validation = validate(table, mapping, reference)
    return render_template(
        "imports/check.html", upload=upload, table=table, validation=validation,
        query=_query(mapping), problems=validation.first_errors(SHOWN_PROBLEMS),
        kinds=validation.problem_kinds(),
        duplicates=validation.duplicates[:SHOWN_DUPLICATES],
        active_job=import_service.active_job(upload.id))


def _download_name(filename: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", filename.rsplit(".", 1)[0]).strip("-") or "import"
    return f"{stem[:60]}-problems.csv"


@bp.get("/<int:upload_id>/problems.csv")
@role_required(Role.OFFICER)
def download_problems(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    reference = import_service.load_reference()
    _form, mapping = _checked_mapping(upload, table, fields_for(reference))
    if mapping is None:
        return redirect(url_for("imports.check_rows", upload_id=upload.id, **request.args))
    validation = validate(table, mapping, reference)
    response = Response(errors_csv(validation), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{_download_name(upload.filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- importing ------------------------------------------------------------------------------

@bp.post("/<int:upload_id>/start")
@role_required(Role.OFFICER)
def start_import(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    mapping = import_service.parse_mapping(
        {key.removeprefix("column_"): value for key, value in request.form.items()
         if re.fullmatch(r"column_\d{1,4}", key)}, len(table.headers))
    expected = request.form.get("expected", 0, type=int)
    job = import_service.start_import(current_user, upload, mapping, expected,
                                      current_app.config["PRIVACY_NOTICE_VERSION"])
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)


@bp.post("/<int:upload_id>/cancel")
@role_required(Role.OFFICER)
def cancel_import(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    filename = upload.filename
    import_service.cancel_upload(current_user, upload)
    flash(f"{filename} has been deleted. Nothing was imported.", "success")
    return redirect(url_for("imports.upload"), 303)


@bp.get("/jobs/<int:job_id>")
@role_required(Role.OFFICER)
def show_job(job_id: int) -> Any:
    """The import's own progress page before there was one job page: now a redirect to it."""
    return redirect(url_for("jobs.show_job", job_id=job_id), 302)
