"""Invitation waves, a registrant's personal link, the public registration link, and residents'
own events in their account. Thin: the rules are in ``events.waves``, ``events.registering``
and ``events.account``; the form is read by ``events.registration_forms``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.errors import DomainError
from core.extensions import limiter
from core.forms import Form
from core.htmx import render_page
from core.models import Role
from core.permissions import can_manage, require
from events import account, registering, waves
from events.models import InvitationWave, NeedKind, Registration
from events.registration_forms import DETAIL_LABEL, read_answers, read_registrant
from events.views._load import event_or_404, in_event

bp = Blueprint("event_links", __name__)
STAFF = (Role.OFFICER, Role.ORGANISER)




def _form_data() -> dict[str, list[str]]:
    return request.form.to_dict(flat=False)


# --- invitation waves (staff) ----------------------------------------------------------------

@bp.route("/events/<int:event_id>/invitations", methods=["GET", "POST"])
@role_required(*STAFF)
def invitations(event_id: int) -> Any:
    event = event_or_404(event_id)
    top_up = request.values.get("top_up") == "1"
    suggested = waves.suggested_size(event.capacity, event.expected_response_rate)
    fixed = waves.size_fixed_by_design(current_user, event)
    form, problem, size_text, status = Form(), None, str(fixed or suggested), 200
    if request.method == "POST" and form.validate_on_submit():
        size_text = (request.form.get("size") or "").strip()
        try:
            size = fixed or int(size_text)
        except ValueError:
            problem = "Enter the number of people to invite, like 60"
        else:
            try:
                wave = waves.draw_wave(current_user, event, size, top_up)
            except DomainError as error:
                problem = str(error)
            else:
                return redirect(url_for(".confirm_wave", event_id=event.id, wave_id=wave.id),
                                303)
        status = 422
    elif request.method == "POST":
        problem, status = "The form expired: send it again", 422
    return render_page("events/links/invitations.html", event=event, form=form,
                       suggested=suggested, fixed=fixed, size=size_text, problem=problem,
                       top_up=top_up, unmet=waves.unmet_quotas(event),
                       waves=waves.waves_of(event), closed_reason=registering.closed_reason(event)
                       ), status




@bp.get("/events/<int:event_id>/invitations/<int:wave_id>")
@role_required(*STAFF)
def confirm_wave(event_id: int, wave_id: int) -> Any:
    event = event_or_404(event_id)
    wave = in_event(InvitationWave, wave_id, event)
    return render_page("events/links/confirm_wave.html", event=event, wave=wave,
                       plan=waves.plan(wave), form=Form(),
                       job=waves.running_or_done_job(wave), reasons=waves.LEFT_OUT)


@bp.post("/events/<int:event_id>/invitations/<int:wave_id>/send")
@role_required(*STAFF)
def send_wave(event_id: int, wave_id: int) -> Any:
    event = event_or_404(event_id)
    wave = in_event(InvitationWave, wave_id, event)
    if not Form().validate_on_submit():
        abort(400)
    try:
        job = waves.start_wave(current_user, wave)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for(".confirm_wave", event_id=event.id, wave_id=wave.id), 303)
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)


@bp.post("/events/<int:event_id>/close-registration")
@role_required(*STAFF)
def close_registration(event_id: int) -> Any:
    event = event_or_404(event_id)
    if not Form().validate_on_submit():
        abort(400)
    if waves.close_registration(current_user, event):
        flash("Registration is closed. You can now select who takes part.", "success")
    else:
        flash("Registration was already closed.", "success")
    return redirect(url_for(".invitations", event_id=event.id), 303)


# --- the personal link ------------------------------------------------------------------------

def _respond_page(registration: Registration, form: Form, problems: dict[str, str] | None = None,
                  values: dict[str, list[str]] | None = None, status: int = 200,
                  changing: bool = False) -> Any:
    event = registration.event
    if values is None:
        values = {"available": [str(p.session_id) for p in registration.places if p.available],
                  "needs": [n.kind.value for n in registration.needs],
                  **{f"need-{n.kind.value}": [n.detail] for n in registration.needs},
                  **{k: [v] for k, v in registration.screening.items()}}
    return render_page(
        "events/links/respond.html", registration=registration, event=event, form=form,
        stage=registering.stage(registration), problems=problems or {}, values=values,
        sessions=registering.session_choices(event),
        questions=registering.screening_questions(event),
        all_sessions=registering.all_sessions_needed(event), need_kinds=list(NeedKind),
        detail_label=DETAIL_LABEL, changing=changing,
        may_change=registration.status in registering.MAY_CHANGE and
        registering.closed_reason(event) is None and
        not registering.left_the_panel(registration),
        may_withdraw=registration.status in registering.MAY_WITHDRAW), status


@bp.route("/events/r/<token>", methods=["GET", "POST"])
def respond(token: str) -> Any:
    registration = registering.by_token(token) or abort(404)
    form = Form()
    if request.method == "GET":
        return _respond_page(registration, form, changing=request.args.get("change") == "1")
    if not form.validate_on_submit():
        return _respond_page(registration, form, {"form": "The form expired: send it again"},
                             _form_data(), 422)
    choice = request.form.get("choice", "")
    try:
        if choice == "not_interested":
            registering.decline(registration)
        elif choice in ("interested", "change"):
            event = registration.event
            answers, problems = read_answers(
                _form_data(), registering.session_choices(event),
                registering.screening_questions(event),
                all_sessions=registering.all_sessions_needed(event))
            if problems:
                return _respond_page(registration, form, problems, _form_data(), 422,
                                     changing=choice == "change")
            if choice == "interested":
                registering.express_interest(registration, answers)
            else:
                if registering.change_answers(registration, answers):
                    flash("Your answers are changed.", "success")
        else:
            return _respond_page(registration, form, {"choice": "Choose whether you are "
                                                                "interested"},
                                 _form_data(), 422)
    except DomainError as error:
        flash(str(error), "error")
    return redirect(url_for(".respond", token=token), 303)


@bp.route("/events/r/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str) -> Any:
    registration = registering.by_token(token) or abort(404)
    form = Form()
    if request.method == "POST" and form.validate_on_submit():
        actor = current_user if current_user.is_authenticated else None
        if registering.withdraw(actor, registration):
            flash("You have withdrawn from this event. Thank you for letting us know.",
                  "success")
        return redirect(url_for(".respond", token=token), 303)
    if registration.status not in registering.MAY_WITHDRAW:
        return redirect(url_for(".respond", token=token), 303)
    return render_page("events/links/withdraw.html", registration=registration,
                       event=registration.event, form=form), 422 if form.errors else 200


# --- the public registration link --------------------------------------------------------------

def _public_limit() -> str:
    return current_app.config["PUBLIC_EVENT_RATE_LIMIT"]


@bp.route("/events/register/<code>", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def public_register(code: str) -> Any:
    event = registering.public_event(code)
    if event is None:
        return render_page("events/links/public_unavailable.html", event=None,
                           reason="This registration link is not right. Check it against "
                                  "the letter or message it came in."), 404
    reason = registering.closed_reason(event)
    if reason:
        return render_page("events/links/public_unavailable.html", event=event,
                           reason=reason), 410
    form = Form()
    profile = registering.profile_questions()
    context = dict(event=event, form=form, sessions=registering.session_choices(event),
                   questions=registering.screening_questions(event), profile=profile,
                   all_sessions=registering.all_sessions_needed(event),
                   need_kinds=list(NeedKind), detail_label=DETAIL_LABEL)
    if request.method == "GET":
        return render_page("events/links/public_register.html", problems={}, values={},
                           **context)
    values = _form_data()
    if not form.validate_on_submit():
        return render_page("events/links/public_register.html", values=values, problems={
            "form": "The form expired: send it again"}, **context), 422
    person, problems = read_registrant(values, profile)
    answers, more = read_answers(values, context["sessions"], context["questions"],
                                 all_sessions=context["all_sessions"])
    problems.update(more)
    if problems:
        return render_page("events/links/public_register.html", values=values,
                           problems=problems, **context), 422
    try:
        registering.register_public(event, person, answers)
    except DomainError as error:
        return render_page("events/links/public_unavailable.html", event=event,
                           reason=str(error)), 410
    return render_page("events/links/public_done.html", event=event, email=person.email)


# --- residents' own events -----------------------------------------------------------------

def _resident() -> Any:
    resident = current_user.resident
    if resident is None:
        abort(404)
    require(can_manage(current_user, resident))
    return resident


@bp.get("/account/events")
@role_required(Role.RESIDENT)
def my_events() -> Any:
    resident = _resident()
    rows = account.my_registrations(resident)
    return render_page("events/account/events.html", registrations=rows,
                       next_step=account.NEXT_STEP, may_change=registering.MAY_CHANGE,
                       may_withdraw=registering.MAY_WITHDRAW, form=Form())


@bp.post("/account/events/<int:registration_id>/availability")
@role_required(Role.RESIDENT)
def change_availability(registration_id: int) -> Any:
    resident = _resident()
    registration = account.mine(resident, registration_id) or abort(404)
    if not Form().validate_on_submit():
        abort(400)
    known = {s.id for s in registration.event.sessions}
    ticked = {int(v) for v in request.form.getlist("available")
              if v.isdigit() and len(v) < 12 and int(v) in known}
    if not ticked:
        flash("Tick at least one session you can come to. To stop taking part, withdraw "
              "instead.", "error")
    elif registering.all_sessions_needed(registration.event) and ticked != known:
        flash("This is a citizens' assembly: everyone taking part comes to every session. "
              "If you can no longer come to them all, withdraw instead.", "error")
    else:
        try:
            if registering.change_availability(current_user, registration, ticked):
                flash(f"Your availability for {registration.event.title} is changed.",
                      "success")
        except DomainError as error:
            flash(str(error), "error")
    return redirect(url_for(".my_events"), 303)
