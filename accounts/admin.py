from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .forms import InstitutionDomainForm
from .models import (
    CareerServicesMembership,
    Institution,
    InstitutionDomain,
    InstitutionLinkRequest,
    Invitation,
    Membership,
    Organization,
    PersonalToken,
    Skill,
    StudentProfile,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "anonymised_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "role", "password1", "password2"]})]


class InstitutionDomainInline(admin.TabularInline):
    model = InstitutionDomain
    form = InstitutionDomainForm
    extra = 1


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]
    search_fields = ["name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [InstitutionDomainInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "verification", "created_at"]
    list_filter = ["verification", "country"]
    search_fields = ["name", "website"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    readonly_fields = ["verification", "verification_note", "verified_at"]
    actions = ["mark_verified", "mark_rejected", "mark_unverified"]

    # Verification goes through the service so the owner is notified.
    def _set(self, request, queryset, state):
        for organization in queryset:
            services.organization_set_verification(organization=organization, verification=state, by=request.user)
        self.message_user(request, f"{queryset.count()} organization(s) set to {state}.")

    @admin.action(description="Mark as verified (notifies the owner)")
    def mark_verified(self, request, queryset):
        self._set(request, queryset, Organization.Verification.VERIFIED)

    @admin.action(description="Mark as rejected (notifies the owner)")
    def mark_rejected(self, request, queryset):
        self._set(request, queryset, Organization.Verification.REJECTED)

    @admin.action(description="Mark as unverified (notifies the owner)")
    def mark_unverified(self, request, queryset):
        self._set(request, queryset, Organization.Verification.UNVERIFIED)


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "program", "graduation_year", "country"]
    list_filter = ["institution", "visibility"]
    search_fields = ["user__email", "user__name", "program"]
    raw_id_fields = ["user"]
    filter_horizontal = ["skills"]
    # The résumé is private to the student, the organizations they applied to and their career
    # services (accounts.permissions.can_view_resume): site staff are not among them, so the admin
    # says whether one is on file and never links to the file.
    exclude = ["resume"]
    readonly_fields = ["resume_on_file"]

    @admin.display(description="Résumé", boolean=True)
    def resume_on_file(self, obj):
        return bool(obj.pk and obj.resume)


admin.site.register(Skill)
admin.site.register(CareerServicesMembership)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "organization", "institution", "created_at", "expires_at", "accepted_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
    raw_id_fields = ["invited_by", "accepted_by"]
    readonly_fields = ["token"]


@admin.register(InstitutionLinkRequest)
class InstitutionLinkRequestAdmin(admin.ModelAdmin):
    list_display = ["student", "institution", "status", "created_at", "decided_at"]
    list_filter = ["status", "institution"]
    raw_id_fields = ["student", "decided_by"]


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    """Staff see tokens (never a secret: only its hash exists) and can revoke a leaked one."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "scope", "key_hash", "prefix", "created_at", "last_used_at", "expires_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a token is made by its user, who alone sees the secret

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.personal_token_revoke(user=token.user, token_id=token.pk)
