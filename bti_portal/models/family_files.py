"""The files a family may attach to its contribution to the log."""

import os

# What a family writes into the log at most, in characters.
CONTRIBUTION_MAX_CHARS = 5000
# The largest file a family attaches, in bytes: below Odoo's 10 MB limit of
# a form in memory (odoo.http), so that a file too large is told on the page.
CONTRIBUTION_MAX_BYTES = 8 * 1024 * 1024
# The files a family may attach: recognised by their leading bytes (a renamed
# program is refused), and by a name ending that matches what they are.
CONTRIBUTION_FILE_TYPES = {
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
}


def contribution_file_type(file_name, content):
    """The mimetype of an allowed file, or None."""
    ending = os.path.splitext(file_name or "")[1].lower()
    for mimetype, (signatures, endings) in CONTRIBUTION_FILE_TYPES.items():
        if content.startswith(signatures) and ending in endings:
            return mimetype
    return None
