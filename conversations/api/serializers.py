from rest_framework import serializers

from conversations.choices import Side
from conversations.markdown import message_html
from conversations.services import MAX_LENGTH
from conversations.thread import person_name
from marketplace.serializers import Serializer


class ConversationMessageOutput(Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    side = serializers.ChoiceField(choices=Side.choices, help_text="Which party wrote it")
    author = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    body = serializers.CharField(
        help_text="What the author typed (plain text with Markdown links)", style={"base_template": "textarea.html"}
    )
    body_html = serializers.SerializerMethodField(help_text="The body as sanitised HTML")
    created_at = serializers.DateTimeField()

    def get_author(self, obj) -> str:
        return person_name(obj.author)

    def get_mine(self, obj) -> bool:
        return obj.author_id == self.context["request"].user.pk

    def get_body_html(self, obj) -> str:
        return str(message_html(obj.body))


class ConversationMessageInput(Serializer):
    body = serializers.CharField(max_length=MAX_LENGTH, trim_whitespace=True, style={"base_template": "textarea.html"})


class ConversationReadInput(Serializer):
    up_to = serializers.IntegerField(
        required=False, min_value=0, help_text="The newest message the client has shown (default: the newest)"
    )


class ConversationReadOutput(Serializer):
    unread = serializers.IntegerField(help_text="Messages of the other side still unread in this conversation")


class ConversationUnreadThread(Serializer):
    application = serializers.IntegerField(source="application_id")
    unread = serializers.IntegerField()


class ConversationUnreadOutput(Serializer):
    total = serializers.IntegerField()
    threads = ConversationUnreadThread(many=True)
