from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"

    def ready(self):
        from applications.signals import applications_left_status

        from .services import interviews_on_applications_left_status

        # An application that leaves "interview" stops being offered times, in its transaction.
        applications_left_status.connect(
            interviews_on_applications_left_status, dispatch_uid="interviews.on_applications_left_status"
        )
