"""Files sent to the API: multipart parts, or the raw body of a call, checked and stored as
the staff's uploads are (app/documents.py, app/uploads.py); and the OpenAPI description of
such bodies (UPLOAD_BODY, upload_body)."""
import io

from flask import request
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.datastructures import FileStorage
from werkzeug.http import parse_options_header

from .. import documents, uploads
from ..db import get_session
from .idempotency import FINGERPRINT_BODY
from .problems import Problem, field_error
from .spec import MESSAGES, validate

MULTIPART = "multipart/form-data"


class UploadQuery(BaseModel):
    """The query of a call that takes files; subclass it for the route's text fields."""
    model_config = ConfigDict(extra="forbid")
    filename: str | None = Field(None, max_length=255, description=(
        "The file's name when the body is the file itself (not multipart), unless "
        "Content-Disposition: attachment; filename=\"...\" names it."))


def is_multipart():
    return request.mimetype == MULTIPART


def sent_files(field="file"):
    """The files of this call, not stored yet (werkzeug FileStorage): the multipart parts
    named `field`, or for any other Content-Type the body itself, named by
    Content-Disposition (filename or filename*) or else the `filename` query parameter.
    [] when no file was sent; 422 on `filename` for a body without a name."""
    if is_multipart():
        return uploads.chosen_files(request.files.getlist(field))
    if not request.content_length and not request.environ.get("wsgi.input_terminated"):
        return []
    _kind, options = parse_options_header(request.headers.get("Content-Disposition", ""))
    name = options.get("filename") or request.args.get("filename")
    if not name:
        raise field_error("filename", MESSAGES["missing"])
    # The body as it came: a small one the Idempotency-Key's fingerprint may have read (and
    # kept) already, a large one is still unread.
    size = request.content_length
    stream = (io.BytesIO(request.get_data(cache=True))
              if size is not None and size <= FINGERPRINT_BODY else request.stream)
    return [FileStorage(stream=stream, filename=name, content_type=request.mimetype)]


def fields(model):
    """The route's text fields as `model`: the query parameters, and for a multipart call
    its text parts too (these win); 422 naming each wrong field."""
    data = request.args.to_dict()
    if is_multipart():
        data.update(request.form.to_dict())
    return validate(model, data, "body")


def received_files(field="file", title="") -> list:
    """Store the files of this call (sent_files) for publishing, checked exactly as the
    staff's uploads are. Returns a list of app.documents.Stored (file name, title,
    content type, storage key, sha256, size), in the order sent: what
    documents.publish(db, user, dossier, category, stored) needs. Each gets `title` (else
    its name without extension).

    Ends the call's read transaction first (no database lock during the disk work), so
    call it before changing anything. Nothing is kept when it raises: 422 on `field` when
    no file came or one is refused (type, content, empty), 413 `too-large` past the size
    limits, 507 on a full disk. The caller publishes the files and commits, or on a failure
    removes them (documents.remove_stored)."""
    files = sent_files(field)
    if not files:
        raise field_error(field, MESSAGES["missing"])
    get_session().commit()
    stored, problems = documents.store_files(files, [title or ""] * len(files))
    if problems:
        raise refused(field, problems)
    return stored


def refused(field, problems):
    """The Problem for uploads that were refused (`problems`: their messages): 413 when one
    was too large, else 422; each message is an error on `field`."""
    errors = [{"field": field, "detail": str(problem)} for problem in problems]
    sizes = [str(p) for p in problems if isinstance(p, uploads.SizeProblem)]
    if sizes:
        return Problem("too-large", " ".join(sizes), errors=errors)
    return Problem("validation", errors=errors)


def upload_body(model=None, *, raw=True, multiple=True):
    """The OpenAPI requestBody of a call that takes files: multipart/form-data with a part
    `file` (several with `multiple`) and the text fields of `model` (a pydantic model), and
    with `raw` the file itself as the body (its text fields then go in the query)."""
    binary = {"type": "string", "format": "binary"}
    properties = {"file": {"type": "array", "items": binary} if multiple else binary}
    if model is not None:
        schema = model.model_json_schema()
        properties.update({name: prop for name, prop in schema.get("properties", {}).items()
                           if name != "filename"})
    content = {MULTIPART: {
        "schema": {"type": "object", "properties": properties, "required": ["file"]},
        "encoding": {"file": {"contentType": "application/octet-stream"}}}}
    description = "The file as a multipart part named file"
    if raw:
        content["application/octet-stream"] = {"schema": binary}
        description += (", or the file itself as the body (any other Content-Type), named by "
                        "Content-Disposition: attachment; filename=\"...\" or the filename "
                        "query parameter; text fields then go in the query")
    return {"required": True, "description": description + ".", "content": content}


UPLOAD_BODY = upload_body()
