from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from .serializers import NotificationOutputSerializer, PreferencesInput, PreferencesOutput


class NotificationListApi(generics.ListAPIView):
    """The signed-in user's notifications, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationOutputSerializer

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)


class NotificationMarkReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer(
            "MarkReadInput", {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)}
        ),
        responses=inline_serializer("MarkReadOutput", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        ids = data.get("ids")
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
            return Response({"ids": ["A list of notification ids is expected."]}, status=400)
        return Response({"marked": services.notifications_mark_read(user=request.user, ids=ids)})


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

    permission_classes = [IsAuthenticated]

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
