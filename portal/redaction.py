"""Masking of credentials in anything that is logged or stored as an excerpt."""
import re

MASK = "***"

_SENSITIVE_NAMES = (
    "password|passwd|secret|token|api[_-]?key|client[_-]?key|authorization|x-auth-key|"
    "x-appsecrettoken|x-agreementgranttoken|x-netvisor-authentication-mac|client_secret|access_token"
)
_HEADER_OR_PAIR = re.compile(
    rf'(?i)(["\']?(?:{_SENSITIVE_NAMES})["\']?\s*[:=]\s*)(["\']?)([^"\'\s,&}}<]+)'
)
_XML_ELEMENT = re.compile(rf"(?i)(<(?:{_SENSITIVE_NAMES})>)([^<]*)(</)")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")


def redact_text(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """Mask known secret values and anything shaped like a credential field."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    text = _BEARER.sub(rf"\1{MASK}", text)
    text = _HEADER_OR_PAIR.sub(rf"\1\2{MASK}", text)
    text = _XML_ELEMENT.sub(rf"\1{MASK}\3", text)
    return text


def redact_mapping(headers: dict, secrets=()) -> dict:
    sensitive = re.compile(rf"(?i)^(?:{_SENSITIVE_NAMES})$")
    return {k: (MASK if sensitive.match(str(k)) else redact_text(str(v), secrets)) for k, v in headers.items()}
