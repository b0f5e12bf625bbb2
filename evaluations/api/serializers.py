from rest_framework import serializers

from marketplace.serializers import Serializer

TEXTAREA = {"base_template": "textarea.html"}


class SupervisorEvaluationInput(Serializer):
    communication = serializers.IntegerField(min_value=1, max_value=5)
    quality = serializers.IntegerField(min_value=1, max_value=5)
    reliability = serializers.IntegerField(min_value=1, max_value=5)
    initiative = serializers.IntegerField(min_value=1, max_value=5)
    remote = serializers.IntegerField(min_value=1, max_value=5)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=4000, style=TEXTAREA)
    endorsement = serializers.CharField(required=False, allow_blank=True, max_length=300)


class StudentEvaluationInput(Serializer):
    self_communication = serializers.IntegerField(min_value=1, max_value=5)
    self_quality = serializers.IntegerField(min_value=1, max_value=5)
    self_reliability = serializers.IntegerField(min_value=1, max_value=5)
    self_initiative = serializers.IntegerField(min_value=1, max_value=5)
    self_remote = serializers.IntegerField(min_value=1, max_value=5)
    self_comments = serializers.CharField(required=False, allow_blank=True, max_length=4000, style=TEXTAREA)
    supervision = serializers.IntegerField(min_value=1, max_value=5)
    feedback = serializers.IntegerField(min_value=1, max_value=5)
    clarity = serializers.IntegerField(min_value=1, max_value=5)
    learning = serializers.IntegerField(min_value=1, max_value=5)
    would_recommend = serializers.BooleanField()
    review_comments = serializers.CharField(required=False, allow_blank=True, max_length=4000, style=TEXTAREA)


class SkillRatingsOutput(Serializer):
    communication = serializers.IntegerField(allow_null=True)
    quality = serializers.IntegerField(allow_null=True)
    reliability = serializers.IntegerField(allow_null=True)
    initiative = serializers.IntegerField(allow_null=True)
    remote = serializers.IntegerField(allow_null=True)


class ReviewRatingsOutput(Serializer):
    supervision = serializers.IntegerField(allow_null=True)
    feedback = serializers.IntegerField(allow_null=True)
    clarity = serializers.IntegerField(allow_null=True)
    learning = serializers.IntegerField(allow_null=True)


class SupervisorPartOutput(Serializer):
    ratings = SkillRatingsOutput()
    comments = serializers.CharField()
    endorsement = serializers.CharField()
    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    submitted_at = serializers.DateTimeField()


class SelfPartOutput(Serializer):
    ratings = SkillRatingsOutput()
    comments = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class ReviewPartOutput(Serializer):
    ratings = ReviewRatingsOutput()
    would_recommend = serializers.BooleanField(allow_null=True)
    comments = serializers.CharField()
    reply = serializers.CharField()


class ComparisonRowOutput(Serializer):
    skill = serializers.CharField()
    label = serializers.CharField()
    supervisor = serializers.IntegerField(allow_null=True)
    self = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField(allow_null=True, help_text="Supervisor minus self-assessment.")


class EvaluationOutput(Serializer):
    placement = serializers.IntegerField()
    side = serializers.CharField(help_text="student, supervisor or careers")
    opened_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    revealed = serializers.BooleanField()
    you_submitted = serializers.BooleanField()
    other_side_submitted = serializers.BooleanField()
    supervisor = SupervisorPartOutput(
        allow_null=True, help_text="Shown to the supervisor's side, to others once revealed."
    )
    self_assessment = SelfPartOutput(allow_null=True, help_text="Shown to the intern, to others once revealed.")
    review = ReviewPartOutput(allow_null=True, help_text="The intern's review of the organization.")
    comparison = ComparisonRowOutput(many=True)


class CertificateOutput(Serializer):
    code = serializers.CharField()
    placement = serializers.IntegerField(source="placement_id")
    student_name = serializers.CharField()
    organization_name = serializers.CharField()
    listing_title = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    supervisor_name = serializers.CharField()
    issued_at = serializers.DateTimeField()
    revoked = serializers.BooleanField(source="is_revoked")
    credential_id = serializers.CharField()
    credential_jwt = serializers.CharField(help_text="The Open Badges 3.0 credential as a compact VC-JWT.")


class GoalTextOutput(Serializer):
    text = serializers.CharField()


class VerificationOutput(Serializer):
    code = serializers.CharField()
    status = serializers.CharField(help_text="valid or revoked")
    revoked_reason = serializers.CharField()
    student_name = serializers.CharField()
    organization_name = serializers.CharField()
    listing_title = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    supervisor_name = serializers.CharField()
    goals = GoalTextOutput(many=True)
    issued_at = serializers.DateTimeField()
    endorsement = serializers.CharField(allow_null=True, help_text="Only when the intern published it.")
    ratings = SkillRatingsOutput(allow_null=True, help_text="Only when the intern published them.")


class PortfolioEntryOutput(Serializer):
    code = serializers.CharField()
    listing_title = serializers.CharField()
    organization_name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    verify_url = serializers.CharField()
    links = serializers.ListField(child=serializers.URLField())
    endorsement = serializers.CharField(allow_null=True)
    ratings = SkillRatingsOutput(allow_null=True)


class PortfolioOutput(Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    headline = serializers.CharField()
    placements = PortfolioEntryOutput(many=True)
