"""The TrueType faces embedded in invoice PDFs.

ReportLab's built-in fonts have no glyphs for much of Latin Extended-A, so an Estonian "Õismäe" or
a Lithuanian "Šiaulių" would print as boxes. Open Sans (Apache-2.0) covers Latin, Latin Extended-A,
Greek and Cyrillic and comes from PyPI as the ttf-opensans package, so the font files are a pinned
dependency, never a file in this repository.

The reduced variant ("Reduce PDF file size") embeds a single face: Open Sans Regular, the face of
the family with the least outline data per glyph; the normal variant adds bold and italic for
headings and references.
"""
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ttf_opensans


@dataclass(frozen=True)
class Face:
    asset: str  # the name the stylesheet asks the link callback for, e.g. "font-regular"
    path: Path
    weight: str
    style: str


@dataclass(frozen=True)
class FontSet:
    family: str
    faces: tuple[Face, ...]

    @property
    def assets(self) -> dict[str, Path]:
        return {face.asset: face.path for face in self.faces}


def _face(asset: str, font: "ttf_opensans.TTFFont", weight: str = "normal", style: str = "normal") -> Face:
    return Face(asset=asset, path=Path(font.path).resolve(), weight=weight, style=style)


@cache
def font_set(*, reduced: bool) -> FontSet:
    """The faces of one variant; looked up once per process and checked to exist.

    Distinct family names keep the two variants apart in ReportLab's process-wide font registry, so
    a reduced render never picks up the bold face a normal render registered before it."""
    if reduced:
        fonts = FontSet("InvoiceCompact", (_face("font-compact", ttf_opensans.OPENSANS_REGULAR),))
    else:
        fonts = FontSet("InvoiceSans", (
            _face("font-regular", ttf_opensans.OPENSANS_REGULAR),
            _face("font-bold", ttf_opensans.OPENSANS_BOLD, weight="bold"),
            _face("font-italic", ttf_opensans.OPENSANS_ITALIC, style="italic"),
        ))
    missing = [str(face.path) for face in fonts.faces if not face.path.is_file()]
    if missing:
        # Without the file xhtml2pdf would quietly fall back to Helvetica and lose õ, š and ž.
        raise FileNotFoundError(f"invoice font file missing: {', '.join(missing)} (reinstall ttf-opensans)")
    return fonts
