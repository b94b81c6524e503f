from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.pagination import Paginator
from safetyzone.core.uploads import protected_file_response

from . import selectors, services
from .models import GeneratedDocument


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.document_list(user=request.user)
    page = Paginator(documents, 20).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {"page": page})


@login_required
@require_POST
def document_request(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    subject = selectors.document_subject_get(user=request.user, kind=kind, object_id=object_id)
    try:
        document = services.document_request(user=request.user, kind=kind, subject=subject)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        if request.headers.get("HX-Request"):
            return render(request, "documents/_refused.html", {"reason": reason})
        messages.error(request, reason)
        back = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return redirect(back)
        return redirect("documents:list")
    if request.headers.get("HX-Request"):
        return render(request, "documents/_status.html", {"document": document})
    messages.info(request, _("“%s” is being generated.") % document.filename)
    return redirect("documents:list")


@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    return render(request, "documents/_status.html", {"document": document})


def file_response(document: GeneratedDocument) -> FileResponse:
    """The document's PDF as an attachment named with its (Chinese) file name; 404 while
    it has none. Precondition: ``document`` came through a scoped selector."""
    if not document.is_downloadable:
        raise Http404("The document has no file yet")
    return protected_file_response(document.file, label=document.filename, attachment=True)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    return file_response(selectors.document_get(user=request.user, pk=pk))
