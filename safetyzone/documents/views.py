from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safetyzone.core.pagination import Paginator
from safetyzone.core.uploads import protected_file_response

from . import selectors, services
from .models import GeneratedDocument
from .registry import get_document_kind


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.document_list(user=request.user)
    page = Paginator(documents, 20).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {"page": page})


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    reason = " ".join(exc.messages)
    if request.headers.get("HX-Request"):
        return render(request, "documents/_refused.html", {"reason": reason})
    messages.error(request, reason)
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("documents:list")


def _queued(request: HttpRequest, document: GeneratedDocument) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "documents/_status.html", {"document": document})
    messages.info(request, _("“%s” is being generated.") % document.filename)
    return redirect("documents:list")


@login_required
@require_POST
def document_request(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    subject = selectors.document_subject_get(user=request.user, kind=kind, object_id=object_id)
    try:
        document = services.document_request(user=request.user, kind=kind, subject=subject)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _refused(request, exc)
    return _queued(request, document)


def _export_query(request: HttpRequest) -> QueryDict:
    """The export's parameters: the page's query string, and the fields of the form that
    posted it (the evidence pack's units), the form's winning."""
    query = request.GET.copy()
    for name in request.POST:
        if name != "csrfmiddlewaretoken":
            query.setlist(name, request.POST.getlist(name))
    return query


@login_required
@require_http_methods(["GET", "POST"])
def document_export(request: HttpRequest, kind: str) -> HttpResponse:
    """An export (the ledger, a statistics table) of what the user sees, narrowed by the
    query string's filters. POST queues it (the page's export buttons post here, htmx
    swaps in its progress); GET shows what would be exported and the button, which is
    where the old download links lead."""
    doc_kind = selectors.document_kind_get(code=kind)
    if not doc_kind.is_export:
        raise Http404("Not an export")
    if request.method == "POST":
        try:
            document, _created = services.document_export_request(
                user=request.user, kind=kind, query=_export_query(request)
            )
        except ValidationError as exc:
            return _refused(request, exc)
        return _queued(request, document)
    if doc_kind.permission and not request.user.has_perm(doc_kind.permission):
        raise PermissionDenied
    try:
        parameters = doc_kind.parameters(request.user, request.GET)
    except ValidationError as exc:
        parameters, described, errors = {}, "", exc.messages
    else:
        described = doc_kind.describe(request.user, parameters) if doc_kind.describe else ""
        errors = []
    return render(
        request,
        "documents/export.html",
        {
            "kind": doc_kind,
            "query": request.GET.urlencode(),
            "described": described,
            "errors": errors,
            "parameters": parameters,
        },
    )


@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    return render(request, "documents/_status.html", {"document": document})


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("“%s” was deleted.") % document.filename)
    return redirect("documents:list")


def file_response(document: GeneratedDocument) -> FileResponse:
    """The document's file as an attachment named with its (Chinese) file name; 404
    while it has none. Precondition: ``document`` came through a scoped selector.

    A PDF is served by the type found in its bytes, as every stored file is; a
    spreadsheet (a zip to a sniffer) by its kind's type: the server wrote it."""
    if not document.is_downloadable:
        raise Http404("The document has no file yet")
    try:
        doc_kind = get_document_kind(document.kind)
    except LookupError:
        doc_kind = None
    if doc_kind is None or doc_kind.extension == "pdf":
        return protected_file_response(document.file, label=document.filename, attachment=True)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=doc_kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    return file_response(selectors.document_get(user=request.user, pk=pk))
