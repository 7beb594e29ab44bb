#!/usr/bin/python3
"""Keys, key sets and tokens for the JWT authorizer tests, minted by an
independent implementation (PyJWT and python3-cryptography, Debian's
python3-jwt); and a small key-set server whose sets can be rotated.

Usage:
  jwt_tool.py setup DIR          keys, key sets and tokens.json into DIR
  jwt_tool.py token DIR SECONDS  a token of DIR's key rsa1 (RS256) that
                                 expires in SECONDS
  jwt_tool.py serve PORT DIR     serve DIR's files over HTTP on PORT:
      GET /jwks/NAME             the file DIR/NAME (or what it was rotated to),
                                 after ?delay=SECONDS
      GET /rotate/NAME?to=OTHER  from now on /jwks/NAME serves DIR/OTHER
      GET /hits/NAME             how many times /jwks/NAME was served
      GET /token/NAME?seconds=N  a token of rsa1 named NAME, minted at the
                                 first request and expiring N seconds
                                 later; also in the header X-Token
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER = "https://issuer.example.com/"
AUDIENCE = "api://default"
SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
POOL = "us-east-1_TestPool1"
COGNITO_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/" + POOL
CLIENT = "client-a"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64int(n, size=None):
    size = size or (n.bit_length() + 7) // 8
    return b64(n.to_bytes(size, "big"))


def jwk(key, kid, alg=None):
    pub = key.public_key()
    nums = pub.public_numbers()
    if isinstance(pub, rsa.RSAPublicKey):
        k = {"kty": "RSA", "kid": kid, "use": "sig",
             "n": b64int(nums.n), "e": b64int(nums.e)}
    else:
        size = (pub.curve.key_size + 7) // 8
        crv = {256: "P-256", 384: "P-384", 521: "P-521"}[pub.curve.key_size]
        k = {"kty": "EC", "kid": kid, "use": "sig", "crv": crv,
             "x": b64int(nums.x, size), "y": b64int(nums.y, size)}
    if alg:
        k["alg"] = alg
    return k


def sign(key, alg, claims, headers=None):
    return jwt.encode(claims, key, algorithm=alg, headers=headers or {})


def raw(header, claims, signature=b""):
    """a token built by hand, for what libraries refuse to make"""
    h = b64(json.dumps(header, separators=(",", ":")).encode())
    c = b64(json.dumps(claims, separators=(",", ":")).encode())
    return "%s.%s.%s" % (h, c, b64(signature))


def hs_raw(secret, alg, header, claims):
    h = b64(json.dumps(header, separators=(",", ":")).encode())
    c = b64(json.dumps(claims, separators=(",", ":")).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
              "HS512": hashlib.sha512}[alg]
    mac = hmac.new(secret, ("%s.%s" % (h, c)).encode(), digest).digest()
    return "%s.%s.%s" % (h, c, b64(mac))


def setup(d):
    os.makedirs(d, exist_ok=True)
    now = int(time.time())

    keys = {
        "rsa1": rsa.generate_private_key(65537, 2048),
        "rsa2": rsa.generate_private_key(65537, 2048),
        "rsa3072": rsa.generate_private_key(65537, 3072),
        "rsa1024": rsa.generate_private_key(65537, 1024),
        "ec256": ec.generate_private_key(ec.SECP256R1()),
        "ec384": ec.generate_private_key(ec.SECP384R1()),
        "ec521": ec.generate_private_key(ec.SECP521R1()),
        "cognito1": rsa.generate_private_key(65537, 2048),
    }

    main = {"keys": [jwk(keys["rsa1"], "rsa1"),
                     jwk(keys["rsa3072"], "rsa3072", "PS512"),
                     jwk(keys["ec256"], "ec256", "ES256"),
                     jwk(keys["ec384"], "ec384"),
                     jwk(keys["ec521"], "ec521", "ES512"),
                     jwk(keys["rsa1024"], "rsa1024"),
                     {"kty": "oct", "kid": "hmac", "k": b64(b"x" * 32)}]}
    files = {
        "jwks.json": main,
        "jwks-rotated.json": {"keys": [jwk(keys["rsa1"], "rsa1"),
                                       jwk(keys["rsa2"], "rsa2")]},
        "jwks-cognito.json": {"keys": [jwk(keys["cognito1"], "cognito1",
                                           "RS256")]},
        "jwks-empty.json": {"keys": [{"kty": "oct", "k": "AAAA"}]},
        "jwks-bad.json": "not a key set",
        "jwks-big.json": {"keys": [jwk(keys["rsa1"], "rsa1")],
                          "pad": "x" * 300000},
    }
    for name, doc in files.items():
        with open(os.path.join(d, name), "w") as f:
            json.dump(doc, f) if not isinstance(doc, str) else f.write(doc)

    pub_pem = keys["rsa1"].public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)

    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1",
            "exp": now + 3600, "iat": now - 10, "scope": "read write",
            "email": "jane@example.com", "groups": ["admin", "dev"],
            "n": 42, "flag": True, "obj": {"a": 1}}

    def claims(**kw):
        c = dict(base)
        for k, v in kw.items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = v
        return c

    rsa1 = keys["rsa1"]
    t = {}

    t["good"] = sign(rsa1, "RS256", base, {"kid": "rsa1"})
    for alg in ("RS384", "RS512", "PS256", "PS384", "PS512"):
        t[alg.lower()] = sign(rsa1, alg, base, {"kid": "rsa1"})
    t["ps512_3072"] = sign(keys["rsa3072"], "PS512", base,
                           {"kid": "rsa3072"})
    t["rs256_3072"] = sign(keys["rsa3072"], "RS256", base,
                           {"kid": "rsa3072"})
    t["es256"] = sign(keys["ec256"], "ES256", base, {"kid": "ec256"})
    t["es384"] = sign(keys["ec384"], "ES384", base, {"kid": "ec384"})
    t["es512"] = sign(keys["ec521"], "ES512", base, {"kid": "ec521"})
    for alg in ("HS256", "HS384", "HS512"):
        t[alg.lower()] = sign(SECRET, alg, base)
    t["hs256_wrong_secret"] = sign(SECRET[::-1], "HS256", base)

    t["expired"] = sign(rsa1, "RS256", claims(exp=now - 600),
                        {"kid": "rsa1"})
    t["expired_20s"] = sign(rsa1, "RS256", claims(exp=now - 20),
                            {"kid": "rsa1"})
    t["no_exp"] = sign(rsa1, "RS256", claims(exp=None), {"kid": "rsa1"})
    t["exp_string"] = sign(rsa1, "RS256", claims(exp=str(now + 3600)),
                           {"kid": "rsa1"})
    t["nbf_future"] = sign(rsa1, "RS256", claims(nbf=now + 600),
                           {"kid": "rsa1"})
    t["nbf_past"] = sign(rsa1, "RS256", claims(nbf=now - 600),
                         {"kid": "rsa1"})
    t["iat_future"] = sign(rsa1, "RS256", claims(iat=now + 600),
                           {"kid": "rsa1"})
    t["wrong_iss"] = sign(rsa1, "RS256",
                          claims(iss="https://evil.example.com/"),
                          {"kid": "rsa1"})
    t["iss_slash"] = sign(rsa1, "RS256",
                          claims(iss="https://issuer.example.com"),
                          {"kid": "rsa1"})
    t["wrong_aud"] = sign(rsa1, "RS256", claims(aud="api://other"),
                          {"kid": "rsa1"})
    t["aud_list"] = sign(rsa1, "RS256", claims(aud=["x", AUDIENCE]),
                         {"kid": "rsa1"})
    t["client_id"] = sign(rsa1, "RS256", claims(aud=None, client_id=AUDIENCE),
                          {"kid": "rsa1"})
    t["aud_wrong_client_id"] = sign(rsa1, "RS256",
                                    claims(aud="api://other",
                                           client_id=AUDIENCE),
                                    {"kid": "rsa1"})
    t["no_aud"] = sign(rsa1, "RS256", claims(aud=None), {"kid": "rsa1"})

    good = t["good"].split(".")
    forged = dict(base, sub="admin")
    t["tampered_payload"] = ".".join(
        [good[0], b64(json.dumps(forged).encode()), good[2]])
    sig = bytearray(base64.urlsafe_b64decode(good[2] + "=" * (-len(good[2]) % 4)))
    sig[10] ^= 1
    t["tampered_signature"] = ".".join([good[0], good[1], b64(bytes(sig))])
    t["no_signature"] = good[0] + "." + good[1] + "."
    t["padded"] = t["good"] + "="
    t["alg_none"] = raw({"alg": "none", "kid": "rsa1"}, base)
    t["alg_none_signed"] = ".".join(
        [b64(b'{"alg":"none","kid":"rsa1"}'), good[1], good[2]])
    t["alg_None"] = raw({"alg": "None", "kid": "rsa1"}, base, b"x")
    t["hs256_pubkey"] = hs_raw(pub_pem, "HS256",
                               {"alg": "HS256", "typ": "JWT", "kid": "rsa1"},
                               base)
    t["rs256_ec_kid"] = sign(rsa1, "RS256", base, {"kid": "ec256"})
    t["es256_rsa_kid"] = sign(keys["ec256"], "ES256", base, {"kid": "rsa1"})
    t["es384_ec256_kid"] = sign(keys["ec384"], "ES384", base,
                                {"kid": "ec256"})
    t["rs256_ps_only_key"] = sign(keys["rsa3072"], "PS256", base,
                                  {"kid": "rsa3072"})
    t["rsa1024"] = sign(keys["rsa1024"], "RS256", base, {"kid": "rsa1024"})
    t["hmac_kid"] = sign(b"x" * 32, "HS256", base, {"kid": "hmac"})
    t["unknown_kid"] = sign(keys["rsa2"], "RS256", base, {"kid": "rsa2"})
    t["unknown_kid2"] = sign(keys["rsa2"], "RS256", base, {"kid": "rsa9"})
    t["no_kid"] = sign(rsa1, "RS256", base)
    t["crit"] = sign(rsa1, "RS256", base,
                     {"kid": "rsa1", "crit": ["exp"]})
    t["dup_header"] = ".".join(
        [b64(b'{"alg":"RS256","kid":"rsa1","alg":"none"}'), good[1],
         good[2]])
    t["not_json"] = b64(b"hello") + "." + good[1] + "." + good[2]
    t["two_parts"] = good[0] + "." + good[1]
    t["four_parts"] = t["good"] + ".x"

    t["scope_none"] = sign(rsa1, "RS256", claims(scope=None),
                           {"kid": "rsa1"})
    t["scope_admin"] = sign(rsa1, "RS256", claims(scope="admin"),
                            {"kid": "rsa1"})
    t["scp_array"] = sign(rsa1, "RS256",
                          claims(scope=None, scp=["x", "admin"]),
                          {"kid": "rsa1"})
    t["scope_prefix"] = sign(rsa1, "RS256", claims(scope="adminx read2"),
                             {"kid": "rsa1"})

    t["rotated"] = t["unknown_kid"]

    cog = {"sub": "c0ffee-1", "iss": COGNITO_ISSUER, "token_use": "id",
           "aud": CLIENT, "cognito:username": "jane",
           "cognito:groups": ["g1", "g2"], "email": "jane@example.com",
           "email_verified": True, "auth_time": 1573022214,
           "exp": 1900000000, "iat": now - 5, "event_id": "e-1"}
    c1 = keys["cognito1"]
    t["cognito_id"] = sign(c1, "RS256", cog, {"kid": "cognito1"})
    access = {"sub": "c0ffee-1", "iss": COGNITO_ISSUER,
              "token_use": "access", "client_id": CLIENT,
              "scope": "orders/read openid", "username": "jane",
              "exp": now + 3600, "iat": now - 5}
    t["cognito_access"] = sign(c1, "RS256", access, {"kid": "cognito1"})
    t["cognito_access_other_client"] = sign(
        c1, "RS256", dict(access, client_id="client-b"), {"kid": "cognito1"})
    t["cognito_other_pool"] = sign(
        c1, "RS256",
        dict(cog, iss="https://cognito-idp.us-east-1.amazonaws.com/"
                      "us-east-1_Other"), {"kid": "cognito1"})
    t["cognito_id_expired"] = sign(c1, "RS256", dict(cog, exp=now - 60),
                                   {"kid": "cognito1"})

    with open(os.path.join(d, "tokens.json"), "w") as f:
        json.dump(t, f, indent=1)
    with open(os.path.join(d, "rsa1.pub.pem"), "wb") as f:
        f.write(pub_pem)
    with open(os.path.join(d, "rsa1.pem"), "wb") as f:
        f.write(rsa1.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


class Server(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    hits = {}
    served = {}
    tokens = {}
    directory = "."

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        """the answer, with its length"""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = url.path.split("/")
        if len(parts) != 3 or parts[2].startswith("."):
            return self.reply(404, b'{"error":"not found"}')
        what, name = parts[1], parts[2]
        if what == "jwks":
            with self.lock:
                self.hits[name] = self.hits.get(name, 0) + 1
                path = os.path.join(self.directory,
                                    self.served.get(name, name))
            time.sleep(min(float(query.get("delay", ["0"])[0]), 5.0))
            try:
                with open(path, "rb") as f:
                    return self.reply(200, f.read())
            except OSError:
                return self.reply(404, b'{"error":"no such set"}')
        if what == "rotate":
            with self.lock:
                self.served[name] = query.get("to", [name])[0]
            return self.reply(200, b'{"rotated":true}')
        if what == "token":
            with self.lock:
                if name not in self.tokens:
                    seconds = int(query.get("seconds", ["60"])[0])
                    self.tokens[name] = mint(self.directory, seconds)
                t = self.tokens[name]
            self.send_response(200)
            self.send_header("X-Token", t)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(t)))
            self.end_headers()
            self.wfile.write(t.encode())
            return None
        if what == "hits":
            with self.lock:
                n = self.hits.get(name, 0)
            return self.reply(200, str(n).encode(), "text/plain")
        return self.reply(404, b'{"error":"not found"}')


def serve(port, d):
    Server.directory = d
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Server).serve_forever()


def mint(d, seconds):
    with open(os.path.join(d, "rsa1.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    now = int(time.time())
    return sign(key, "RS256",
                {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-2",
                 "iat": now, "exp": now + seconds, "scope": "read"},
                {"kid": "rsa1"})


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "setup":
        setup(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "token":
        print(mint(sys.argv[2], int(sys.argv[3])))
    elif len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
