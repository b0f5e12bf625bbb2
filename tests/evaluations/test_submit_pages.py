"""The two evaluation forms through the pages: each side sends its own once (back to the page with
a thank-you), a bad form comes back with its errors in that side's form, and the wrong side is
refused. Both pages share one submit step, so these pin what each side keeps of its own."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from evaluations.choices import EMPLOYER_KEYS, SKILL_KEYS
from evaluations.models import Evaluation

from .factories import completed

pytestmark = pytest.mark.django_db

SUPERVISOR_FORM = {**dict.fromkeys(SKILL_KEYS, "4"), "comments": "Steady work.", "endorsement": "Reliable."}
STUDENT_FORM = {
    **{f"self_{k}": "3" for k in SKILL_KEYS},
    **{f"rev_{k}": "5" for k in EMPLOYER_KEYS},
    "would_recommend": "no",
    "self_comments": "Wrote the parser.",
    "review_comments": "Slow answers.",
}


def _post(client, user, name, placement, data):
    client.force_login(user)
    return client.post(reverse(f"evaluations:{name}", args=[placement.pk]), data)


def test_the_supervisor_sends_their_evaluation_through_the_page(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    response = _post(client, cast.supervisor, "supervisor_submit", placement, SUPERVISOR_FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:evaluation", args=[placement.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Evaluation sent. Both sides see the comparison once the intern's is in."
    ]
    evaluation = Evaluation.objects.get(placement=placement)
    assert (evaluation.sup_quality, evaluation.supervisor_comments, evaluation.endorsement) == (
        4,
        "Steady work.",
        "Reliable.",
    )
    assert evaluation.supervisor_by == cast.supervisor and evaluation.student_submitted_at is None


def test_the_intern_sends_their_evaluation_through_the_page(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    response = _post(client, cast.student, "student_submit", placement, STUDENT_FORM)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you. Both sides see the comparison once the supervisor's is in."
    ]
    evaluation = Evaluation.objects.get(placement=placement)
    assert (evaluation.self_remote, evaluation.rev_learning, evaluation.would_recommend) == (3, 5, False)
    assert (evaluation.self_comments, evaluation.review_comments) == ("Wrote the parser.", "Slow answers.")
    assert evaluation.supervisor_submitted_at is None


def test_a_bad_form_comes_back_as_that_sides_form_with_its_errors(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    bad_student = _post(client, cast.student, "student_submit", placement, {**STUDENT_FORM, "would_recommend": ""})
    assert bad_student.status_code == 400
    assert bad_student.context["student_form"].errors["would_recommend"]
    assert not bad_student.context["supervisor_form"].is_bound
    bad_supervisor = _post(client, cast.supervisor, "supervisor_submit", placement, {**SUPERVISOR_FORM, "remote": "0"})
    assert bad_supervisor.status_code == 400
    assert bad_supervisor.context["supervisor_form"].errors["remote"]
    assert not bad_supervisor.context["student_form"].is_bound
    evaluation = Evaluation.objects.get(placement=placement)
    assert evaluation.student_submitted_at is None and evaluation.supervisor_submitted_at is None


def test_a_second_sending_is_refused_on_the_form(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    assert _post(client, cast.student, "student_submit", placement, STUDENT_FORM).status_code == 302
    again = _post(client, cast.student, "student_submit", placement, {**STUDENT_FORM, "would_recommend": "yes"})
    assert again.status_code == 400
    assert again.context["errors"]
    assert Evaluation.objects.get(placement=placement).would_recommend is False


def test_each_side_is_refused_the_other_sides_form_and_outsiders_get_404(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    assert _post(client, cast.supervisor, "student_submit", placement, STUDENT_FORM).status_code == 403
    assert _post(client, cast.colleague, "student_submit", placement, STUDENT_FORM).status_code == 403
    assert _post(client, cast.student, "supervisor_submit", placement, SUPERVISOR_FORM).status_code == 403
    for outsider in (cast.other_student, cast.other_employer):
        assert _post(client, outsider, "supervisor_submit", placement, SUPERVISOR_FORM).status_code == 404
        assert _post(client, outsider, "student_submit", placement, STUDENT_FORM).status_code == 404
    evaluation = Evaluation.objects.get(placement=placement)
    assert evaluation.student_submitted_at is None and evaluation.supervisor_submitted_at is None
