"""A small certificate authority made at test time (cryptography): its root, and a seal
certificate it issued, as the PKCS#12 file a firm configures (SEAL_PKCS12_FILE)."""
import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "zegel-test"


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kantoor Test")])


def _usage(sign_certificates):
    return x509.KeyUsage(digital_signature=True, content_commitment=not sign_certificates,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=sign_certificates, crl_sign=sign_certificates,
                         encipher_only=False, decipher_only=False)


def make_ca(folder):
    """Write seal.p12 (password PASSWORD) under `folder`, issued by a new root; returns
    (its path, the root as asn1crypto wants it for pyHanko's validator)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(_name("Test Root CA"))
            .issuer_name(_name("Test Root CA")).public_key(root_key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    seal = (x509.CertificateBuilder().subject_name(_name("Kantoor Test seal"))
            .issuer_name(root.subject).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    path = folder / "seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", key, seal, [root], serialization.BestAvailableEncryption(PASSWORD.encode())))
    return str(path), asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))


def changed_byte(data, marker=b"/Type"):
    """`data` with one byte changed inside the signed part (in the first `marker`)."""
    index = data.index(marker) + 2
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)
