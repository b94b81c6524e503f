"""The font files of official documents (GB/T 9704-2012), declared by @font-face.

The meeting notice is set in FangSong (仿宋) with a Song title and page numbers and Hei
headings. These faces are files named by settings (the free Fandol faces of Debian's
texlive-lang-chinese by default), not fontconfig families: TeX Live's fonts are not on
fontconfig's path, and a file named by a setting can be swapped for the office's own
licensed face. A file that is missing is left out, and the template's font stack falls
back to the Noto CJK faces.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class OfficialFace:
    """One face as the templates name it (``family``) and the setting naming its file."""

    family: str
    setting: str
    weight: str = "normal"


OFFICIAL_FACES = (
    OfficialFace("Official FangSong", "PDF_FANGSONG_FONT"),
    OfficialFace("Official Song", "PDF_SONG_FONT"),
    OfficialFace("Official Song", "PDF_SONG_BOLD_FONT", weight="bold"),
    OfficialFace("Official Hei", "PDF_HEI_FONT"),
)


def _font_file(face: OfficialFace) -> Path | None:
    path = Path(getattr(settings, face.setting, "") or "").expanduser()
    return path.resolve() if path.is_absolute() and path.is_file() else None


def official_font_faces() -> list[dict[str, str]]:
    """What the templates' @font-face rules need: family, weight and URL of each file
    that exists."""
    return [
        {"family": face.family, "weight": face.weight, "url": path.as_uri()}
        for face in OFFICIAL_FACES
        if (path := _font_file(face))
    ]


def official_font_files() -> dict[str, Path]:
    """The configured font files that exist, by their file:// URL: the only files outside
    the static files a PDF may read."""
    return {path.as_uri(): path for face in OFFICIAL_FACES if (path := _font_file(face))}
