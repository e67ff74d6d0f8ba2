"""Officers import an existing panel: upload a file → say what each column holds → say what
the file's own answers mean ("M" is Male: the values page, skipped when every answer is the
question's own) → see every row checked (nothing written) → choose to import every row, or,
when some rows have problems, the valid rows only or nothing until the file is fixed → watch
the job's progress on the one job page (``/jobs/<id>``; its result is
``imports/_job_result.html``).

The column and value choices travel in the query string (``column_0=email&...&value_7_0=male``):
both are GET forms, so the check page can be reloaded, bookmarked and linked to its report.
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
from panel.imports.mapping import Field, Reference, check_mapping, fields_for, suggest_mapping
from panel.imports.read import MAX_FILE_BYTES, MAX_FILE_MB, Table, column_letter
from panel.imports.report import errors_csv
from panel.imports.validate import SHOWN_PROBLEMS, validate
from panel.imports.values import (
    BLANK,
    PARAM,
    ValueColumn,
    parse_value_choices,
    unknown_values,
    value_param,
)

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


# --- values ---------------------------------------------------------------------------------

def _value_params(args: Any) -> dict[str, str]:
    """The value choices as sent (``value_<column>_<n>``), to send on to the next page."""
    return {key: str(value) for key, value in args.items() if PARAM.fullmatch(key)}


def _values_form(columns: list[ValueColumn]) -> Form:
    """One select per answer the file has that is not the question's own."""
    class ValuesForm(Form):
        class Meta:
            csrf = False

    for column in columns:
        choices = [SelectChoice("", "Not chosen: rows with it are listed as problems"),
                   SelectChoice(BLANK, "Leave blank (not answered)"),
                   *(SelectChoice(c.key, f"{c.group_label}: {c.label}" if c.group_label
                                  else c.label) for c in column.categories)]
        for value in column.values:
            setattr(ValuesForm, value_param(column.column, value.index), SelectField(
                f"‘{value.value}’", choices=choices, default=value.guess or "",
                widget=GovSelect()))
    chosen = any(PARAM.fullmatch(key) for key in request.args)
    form = ValuesForm(formdata=request.args if chosen else None)
    return form


def _values_valid(form: Form) -> bool:
    valid = form.validate()
    for field in form:
        if field.errors:
            field.errors[:] = [f"Choose what {field.label.text} means from the list"]
    return valid


def _values_page(upload: Upload, table: Table, mapping: dict[int, str],
                 columns: list[ValueColumn], form: Form, status: int = 200) -> Any:
    return render_template("imports/values.html", upload=upload, table=table, form=form,
                           columns=columns, query=_query(mapping), value_param=value_param,
                           column_letter=column_letter), status


@bp.get("/<int:upload_id>/values")
@role_required(Role.OFFICER)
def choose_values(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    reference = import_service.load_reference(accounts=False)
    form, mapping = _checked_mapping(upload, table, fields_for(reference))
    if mapping is None:
        return _columns_page(upload, table, form, 422)
    columns = unknown_values(table, mapping, reference)
    if not columns:
        return redirect(url_for("imports.check_rows", upload_id=upload.id, **_query(mapping)))
    return _values_page(upload, table, mapping, columns, _values_form(columns))


# --- checking -------------------------------------------------------------------------------

def _check_page(upload: Upload, table: Table, reference: Reference, mapping: dict[int, str],
                values: dict[str, str], mode_error: str = "", status: int = 200) -> Any:
    choices = parse_value_choices(values, table, mapping, reference)
    validation = validate(table, mapping, reference, choices=choices)
    return render_template(
        "imports/check.html", upload=upload, table=table, validation=validation,
        query={**_query(mapping), **values}, columns_query=_query(mapping),
        has_values=bool(unknown_values(table, mapping, reference, shown=0)),
        problems=validation.first_errors(SHOWN_PROBLEMS), kinds=validation.problem_kinds(),
        duplicates=validation.duplicates[:SHOWN_DUPLICATES], mode_error=mode_error,
        active_job=import_service.active_job(upload.id)), status


@bp.get("/<int:upload_id>/check")
@role_required(Role.OFFICER)
def check_rows(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    reference = import_service.load_reference()
    form, mapping = _checked_mapping(upload, table, fields_for(reference))
    if mapping is None:
        return _columns_page(upload, table, form, 422)
    values = _value_params(request.args)
    if values:
        columns = unknown_values(table, mapping, reference)
        values_form = _values_form(columns)
        if not _values_valid(values_form):
            return _values_page(upload, table, mapping, columns, values_form, 422)
    return _check_page(upload, table, reference, mapping, values)


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
    choices = parse_value_choices(request.args, table, mapping, reference)
    validation = validate(table, mapping, reference, choices=choices)
    response = Response(errors_csv(validation), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{_download_name(upload.filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- importing ------------------------------------------------------------------------------

# The officer's choice on the check page when some rows have problems.
SKIP_PROBLEMS, IMPORT_NOTHING = "valid", "nothing"
WHOLE_FILE = "all"  # no row had a problem: the file is imported whole, or not at all


@bp.post("/<int:upload_id>/start")
@role_required(Role.OFFICER)
def start_import(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    table = import_service.load_table(upload)
    mapping = import_service.parse_mapping(
        {key.removeprefix("column_"): value for key, value in request.form.items()
         if re.fullmatch(r"column_\d{1,4}", key)}, len(table.headers))
    values = _value_params(request.form)
    query = {**_query(mapping), **values}
    mode = request.form.get("mode", "")
    if mode not in (SKIP_PROBLEMS, IMPORT_NOTHING, WHOLE_FILE):
        reference = import_service.load_reference()
        return _check_page(upload, table, reference, mapping, values, status=422,
                           mode_error="Choose whether to import the valid rows or nothing")
    if mode == IMPORT_NOTHING:
        flash("Nothing has been imported. Download the problems, fix them in the file and "
              "upload it again.", "success")
        return redirect(url_for("imports.check_rows", upload_id=upload.id, **query,
                                _anchor="problems"), 303)
    expected = request.form.get("expected", 0, type=int)
    job = import_service.start_import(current_user, upload, mapping, expected,
                                      current_app.config["PRIVACY_NOTICE_VERSION"],
                                      values=values, skip_invalid=mode == SKIP_PROBLEMS)
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
