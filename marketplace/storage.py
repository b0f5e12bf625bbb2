from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Résumés and exports: stored outside every served path and never given a public URL.

    Views that check permissions stream these files; a template that asks for ``.url`` gets an
    error instead of a link that would fall back to MEDIA_URL.
    """

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through a permission-checked view.")
