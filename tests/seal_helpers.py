"""A small certificate authority made at test time (cryptography): its root, and a seal
certificate it issued, as the PKCS#12 file a firm configures (SEAL_PKCS12_FILE); and a
timestamping authority (RFC 3161) on loopback. Nothing goes over the network."""
import datetime
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "zegel-test"


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kantoor Test")])


def _usage(sign_certificates):
    return x509.KeyUsage(digital_signature=True, content_commitment=not sign_certificates,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=sign_certificates, crl_sign=sign_certificates,
                         encipher_only=False, decipher_only=False)


def _root(common_name):
    """A new self-signed root: (its key, its certificate)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(_name(common_name))
            .issuer_name(_name(common_name)).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return key, root


def _issue(root_key, root, common_name, *extensions, key=None):
    """A certificate for `key` (default: a new EC key), issued by `root`: (the key, the
    certificate)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(_name(common_name))
               .issuer_name(root.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   root_key.public_key()), critical=False))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return key, builder.sign(root_key, hashes.SHA256())


def _asn1(certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def make_ca(folder):
    """Write seal.p12 (password PASSWORD) under `folder`, issued by a new root; returns
    (its path, the root as asn1crypto wants it for pyHanko's validator)."""
    root_key, root = _root("Test Root CA")
    key, seal = _issue(root_key, root, "Kantoor Test seal", (_usage(False), True))
    path = folder / "seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", key, seal, [root], serialization.BestAvailableEncryption(PASSWORD.encode())))
    return str(path), _asn1(root)


def make_tsa():
    """A timestamping authority made at test time: (its root for the validator, a pyHanko
    DummyTimeStamper that answers RFC 3161 requests with its certificate)."""
    from asn1crypto import keys
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    root_key, root = _root("Test TSA Root")
    key, certificate = _issue(root_key, root, "Test TSA", (x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.TIME_STAMPING]), True),  # pyHanko's dummy TSA signs with RSA only
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    private = keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return _asn1(root), DummyTimeStamper(tsa_cert=_asn1(certificate), tsa_key=private)


@contextmanager
def tsa_server(stamper):
    """An RFC 3161 timestamping service over HTTP on loopback, answered by `stamper`; yields
    its URL."""
    from asn1crypto import tsp

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa"
    finally:
        server.shutdown()
        server.server_close()


def changed_byte(data, marker=b"/Type"):
    """`data` with one byte changed inside the signed part (in the first `marker`)."""
    index = data.index(marker) + 2
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)
