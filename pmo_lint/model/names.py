"""Name and reference patterns, importable without pydantic."""

from __future__ import annotations

import re

API_VERSION = "pmo-lint/v1"
SCHEMA_BASE_URL = "https://pmo-lint.dev/schemas/v1/"

NAME_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# [kind:][namespace/]name, after Backstage's entity references
REF_PATTERN = r"^(?:[a-zA-Z][a-zA-Z-]*:)?(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:-[a-z0-9]+)*$"
REF_RE = re.compile(REF_PATTERN)
