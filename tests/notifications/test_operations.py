import pytest
from django.core.management import call_command
from django.urls import reverse

from notifications import services
from notifications.models import OutboxEmail, PeriodicTaskRun
from tests.factories import UserFactory


@pytest.mark.django_db
def test_operations_page_shows_backlog_failures_and_periodic_runs(client):
    staff = UserFactory(is_staff=True)
    user = UserFactory()
    services.notify(event="system.message", recipients=[user], key="k1", context={"title": "T", "message": "M"})
    OutboxEmail.objects.create(
        to_email="x@example.org",
        event="system.message",
        key="k2",
        subject="s",
        body_text="b",
        status=OutboxEmail.Status.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: gone",
    )
    call_command("run_periodic", "notifications-sweep-outbox", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.force_login(staff)
    html = client.get(reverse("notifications:operations")).content.decode()
    assert 'data-testid="outbox-pending">1<' in html
    assert 'data-testid="outbox-failed">1<' in html
    assert "SMTPServerDisconnected: gone" in html
    assert "notifications.tasks.outbox_sweep_task" in html
    assert PeriodicTaskRun.objects.get(task="notifications.tasks.outbox_sweep_task").last_state == "SUCCESS"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["student", "employer", "career_services"])
def test_operations_page_is_refused_to_non_staff(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("notifications:operations"))
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.django_db
def test_run_periodic_refuses_unknown_task():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a periodic task"):
        call_command("run_periodic", "os.system")
