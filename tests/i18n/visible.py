"""What a reader of a page sees: its text nodes and the texts of its attributes that are shown."""
from html.parser import HTMLParser

#: Attributes a browser shows (a button's value, a tooltip, an image's alternative text ...).
SHOWN_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
HIDDEN_ELEMENTS = {"script", "style", "head", "template"}


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in SHOWN_ATTRIBUTES:
                self._add(value)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset") and attributes.get("value"):
            self._add(attributes["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    """The page's visible text pieces in order, whitespace collapsed (the <title> is left out: it repeats
    the heading)."""
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def normalized(text: str) -> str:
    """How a label is compared: letter case and a label's trailing colon do not matter."""
    return " ".join(text.split()).rstrip(":").strip().casefold()
