"""The API's documents: a dossier's documents, one document and its file, publishing in
Correspondentie or Documenten, withdrawing and publishing again, and who downloaded what; as
the staff side does (app/documents.py)."""
from datetime import datetime
from typing import Literal

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field

from .. import documents
from ..db import get_session
from ..models import DOCUMENT_CATEGORIES
from ..models import Document as Row
from ..staff.access import get_staff_document, get_staff_dossier, staff_documents
from .files import UploadQuery, fields, received_files, sent_files, upload_body
from .paging import ListQuery, page
from .problems import Problem, field_error
from .spec import operation

TAG = "documents"
READ, WRITE = "documents:read", "documents:write"


class Document(BaseModel):
    id: int
    dossier_id: int
    category: Literal[DOCUMENT_CATEGORIES] = Field(description=(
        "correspondence and document: published by the firm; provided: handed in by a "
        "client; attachment: attached to a message."))
    title: str
    filename: str = Field(description="The original name, for display and download.")
    content_type: str
    size: int = Field(description="In bytes.")
    sha256: str
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None = Field(description="Withdrawn: clients no longer see it.")
    uploaded_by_id: int | None
    request_item_id: int | None = Field(description="Handed in for this item of a request "
                                        "for documents.")


class DocumentList(BaseModel):
    items: list[Document]
    next_cursor: str | None


class DocumentQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")
    category: Literal[DOCUMENT_CATEGORIES] | None = None
    include_withdrawn: bool = Field(False, description="Also the withdrawn documents.")


class DocumentPublish(UploadQuery):
    """The text fields of a publication: form parts of a multipart call, else the query."""
    model_config = ConfigDict(extra="forbid")
    category: Literal["correspondence", "document"] = Field(
        "correspondence", description="Correspondentie or Documenten.")
    title: str | None = Field(None, max_length=documents.MAX_TITLE,
                              description="Else the file's name without its extension.")


class Download(BaseModel):
    client_id: int
    name: str
    downloaded: bool
    first_at: datetime | None
    last_at: datetime | None
    count: int = Field(description="How often this client downloaded it.")


class DownloadList(BaseModel):
    items: list[Download]


def as_document(row):
    return Document.model_validate(row, from_attributes=True)


@operation("GET", "/dossiers/<int:dossier_id>/documents", scope=READ, tag=TAG,
           query=DocumentQuery, response=DocumentList, summary="A dossier's documents",
           description="Every document of the dossier the key's account may see: published, "
                       "handed in by clients and attached to messages; withdrawn ones only "
                       "with include_withdrawn.")
def list_documents(dossier_id, query):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    found = staff_documents(g.api_user).where(Row.dossier_id == dossier.id)
    if query.category is not None:
        found = found.where(Row.category == query.category)
    if not query.include_withdrawn:
        found = found.where(Row.withdrawn_at.is_(None))
    rows, cursor = page(db, found, Row, query)
    return DocumentList(items=[as_document(row) for row in rows], next_cursor=cursor)


@operation("GET", "/documents/<int:document_id>", scope=READ, tag=TAG, response=Document,
           summary="A document")
def get_document(document_id):
    return as_document(get_staff_document(get_session(), g.api_user, document_id))


@operation("GET", "/documents/<int:document_id>/file", scope=READ, tag=TAG,
           summary="A document's file",
           description="The file under its own content type, as an attachment with its "
                       "original name; audited as a staff member's download (a client's "
                       "download mark is not touched).",
           content={"*/*": {"schema": {"type": "string", "format": "binary"}}})
def document_file(document_id):
    db = get_session()
    document = get_staff_document(db, g.api_user, document_id)
    response = documents.staff_download(db, g.api_user, document)
    db.commit()
    return response


@operation("POST", "/dossiers/<int:dossier_id>/documents", scope=WRITE, tag=TAG,
           query=DocumentPublish, request_body=upload_body(DocumentPublish, multiple=False),
           response=Document, status=201, errors=(413, 507), summary="Publish a document",
           description="One file, in Correspondentie (category correspondence) or "
                       "Documenten (document), checked as the staff's uploads are; the "
                       "dossier's clients are told as when staff publish.")
def publish_document(dossier_id, query):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    asked = fields(DocumentPublish)
    if len(sent_files()) > 1:
        raise field_error("file", _l("Send one file per call."))
    stored = received_files("file", asked.title or "")
    try:
        [document] = documents.publish(db, g.api_user, dossier, asked.category, stored)
        db.commit()
    except BaseException:
        db.rollback()
        documents.remove_stored(stored)
        raise
    return as_document(document), {"Location": url_for("api.get_document",
                                                       document_id=document.id)}


@operation("POST", "/documents/<int:document_id>/withdraw", scope=WRITE, tag=TAG,
           response=Document, summary="Withdraw a document",
           description="The clients no longer see it; withdrawing it again changes nothing.")
def withdraw_document(document_id):
    return _set_withdrawn(document_id, True)


@operation("POST", "/documents/<int:document_id>/republish", scope=WRITE, tag=TAG,
           response=Document, summary="Publish a withdrawn document again",
           description="The dossier's clients are told as for a new document; publishing a "
                       "published one changes nothing.")
def republish_document(document_id):
    return _set_withdrawn(document_id, False)


def _set_withdrawn(document_id, withdraw):
    db = get_session()
    document = get_staff_document(db, g.api_user, document_id)
    if document.category not in documents.PUBLISHED:
        raise Problem("conflict", _l("Only documents published in Correspondence or "
                                     "Documents can be withdrawn or published again."))
    dossier = get_staff_dossier(db, g.api_user, document.dossier_id)
    if documents.set_withdrawn(db, g.api_user, dossier, document, withdraw):
        db.commit()
    return as_document(document)


@operation("GET", "/documents/<int:document_id>/downloads", scope=READ, tag=TAG,
           response=DownloadList, summary="Who downloaded a document",
           description="Every client account of the dossier, also those who did not "
                       "download it, then accounts that downloaded it but no longer have "
                       "access to the dossier.")
def document_downloads(document_id):
    db = get_session()
    document = get_staff_document(db, g.api_user, document_id)
    dossier = get_staff_dossier(db, g.api_user, document.dossier_id)
    _names, marks = documents.downloads(db, dossier, [document])
    return DownloadList(items=[
        Download(client_id=user_id, name=name, downloaded=mark is not None,
                 first_at=mark.first_at if mark else None,
                 last_at=mark.last_at if mark else None, count=mark.count if mark else 0)
        for user_id, name, mark in marks[document.id]])

