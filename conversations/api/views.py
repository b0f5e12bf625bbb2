"""The conversations API: the same services and the same permission function as the pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import selectors, services
from conversations.permissions import conversation_access
from marketplace.api import Pagination, paginated, validation_response
from marketplace.api_permissions import SIGNED_IN

from .serializers import (
    ConversationMessageInput,
    ConversationMessageOutput,
    ConversationReadInput,
    ConversationReadOutput,
    ConversationUnreadOutput,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


def _thread_or_404(request, pk: int):
    application = selectors.application_for_conversation(pk=pk)
    access = conversation_access(request.user, application) if application is not None else None
    if access is None or not access.read:
        raise Http404
    return application, access


class ConversationMessagesApi(APIView):
    """An application's conversation: the student and the organization's members read and write;
    career-services staff of the student's institution read once there is a placement."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(
        operation_id="conversation_messages_list",
        responses={200: ConversationMessageOutput(many=True), **ERRORS},
        description="Newest first (`next` gives older messages).",
    )
    def get(self, request, pk: int):
        application, _access = _thread_or_404(request, pk)
        messages = selectors.messages_for_api(application_id=application.pk).order_by("-pk")
        return paginated(self, messages, ConversationMessageOutput, context={"request": request})

    @extend_schema(
        operation_id="conversation_messages_create",
        request=ConversationMessageInput,
        responses={201: ConversationMessageOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        application, access = _thread_or_404(request, pk)
        if not access.write:
            raise PermissionDenied(access.reason)
        data = ConversationMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = services.message_post(
                application=application, user=request.user, body=data.validated_data["body"]
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            return validation_response(exc if hasattr(exc, "error_dict") else ValidationError({"body": exc.messages}))
        return Response(ConversationMessageOutput(message, context={"request": request}).data, status=201)


class ConversationMarkReadApi(APIView):
    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="conversation_mark_read",
        request=ConversationReadInput,
        responses={200: ConversationReadOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        application, _access = _thread_or_404(request, pk)
        data = ConversationReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        unread = services.conversation_mark_read(
            application=application, user=request.user, up_to=data.validated_data.get("up_to")
        )
        return Response({"unread": unread})


class ConversationUnreadApi(APIView):
    """Unread messages per conversation of the signed-in user (what the navigation badge sums)."""

    permission_classes = SIGNED_IN

    @extend_schema(operation_id="conversation_unread", responses={200: ConversationUnreadOutput})
    def get(self, request):
        threads = selectors.unread_by_thread(user=request.user)
        return Response(ConversationUnreadOutput({"total": sum(t["unread"] for t in threads), "threads": threads}).data)
