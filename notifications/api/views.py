from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_permissions import SIGNED_IN

from .. import selectors, services
from ..filters import NotificationFilter
from ..models import Notification
from .serializers import (
    MarkReadInput,
    MarkReadOutput,
    NotificationOutputSerializer,
    PreferencesInput,
    PreferencesOutput,
)


class NotificationListApi(generics.ListAPIView):
    """The signed-in user's notifications, newest first; filtered by ``NotificationFilter``."""

    permission_classes = SIGNED_IN
    serializer_class = NotificationOutputSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # the model, for the schema: get_queryset scopes by user

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)


class NotificationMarkReadApi(APIView):
    permission_classes = SIGNED_IN

    @extend_schema(request=MarkReadInput, responses=MarkReadOutput)
    def post(self, request):
        serializer = MarkReadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(user=request.user, ids=serializer.validated_data.get("ids"))
        return Response(MarkReadOutput({"marked": marked}).data)


def _preferences(user) -> dict:
    return {
        "events": [
            {"event": event.name, "label": event.label, "email": email}
            for event, email in selectors.email_preferences(user)
        ]
    }


class NotificationPreferencesApi(APIView):
    """Which events also come by email (in-app notifications always appear): the preferences page's
    form and service."""

    permission_classes = SIGNED_IN

    @extend_schema(operation_id="notification_preferences_retrieve", responses={200: PreferencesOutput})
    def get(self, request):
        return Response(PreferencesOutput(_preferences(request.user)).data)

    @extend_schema(
        operation_id="notification_preferences_update", request=PreferencesInput, responses={200: PreferencesOutput}
    )
    def put(self, request):
        serializer = PreferencesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.preferences_set(user=request.user, email_events=serializer.validated_data["email_events"])
        return Response(PreferencesOutput(_preferences(request.user)).data)
