"""Which text encoding a file is in, and decoding it without surprises."""
from __future__ import annotations

import codecs

from est_data.ingest.errors import IngestError

SAMPLE_BYTES = 1 << 20  # how much of a file the readers look at first


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes.

    A BOM decides. Otherwise a sample whose lines are all valid UTF-8, or that has
    at least one line with non-ASCII UTF-8, is UTF-8 (a line that is not, say one
    pasted from an old system, is decoded by itself: :func:`decode_lines`); a sample
    with no UTF-8 at all is Windows-1252 (a superset of Latin-1 for the letters Swedish
    needs).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    body = head
    if len(head) >= SAMPLE_BYTES - 3:
        # A full sample may cut its last line, and a character, in two.
        cut = head.rfind(b"\n")
        body = head[:cut + 1] if cut >= 0 else head[:-3]
    _, fallback, utf8 = decode_lines(body)
    return "utf-8" if utf8 or not fallback else "cp1252"


def decode_lines(data: bytes) -> tuple[str, int, bool]:
    """UTF-8 text decoded line by line, a line that is not valid UTF-8 as Windows-1252.

    Returns the text, the number of lines decoded by that fallback, and whether any
    other line holds non-ASCII UTF-8 (if none does, the data is simply Windows-1252).
    Valid stretches are decoded in one piece, so a clean file costs one decode.
    """
    view = memoryview(data)
    parts: list[str] = []
    fallback, utf8, pos = 0, False, 0
    while pos < len(data):
        try:
            parts.append(str(view[pos:], "utf-8"))
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
            start = max(data.rfind(b"\n", pos, bad) + 1, pos)
            end = data.find(b"\n", bad)
            end = len(data) if end < 0 else end + 1
            good = data[pos:start]
            parts.append(good.decode("utf-8"))
            parts.append(decode_cp1252(data[start:end]))
            utf8 = utf8 or not good.isascii()
            fallback, pos = fallback + 1, end
            continue
        utf8 = utf8 or not parts[-1].isascii()
        break
    return "".join(parts), fallback, utf8


def decode_sample(head: bytes, encoding: str) -> str:
    """The first bytes of a file as text (a cut character at the end is dropped)."""
    if encoding == "cp1252":
        return decode_cp1252(head)
    if encoding == "utf-8":
        cut = head.rfind(b"\n") + 1 if len(head) >= SAMPLE_BYTES - 3 else len(head)
        return decode_lines(head[:cut])[0] + head[cut:].decode("utf-8", errors="ignore")
    return head.decode(encoding, errors="ignore")


def decode_cp1252(data: bytes) -> str:
    # Five byte values are undefined in CP1252; Latin-1 maps them to control characters.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def check_text(sample: str) -> None:
    if not sample.strip():
        raise IngestError("the file is empty", "Filen är tom.")
    bad = sum(1 for ch in sample[:65536] if (ord(ch) < 32 and ch not in "\t\r\n\f")
              or ch == "\ufffd")
    if "\x00" in sample or bad > max(3, len(sample[:65536]) // 100):
        raise IngestError(
            "the file does not look like text (CSV), an Excel file or JSON",
            "Filen ser inte ut som text (CSV), en Excel-fil eller JSON.")
