"""The OpenAPI schema tells a client which error answers each operation may give (the
glue of safetyzone.core.api_errors): a 409 and a 400 on every write, never a 409 on a
read, and a 403 on every operation that needs a role."""

import pytest
from drf_spectacular.generators import SchemaGenerator

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_write_documents_the_conflict_and_the_validation_error(operations):
    writes = [(p, m, o) for p, m, o in operations if m in WRITES]
    assert len(writes) > 50
    missing = [(p, m) for p, m, o in writes if not {"400", "409"} <= set(o["responses"])]
    assert missing == []


def test_no_read_documents_a_conflict(operations):
    reads = [(p, m) for p, m, o in operations if m == "get" and "409" in o["responses"]]
    assert reads == []


# Open to anyone: signing in for a token, and the schema itself.
PUBLIC = ("/api/v1/auth/token/", "/api/v1/schema")


def test_every_operation_that_needs_a_role_documents_403(operations):
    guarded = [(p, m, o) for p, m, o in operations if not p.startswith(PUBLIC)]
    assert len(guarded) > 100
    assert [(p, m) for p, m, o in guarded if "403" not in o["responses"]] == []
