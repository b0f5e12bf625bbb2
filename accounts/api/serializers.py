from rest_framework import serializers

from accounts.models import PersonalToken, StudentProfile
from marketplace.serializers import ModelSerializer, Serializer

TEXTAREA = {"base_template": "textarea.html"}


class TokenOutput(ModelSerializer):
    """A personal token as its owner sees it: never its secret."""

    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = PersonalToken
        fields = ["id", "name", "prefix", "scope", "created_at", "last_used_at", "expires_at", "revoked_at", "active"]


class TokenCreateInput(Serializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=PersonalToken.Scope.choices, default=PersonalToken.Scope.READ)
    lifetime_days = serializers.ChoiceField(choices=[(d, f"{d} days") for d in PersonalToken.LIFETIMES], default=90)


class TokenCreatedOutput(TokenOutput):
    secret = serializers.CharField(help_text="The token itself: shown only in this answer, never again")

    class Meta(TokenOutput.Meta):
        fields = [*TokenOutput.Meta.fields, "secret"]


class OrganizationRefOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")


class InstitutionRefOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class ProfileOutput(ModelSerializer):
    institution = InstitutionRefOutput(allow_null=True)
    skills = serializers.SerializerMethodField()
    has_resume = serializers.SerializerMethodField()

    class Meta:
        model = StudentProfile
        fields = [
            "institution",
            "program",
            "graduation_year",
            "country",
            "time_zone",
            "weekly_availability_hours",
            "skills",
            "bio",
            "links",
            "visibility",
            "has_resume",
            "resume_uploaded_at",
            "updated_at",
        ]

    def get_skills(self, obj) -> list[str]:
        return [s.name for s in obj.skills.all()]

    def get_has_resume(self, obj) -> bool:
        return bool(obj.resume)


class MeOutput(Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()
    organization = OrganizationRefOutput(allow_null=True, help_text="Employers: their organization")
    organization_role = serializers.CharField(allow_null=True, help_text="owner or recruiter")
    institution = InstitutionRefOutput(allow_null=True, help_text="Career services: their institution")
    profile = ProfileOutput(allow_null=True, help_text="Students: their profile")
    token_scope = serializers.CharField(allow_null=True, help_text="The scope of the token used, if any")


class MeUpdateInput(Serializer):
    """A student's profile change (PATCH: only the fields sent change). The profile page's form
    checks it, so the rules are the page's."""

    name = serializers.CharField(max_length=150, required=False)
    program = serializers.CharField(max_length=150, required=False, allow_blank=True)
    graduation_year = serializers.IntegerField(required=False, allow_null=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False)
    weekly_availability_hours = serializers.IntegerField(required=False, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=30)
    bio = serializers.CharField(required=False, allow_blank=True, max_length=4000, style=TEXTAREA)
    links = serializers.ListField(child=serializers.URLField(max_length=500), required=False, max_length=10)
    visibility = serializers.ChoiceField(choices=StudentProfile.Visibility.choices, required=False)
    resume = serializers.FileField(required=False, help_text="A PDF résumé (multipart/form-data)")
    remove_resume = serializers.BooleanField(required=False)


class MyOrganizationOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    website = serializers.CharField()
    country = serializers.CharField()
    description = serializers.CharField()
    verification = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")
    created_at = serializers.DateTimeField()


class MemberOutput(Serializer):
    id = serializers.IntegerField(help_text="The membership's id")
    name = serializers.CharField(source="user.name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class InvitationOutput(Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    invited_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    def get_invited_by(self, obj) -> str:
        return obj.invited_by.get_full_name() if obj.invited_by else ""


class InvitationInput(Serializer):
    email = serializers.EmailField(max_length=254)


class LinkRequestOutput(Serializer):
    id = serializers.IntegerField()
    student_name = serializers.CharField(source="student.name")
    student_email = serializers.EmailField(source="student.email")
    student_number = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class InstitutionStaffOutput(Serializer):
    name = serializers.CharField(source="user.name")
    email = serializers.EmailField(source="user.email")


class MyInstitutionOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    country = serializers.CharField()
    domains = serializers.ListField(child=serializers.CharField())
    student_count = serializers.IntegerField(help_text="Students linked by address or approved request")
    staff = InstitutionStaffOutput(many=True)
    link_requests = LinkRequestOutput(many=True, help_text="Pending requests of students to be linked")


class LinkDecisionInput(Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
