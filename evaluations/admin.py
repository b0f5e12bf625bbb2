from django.contrib import admin, messages

from . import services
from .models import Certificate, SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """The credential signing keys: the private half never shown; rotate from the list."""

    list_display = ["kid", "active", "created_at", "retired_at"]
    fields = ["kid", "public_key", "active", "created_at", "retired_at"]
    readonly_fields = fields
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted key would stop its credentials from verifying

    @admin.action(description="Rotate: make a new active key (old keys stay published)")
    def rotate(self, request, queryset):
        key = services.signing_key_rotate()
        self.message_user(request, f"New active key {key.kid}.", messages.SUCCESS)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued by completing a placement; revoke one from its verify page."""

    list_display = ["code", "student_name", "organization_name", "listing_title", "issued_at", "revoked_at"]
    search_fields = ["code", "student_name", "organization_name"]
    readonly_fields = [f.name for f in Certificate._meta.fields if f.name != "credential_jwt"]
    exclude = ["credential_jwt"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
