"""Filters for the log handlers configured in settings.LOGGING."""

import logging


class ClientErrorOneLine(logging.Filter):
    """A 4xx answer (a refused permission, a malformed request) is the client's doing, not a fault
    of ours: it is logged as one line with the reason the code gave, never with a traceback.

    Django logs ``PermissionDenied`` and friends with the exception attached (``exc_info``), which
    prints a full traceback for every 403; 5xx records keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 500 or not record.exc_info:
            return True
        exception = record.exc_info[1]
        reason = " ".join(str(exception).split())[:200] if exception is not None else ""
        if reason and reason not in record.getMessage():
            record.msg = f"{record.msg} ({reason.replace('%', '%%')})"
        record.exc_info = None
        record.exc_text = None
        return True
