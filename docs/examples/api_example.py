"""An example integration with the Klantenportaal API (docs/api.md): create a client and a
dossier, publish a PDF in it, and read whether the client downloaded it.

    KLP_URL=https://portaal.kantoor.nl KLP_API_KEY=klp_... python api_example.py concept.pdf

Needs `requests`. Each create carries an Idempotency-Key, so running it again after a
network error never makes a second client, dossier or document.
"""
import os
import sys
import uuid

import requests

BASE = os.environ.get("KLP_URL", "http://127.0.0.1:5000").rstrip("/") + "/api/v1"
RUN = os.environ.get("KLP_RUN", uuid.uuid4().hex[:8])  # one run's idempotency keys

api = requests.Session()
api.headers["Authorization"] = f"Bearer {os.environ['KLP_API_KEY']}"


def call(method, path, key=None, **kwargs):
    """One API call; stops with the problem's title and fields on an error."""
    headers = {"Idempotency-Key": f"{RUN}-{key}"} if key else {}
    response = api.request(method, BASE + path, headers=headers, timeout=60, **kwargs)
    if response.status_code >= 400:
        problem = response.json()
        sys.exit(f"{method} {path}: {problem['status']} {problem['title']} "
                 f"{problem.get('detail', '')} {problem.get('errors', '')}")
    return response.json()


def main(pdf_path):
    me = call("GET", "/me")
    status = call("GET", "/statuses")["items"][0]["code"]
    client = call("POST", "/clients", key="client", json={
        "name": "Jan de Vries", "email": f"jan.{RUN}@example.nl", "language": "nl"})
    print(f"client {client['id']} created; the invitation mail is on its way")
    dossier = call("POST", "/dossiers", key="dossier", json={
        "number": f"2026-{RUN}", "description": "Aankoop woning", "status": status,
        "lawyer_id": int(os.environ.get("KLP_LAWYER_ID", me["acts_as_id"])),
        "client_ids": [client["id"]]})
    print(f"dossier {dossier['number']} created")
    with open(pdf_path, "rb") as pdf:
        document = call("POST", f"/dossiers/{dossier['id']}/documents", key="document",
                        data={"category": "document", "title": "Concept koopakte"},
                        files={"file": (os.path.basename(pdf_path), pdf, "application/pdf")})
    print(f"document {document['id']} published ({document['size']} bytes)")
    for row in call("GET", f"/documents/{document['id']}/downloads")["items"]:
        state = "downloaded" if row["downloaded"] else "not downloaded yet"
        print(f"client {row['client_id']}: {state}")


if __name__ == "__main__":
    main(sys.argv[1])
