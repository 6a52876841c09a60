"""The firm's seal: a PAdES signature (pyHanko) on the receipt of an approval and, at the
firm's choice, on the approved PDF, so that a later change to either file shows in any PDF
reader (docs/seal.md: a real certificate, and how anyone checks a receipt)."""
import asyncio
import datetime
import io
import logging
import os
import secrets
import warnings
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

with warnings.catch_warnings():  # pyHanko still imports DSA, which cryptography deprecates
    warnings.simplefilter("ignore")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)


class NoSeal(Exception):
    """No seal is configured, or its files cannot be read."""


class NoTimestamp(Exception):
    """The timestamping authority of SEAL_TSA_URL did not answer, or gave no timestamp:
    nothing is sealed until it does (a seal without the timestamp the firm configured would
    be weaker evidence, and nobody would notice)."""


def _path(name):
    return name if os.path.isabs(name) else os.path.join(current_app.instance_path, name)


def _password():
    password = current_app.config.get("SEAL_PASSWORD")
    return password.encode() if isinstance(password, str) else password


def signer():
    """The firm's signer from the configuration (SEAL_* in app/config.py), loaded once per
    process; raises NoSeal."""
    cfg = current_app.config
    key = (cfg.get("SEAL_PKCS12_FILE"), cfg.get("SEAL_KEY_FILE"), cfg.get("SEAL_CERT_FILE"),
           cfg.get("SEAL_CHAIN_FILE"), cfg.get("SEAL_PASSWORD"))
    cache = current_app.extensions.setdefault("seal", {})
    if cache.get("key") != key:
        cache.update(key=key, signer=_load(cfg))
    if cache["signer"] is None:
        raise NoSeal("no seal configured (SEAL_PKCS12_FILE, or SEAL_KEY_FILE and "
                     "SEAL_CERT_FILE)")
    return cache["signer"]


def _load(cfg):
    if cfg.get("SEAL_KEY_FILE") and cfg.get("SEAL_CERT_FILE"):
        chain = (_path(cfg["SEAL_CHAIN_FILE"]),) if cfg.get("SEAL_CHAIN_FILE") else ()
        return signers.SimpleSigner.load(_path(cfg["SEAL_KEY_FILE"]),
                                         _path(cfg["SEAL_CERT_FILE"]), ca_chain_files=chain,
                                         key_passphrase=_password())
    if cfg.get("SEAL_PKCS12_FILE") and os.path.exists(_path(cfg["SEAL_PKCS12_FILE"])):
        return signers.SimpleSigner.load_pkcs12(_path(cfg["SEAL_PKCS12_FILE"]),
                                                passphrase=_password())
    return None  # pyHanko returns None too for a file it cannot read (and logs why)


def seal(data, reason):
    """The PDF `data` (bytes) with the firm's seal added as an incremental update: a PAdES
    B-B signature, B-T with a timestamp when SEAL_TSA_URL is set. Raises NoSeal, and
    NoTimestamp while the timestamping authority does not answer, and pyHanko's errors for a
    file that is no (readable, unencrypted) PDF."""
    url = current_app.config.get("SEAL_TSA_URL")
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=f"Zegel-{secrets.token_hex(4)}", reason=reason, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES)
    try:
        out = _outside_a_running_loop(
            signers.sign_pdf, writer, meta, signer=signer(),
            timestamper=HTTPTimeStamper(url) if url else None)
    except TimestampRequestError as error:  # refused, timed out, or no valid answer
        log.warning("timestamping authority %s: %s (%s)", url, error, error.__cause__)
        raise NoTimestamp(url) from error
    return out.getvalue()


def _outside_a_running_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which run asyncio.run(): in a thread of
    its own when this thread already runs an event loop (an async server, or a test that
    drives Chromium), where asyncio.run() would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def check(data, trust_roots):
    """What the seals of the PDF `data` say, against the certificates `trust_roots`
    (asn1crypto): a list of (intact, trusted) per signature, the last one added last. An
    intact signature covers bytes that are unchanged; trusted, signed by a certificate
    that chains up to a trust root."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(trust_roots=list(trust_roots))
    found = []
    for embedded in reader.embedded_signatures:
        status = _outside_a_running_loop(validate_pdf_signature, embedded, context)
        found.append((status.intact and status.valid, status.trusted))
    return found


def timestamps(data, trust_roots):
    """The RFC 3161 timestamps of the seals of the PDF `data`: per signature (intact,
    trusted) of its timestamp, or None for a seal without one."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(trust_roots=list(trust_roots))
    found = []
    for embedded in reader.embedded_signatures:
        stamp = _outside_a_running_loop(validate_pdf_signature, embedded,
                                        context).timestamp_validity
        found.append(None if stamp is None else (stamp.intact and stamp.valid, stamp.trusted))
    return found


def own_roots():
    """The certificates at the top of the configured seal's chain (self-signed ones; the
    seal's own certificate when its chain is not included): what `seal-verify` trusts
    unless told otherwise."""
    current = signer()
    chain = [current.signing_cert, *current.cert_registry]
    roots = [cert for cert in chain if cert.subject == cert.issuer]
    return roots or [current.signing_cert]


def make_demo_seal(path, firm_name):
    """Write a self-signed demo seal (PKCS#12, no password) to `path` for `make run`: it
    seals like a real one, but no PDF reader trusts it. Returns False when one exists."""
    if os.path.exists(path):
        return False
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{firm_name} (demo seal)"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, firm_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(
        b"demo seal", key, certificate, None, serialization.NoEncryption())
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)
    return True
