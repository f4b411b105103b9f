"""Which text encoding a file is in, and decoding it without surprises."""
from __future__ import annotations

import codecs

from est_data.ingest.errors import IngestError

SAMPLE_BYTES = 1 << 20  # how much of a file the readers look at first


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes.

    A BOM decides; otherwise valid UTF-8 is UTF-8 and anything else is Windows-1252
    (a superset of Latin-1 for the letters Swedish needs).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample may cut a multi-byte character in two at its end.
        if exc.start >= len(head) - 3 and len(head) >= SAMPLE_BYTES - 3:
            return "utf-8"
        return "cp1252"


def decode_sample(head: bytes, encoding: str) -> str:
    if encoding == "cp1252":
        return decode_cp1252(head)
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
