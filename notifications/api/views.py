from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from .serializers import NotificationOutputSerializer


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
            raise serializers.ValidationError({"ids": ["A list of notification ids is expected."]})
        return Response({"marked": services.notifications_mark_read(user=request.user, ids=ids)})
