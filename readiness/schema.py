"""The API schema says how every route can answer, errors included, so that a
client (or a fuzzer) finds no answer the schema did not promise."""

from __future__ import annotations

ERRORS = {
    "400": "The input was refused; the body says why, per field or in non_field_errors.",
    "401": "No valid token or session: authenticate first.",
    "403": "The caller's role does not carry the right for this.",
    "404": "Not found, or outside the caller's scope (the two answer alike).",
    "429": "Too many requests (searches of person files, failed logins).",
}
ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": True,
    "description": "`detail` for most errors; field names for refused input.",
}


def add_error_responses(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation documents the errors
    the project-wide handler may answer with."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": description, "content": ref})
    return result
