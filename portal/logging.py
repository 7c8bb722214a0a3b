"""A logging filter that masks anything that looks like a credential before it is written."""
import logging

from .redaction import redact_text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                return True
            record.args = None
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True

