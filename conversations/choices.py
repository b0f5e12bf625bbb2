from django.db import models


class Side(models.TextChoices):
    """The two parties of an application's conversation."""

    STUDENT = "student", "Student"
    ORGANIZATION = "organization", "Organization"
