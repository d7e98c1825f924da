#!/usr/bin/env python3
"""Log a user in through every catalog blueprint on a real authentik, and record the results.

For each file in blueprints/, the generate command its header names ("Application side:
akbp show ...") is run again for the lab: authentik's URL is the lab server's
(LAB_URL below), the target is 2026.2 (the lab's release), every !Env variable gets a fresh
random value. The texts are applied with ../shared/lab/check-blueprint.sh --apply, two
users are created (alice, in the groups the blueprints name, and mallory, in none), the
lab's own HTTP backend is started (serve.sh) and each integration is used the way its
application would use it:

* OAuth2/OIDC: the authorization-code flow through authentik's flow executor with the exact
  redirect URI the application sends (PKCE for public clients), the token exchange with the
  client secret, the ID token verified against the provider's JWKS with the algorithm its
  signing key implies, the claims the application reads, a refresh where the entry asks for
  offline_access.
* SAML: an SP-initiated login over the entry's binding; the response is checked as an SP
  would: Destination and Recipient, Audience, Issuer (what `akbp show` told the app), the
  signatures against the certificate in authentik's metadata, NameID and attributes.
* Proxy and LDAP: what an outpost receives from /api/v3/outposts/{proxy,ldap}/, compared
  with the catalog; the proxy outpost's own OAuth login and the LDAP outpost's bind (the
  flow and access check the Go outpost runs) are done too.
* Access control: each entry is generated a second time with --allow-group; alice gets in,
  mallory is refused.
* Negative controls: for each rule that claims a login breaks (the integration rules
  AKB5xx, and AKB404, AKB408, AKB410, AKB420), a generated blueprint is broken that way and the
  login is tried; what authentik (or the application's check) said is recorded.

Results go to tests/lab/logins-2026.2.tsv and tests/lab/logins-negative-2026.2.tsv with the
SHA-256 of each generated text; tests/lab_logins.rs regenerates the texts and fails when one
changed since its login was proven. The whole run holds /tmp/lab.lock and leaves the lab as
a fresh install (reset-db.sh).

    tools/lab-logins.py [--akbp target/release/akbp] [--only SLUG,...] [--no-negative]

Needs the lab built (../shared/lab/README.md) and Python packages requests, cryptography,
lxml and signxml (e.g. in a venv). CI does not run this; it runs tests/lab_logins.rs.
"""

import argparse
import base64
import datetime
import fcntl
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import requests
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import XMLVerifier

from lablib import header_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = "2026.2"
LAB_RELEASE = "authentik 2026.2.2"
PORT = 9123
LAB_URL = f"http://127.0.0.1:{PORT}"
OUT = os.path.join(ROOT, "tests", "lab", "logins-2026.2.tsv")
OUT_NEG = os.path.join(ROOT, "tests", "lab", "logins-negative-2026.2.tsv")
# The group every --allow-group variant restricts its application to.
ALLOW_GROUP = "akbp lab allowed"
ACL_SUFFIX = "-acl"
ALICE, MALLORY = "akbp-alice", "akbp-mallory"
ALICE_EMAIL, MALLORY_EMAIL = "alice@lab.example", "mallory@lab.example"
# A user with a TOTP authenticator, for the LDAP MFA control (AKB510); in no group.
CAROL, CAROL_EMAIL = "akbp-carol", "carol@lab.example"
ALICE_GROUPS = [ALLOW_GROUP, "akbp lab users"]
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}
MANAGED_NAMEID = {
    "goauthentik.io/providers/saml/email": "email",
    "goauthentik.io/providers/saml/username": "username",
    "goauthentik.io/providers/saml/upn": "upn",
    "goauthentik.io/providers/saml/uid": "pk",
}


class Fail(Exception):
    """A login step went wrong; the message is the reason recorded."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def one_line(s: str, limit: int = 300) -> str:
    s = re.sub(r"\s+", " ", html.unescape(str(s))).strip()
    return s if len(s) <= limit else s[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# Generating the texts


def opt(args: list, name: str):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
    return None


def with_opt(args: list, name: str, value: str) -> list:
    out, i, done = [], 0, False
    while i < len(args):
        if args[i] == name and i + 1 < len(args):
            out += [name, value]
            i += 2
            done = True
            continue
        out.append(args[i])
        i += 1
    return out if done else out + [name, value]


def lab_args(args: list, suffix: str = "", extra: list = ()) -> list:
    """The header's show arguments made into the lab's generate arguments (the same
    function is in tests/lab_logins.rs): authentik's URL is the lab's; a variant gets its
    own slug (and client id, when the header names one) ending in `suffix`."""
    out = with_opt(args, "--authentik-url", LAB_URL)
    if suffix:
        slug = opt(args, "--slug") or args[0]
        out = with_opt(out, "--slug", slug + suffix)
        cid = opt(args, "--client-id")
        if cid:
            out = with_opt(out, "--client-id", cid + suffix)
    return with_opt(out + list(extra), "--target", TARGET)


class TagLoader(yaml.SafeLoader):
    """PyYAML that keeps authentik's tags as (tag, value) tuples."""


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.SequenceNode):
        return ("!" + suffix, loader.construct_sequence(node, deep=True))
    if isinstance(node, yaml.MappingNode):
        return ("!" + suffix, loader.construct_mapping(node, deep=True))
    return ("!" + suffix, loader.construct_scalar(node))


TagLoader.add_multi_constructor("!", _tagged)


class Blueprint:
    """One generated text and what the harness needs from it."""

    def __init__(self, akbp, args, out_dir, name):
        self.args = args
        self.name = name
        self.path = os.path.join(out_dir, name)
        res = subprocess.run([akbp, "generate", *args, "-o", self.path, "--force"],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"generate {shlex.join(args)} failed: {res.stderr}")
        self.set_text(open(self.path, "rb").read())
        show_args = list(args)
        # show takes the same options but --allow-group (generate's own).
        for o in ("--allow-group",):
            while o in show_args:
                i = show_args.index(o)
                del show_args[i:i + 2]
        res = subprocess.run([akbp, "show", *show_args, "--format", "json"],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"show {shlex.join(show_args)} failed: {res.stderr}")
        self.show = json.loads(res.stdout)

    def set_text(self, data: bytes):
        self.text = data
        self.sha = sha256(data)
        self.doc = yaml.load(data.decode(), Loader=TagLoader)
        self.env_vars = sorted(set(re.findall(r"!Env \[?([A-Z][A-Z0-9_]*)", data.decode())))
        with open(self.path, "wb") as f:
            f.write(data)

    def password_vars(self):
        """(username, variable) of each user whose password the text reads with !Env."""
        out = []
        for e in self.entries("authentik_core.user"):
            pw = (e.get("attrs") or {}).get("password")
            if isinstance(pw, tuple) and pw[0] == "!Env":
                out.append((e["identifiers"]["username"], pw[1] if isinstance(pw[1], str) else pw[1][0]))
        return out

    def entries(self, model_suffix):
        return [e for e in self.doc["entries"] if e["model"].endswith(model_suffix)]

    def conflict_keys(self):
        """Objects that two texts in one batch must not both define (authentik keeps one
        row per identifier, so the second apply would overwrite the first)."""
        keys = set()
        for e in self.doc["entries"]:
            model = e["model"]
            if model in ("authentik_core.group", "authentik_core.user"):
                # Groups are created if missing and shared on purpose; an LDAP service
                # account that several guides name alike (`ldapservice`) gets one password
                # for all its variables (see password_vars), so applying it twice is a no-op.
                continue
            if any(isinstance(v, tuple) for v in (e.get("identifiers") or {}).values()):
                continue  # relative to another entry (a policy binding's !KeyOf app)
            ident = json.dumps(e.get("identifiers"), sort_keys=True, default=str)
            family = "provider" if ".provider" in model or model.endswith("provider") else model
            keys.add((family, ident))
            cid = (e.get("attrs") or {}).get("client_id")
            if isinstance(cid, str):
                keys.add(("client_id", cid))
        return keys


# ---------------------------------------------------------------------------------------
# The lab


class Lab:
    def __init__(self, lab_dir):
        self.kit = os.path.join(os.path.dirname(ROOT), "shared", "lab")
        self.env = dict(os.environ, LAB_DIR=lab_dir)
        self.serving = False

    def run(self, script, *args, env=None, check=True):
        res = subprocess.run([os.path.join(self.kit, script), *args], env=env or self.env,
                             capture_output=True, text=True)
        if check and res.returncode != 0:
            raise SystemExit(f"{script} {' '.join(args[:3])}... exited {res.returncode}:\n"
                             f"{res.stdout[-2000:]}\n{res.stderr[-3000:]}")
        return res

    def stop(self):
        self.run("serve.sh", "stop")
        self.serving = False

    def start(self):
        self.run("serve.sh", "start", str(PORT))
        self.serving = True

    def reset(self):
        if self.serving:
            self.stop()
        self.run("serve.sh", "stop")
        self.run("reset-db.sh")

    def apply(self, paths, secrets_env):
        env = dict(self.env, **secrets_env)
        res = self.run("check-blueprint.sh", "--apply", *paths, env=env, check=False)
        verdicts = {}
        for line in res.stdout.splitlines():
            cols = line.split("\t")
            if len(cols) >= 2 and cols[1] in ("valid", "invalid"):
                verdicts[os.path.basename(cols[0])] = (cols[1], cols[2] if len(cols) > 2 else "")
        return verdicts, res

    def shell(self, code):
        res = self.run("ak.sh", "python", "-m", "manage", "shell", "-c", code)
        return res.stdout


SETUP = r"""
import json
from authentik.core.models import Group, Token, TokenIntents, User
out = {}
for name in %(groups)s:
    Group.objects.get_or_create(name=name)
for username, email, groups, password in %(users)s:
    u, _ = User.objects.update_or_create(username=username, defaults={"email": email, "name": username.title(), "is_active": True})
    u.set_password(password)
    u.save()
    u.groups.set(Group.objects.filter(name__in=groups))
from authentik.stages.authenticator_totp.models import TOTPDevice
carol = User.objects.get(username=%(mfa_user)r)
TOTPDevice.objects.filter(user=carol).delete()
out["totp_key"] = TOTPDevice.objects.create(user=carol, name="akbp lab", confirmed=True).key
admin = User.objects.get(username="akadmin")
Token.objects.filter(identifier="akbp-lab-logins").delete()
t = Token.objects.create(identifier="akbp-lab-logins", user=admin, intent=TokenIntents.INTENT_API, expiring=False)
out["token"] = t.key
print("AKBP-LAB " + json.dumps(out))
"""


# ---------------------------------------------------------------------------------------
# A browser-less client: the flow executor as authentik's web UI drives it


class Client:
    def __init__(self, username, password):
        self.s = requests.Session()
        self.username = username
        self.password = password
        # the authenticator code, for a flow that asks for one (None: the client has none)
        self.code = None
        self.code_asked = False

    def get(self, url, **kw):
        return self.s.get(urljoin(LAB_URL, url), allow_redirects=False, timeout=60, **kw)

    def post(self, url, **kw):
        return self.s.post(urljoin(LAB_URL, url), allow_redirects=False, timeout=60, **kw)

    def run_flow(self, slug, query, extra_query=""):
        """Answer a flow's challenges through /api/v3/flows/executor/; returns
        ("redirect", url), ("autosubmit", challenge) or ("denied", message)."""
        api = f"/api/v3/flows/executor/{slug}/?query={quote(query)}{extra_query}"
        r = self.s.get(urljoin(LAB_URL, api), timeout=60)
        for _ in range(12):
            if r.status_code not in (200,):
                raise Fail(f"flow {slug}: HTTP {r.status_code}: {one_line(r.text, 200)}")
            ch = r.json()
            comp = ch.get("component")
            if ch.get("response_errors"):
                raise Fail(f"flow {slug}: {comp}: {one_line(json.dumps(ch['response_errors']))}")
            if comp == "ak-stage-identification":
                body = {"component": comp, "uid_field": self.username}
                if ch.get("password_fields"):
                    body["password"] = self.password
            elif comp == "ak-stage-password":
                body = {"component": comp, "password": self.password}
            elif comp == "ak-stage-authenticator-validate":
                if self.code is None:
                    raise Fail(f"flow {slug}: asks for an authenticator code and none was given")
                self.code_asked = True
                body = {"component": comp, "code": self.code}
            elif comp == "ak-stage-consent":
                body = {"component": comp, "token": ch.get("token")}
            elif comp == "xak-flow-redirect":
                if urlsplit(ch["to"]).path == urlsplit(api).path:
                    # the executor asks to be fetched again for the next stage
                    r = self.s.get(urljoin(LAB_URL, ch["to"]), timeout=60)
                    continue
                return "redirect", ch["to"]
            elif comp == "ak-stage-autosubmit":
                return "autosubmit", ch
            elif comp == "ak-stage-access-denied":
                return "denied", ch.get("error_message") or "access denied"
            else:
                raise Fail(f"flow {slug}: unexpected challenge {comp}: {one_line(json.dumps(ch), 200)}")
            r = self.s.post(urljoin(LAB_URL, api), json=body, timeout=60)
        raise Fail(f"flow {slug}: no end after 12 challenges")

    def follow(self, url, arrived, method="GET", data=None):
        """Follow redirects and flows from `url` until `arrived(url)` says the browser is back
        at the application; returns ("app", url), ("autosubmit", challenge) or
        ("denied", message)."""
        for _ in range(16):
            r = self.post(url, data=data) if method == "POST" else self.get(url)
            method, data = "GET", None
            if r.status_code in (301, 302, 303, 307):
                loc = urljoin(LAB_URL if url.startswith("/") else url, r.headers["Location"])
                if arrived(loc):
                    return "app", loc
                parts = urlsplit(loc)
                m = re.match(r"^/if/flow/([^/]+)/$", parts.path)
                if m and parts.netloc == urlsplit(LAB_URL).netloc:
                    kind, value = self.run_flow(m.group(1), parts.query)
                    if kind != "redirect":
                        return kind, value
                    nxt = urljoin(LAB_URL, value)
                    if arrived(nxt):
                        return "app", nxt
                    url = nxt
                    continue
                if not loc.startswith(LAB_URL):
                    raise Fail(f"sent to {loc} instead of the application")
                url = loc
                continue
            if r.status_code == 200 and re.search(r"Permission denied|Request has been denied", r.text):
                return "denied", page_error(r)
            if r.status_code == 200 and "/if/flow/" in url:
                raise Fail(f"stopped at a flow page {url}")
            raise Fail(f"HTTP {r.status_code} ({r.reason}) from {urlsplit(url).path}: {page_error(r)}")
        raise Fail("more than 16 redirects")


def page_error(r) -> str:
    """The message of one of authentik's error pages (or the JSON error)."""
    try:
        j = r.json()
        return one_line(json.dumps(j), 300)
    except ValueError:
        pass
    text = r.text
    for pat in (r'<p class="pf-c-title[^"]*">\s*(.*?)\s*</p>', r"<h1[^>]*>\s*(.*?)\s*</h1>",
                r"<title>\s*(.*?)\s*</title>"):
        found = re.findall(pat, text, re.S)
        if found:
            msgs = [one_line(re.sub(r"<[^>]+>", " ", f)) for f in found]
            body = re.findall(r'<div class="pf-c-form__helper-text[^"]*">\s*(.*?)\s*</div>|<p>\s*(.*?)\s*</p>', text, re.S)
            extra = [one_line(re.sub(r"<[^>]+>", " ", a or b)) for a, b in body if (a or b).strip()]
            return one_line(" / ".join(msgs + extra[:2]))
    return one_line(text, 200)


# ---------------------------------------------------------------------------------------
# Helpers that talk to authentik's API with the admin token


class Api:
    def __init__(self, token):
        self.h = {"Authorization": f"Bearer {token}"}

    def get(self, path, **params):
        r = requests.get(urljoin(LAB_URL, path), headers=self.h, params=params, timeout=60)
        if r.status_code != 200:
            raise Fail(f"API {path}: HTTP {r.status_code}: {one_line(r.text, 200)}")
        return r.json()

    def one(self, path, **params):
        res = self.get(path, **params)["results"]
        if len(res) != 1:
            raise Fail(f"API {path} {params}: {len(res)} results")
        return res[0]


# ---------------------------------------------------------------------------------------
# JWT


def verify_jwt(token, jwks, expected_alg, hs_secret=None):
    try:
        h64, p64, s64 = token.split(".")
    except ValueError:
        raise Fail("the ID token is not a JWS") from None
    header = json.loads(b64url_decode(h64))
    payload = json.loads(b64url_decode(p64))
    sig = b64url_decode(s64)
    signed = f"{h64}.{p64}".encode()
    alg = header.get("alg")
    if alg != expected_alg:
        raise Fail(f"ID token signed with {alg}, the signing key implies {expected_alg}")
    if alg == "HS256":
        good = hmac.compare_digest(hmac.new(hs_secret.encode(), signed, hashlib.sha256).digest(), sig)
        if not good:
            raise Fail("ID token HS256 signature does not verify with the client secret")
        return header, payload
    keys = [k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")]
    if len(keys) != 1:
        raise Fail(f"ID token kid {header.get('kid')} is not in the JWKS")
    k = keys[0]
    try:
        if alg == "RS256":
            if k.get("kty") != "RSA":
                raise Fail(f"JWKS key is {k.get('kty')}, the token says RS256")
            n = int.from_bytes(b64url_decode(k["n"]), "big")
            e = int.from_bytes(b64url_decode(k["e"]), "big")
            rsa.RSAPublicNumbers(e, n).public_key().verify(sig, signed, padding.PKCS1v15(), hashes.SHA256())
        elif alg in ("ES256", "ES384", "ES512"):
            curve, hsh = {"ES256": (ec.SECP256R1(), hashes.SHA256()), "ES384": (ec.SECP384R1(), hashes.SHA384()),
                          "ES512": (ec.SECP521R1(), hashes.SHA512())}[alg]
            x = int.from_bytes(b64url_decode(k["x"]), "big")
            y = int.from_bytes(b64url_decode(k["y"]), "big")
            half = len(sig) // 2
            der = encode_dss_signature(int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big"))
            ec.EllipticCurvePublicNumbers(x, y, curve).public_key().verify(der, signed, ec.ECDSA(hsh))
        else:
            raise Fail(f"unexpected alg {alg}")
    except Fail:
        raise
    except Exception as exc:  # cryptography's InvalidSignature and key errors
        raise Fail(f"ID token signature does not verify against the JWKS ({type(exc).__name__})") from None
    return header, payload


def alg_for_key(key_type, jwks):
    """The algorithm authentik's JWTAlgorithms.from_private_key gives a key of this type."""
    if key_type == "rsa":
        return "RS256"
    if key_type in ("ecdsa", "ec"):
        crv = {k.get("crv") for k in jwks.get("keys", [])}
        return {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}.get(next(iter(crv), ""), "ES256")
    raise Fail(f"unknown signing key type {key_type}")


# ---------------------------------------------------------------------------------------
# What the application sends and reads


def concrete_redirect(uri):
    """The URL the application sends for a catalog redirect URI (a regex one gets a
    plausible concrete value that the regex matches)."""
    url = uri["url"]
    if uri["matching_mode"] == "strict":
        return url
    concrete = url.replace("\\.", ".").replace("\\-", "-").replace(".*", "authentik/callback")
    concrete = concrete.replace("[0-9]+", "1")
    if not re.fullmatch(url, concrete):
        raise Fail(f"no concrete URL for the regex redirect URI {url}")
    return concrete


def reads_claims(cat_method, integration):
    """Claims the application reads, as the catalog entry says (its settings, notes and
    decisions)."""
    texts = [json.dumps(cat_method.get("app_settings", {}))]
    texts += [json.dumps(d) for d in integration.get("decisions", [])]
    blob = " ".join(texts)
    claims = set()
    for c in ("email_verified", "preferred_username", "groups", "nickname", "given_name"):
        if re.search(rf"\b{c}\b", blob):
            claims.add(c)
    needs_verified = bool(re.search(r"email_verified[^.]{0,40}\b[Tt]rue\b", blob))
    return claims, needs_verified


def expected_sub(mode, user):
    return {
        "hashed_user_id": user["uid"],
        "user_id": str(user["pk"]),
        "user_uuid": user["uuid"],
        "user_username": user["username"],
        "user_email": user["email"],
        "user_upn": user.get("attributes", {}).get("upn", user["uid"]),
    }[mode]


# ---------------------------------------------------------------------------------------
# OAuth2 / OIDC


def oauth_login(ctx, bp, user, password, cat, integration, *, redirect_uri=None, full=True):
    """An authorization-code login as the application does it; returns a short summary or
    raises Fail."""
    show = bp.show
    p = cat["provider"]
    client_id = show["client_id"]
    public = p["client_type"] == "public"
    secret = None if public else ctx.secrets.get(show.get("secret_env") or "", None)
    if not public and secret is None:
        raise Fail("no client secret variable in the blueprint")
    auth_uris = [u for u in show["redirect_uris"] if u.get("redirect_uri_type", "authorization") == "authorization"]
    if redirect_uri is None:
        if not auth_uris:
            raise Fail("the entry has no authorization redirect URI")
        redirect_uri = concrete_redirect(auth_uris[0])
    disc = requests.get(show["openid_configuration"], timeout=60)
    if disc.status_code != 200:
        raise Fail(f"OpenID configuration: HTTP {disc.status_code}")
    disc = disc.json()
    if disc["issuer"] != show["issuer"]:
        raise Fail(f"discovery issuer {disc['issuer']} != what show tells the app, {show['issuer']}")
    scopes = list(p["scopes"])
    implicit = p["grant_types"] == ["implicit"]
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    q = {"client_id": client_id, "redirect_uri": redirect_uri, "scope": " ".join(scopes),
         "state": state, "nonce": nonce,
         "response_type": "id_token token" if implicit else "code"}
    verifier = None
    if public and not implicit:
        verifier = secrets.token_urlsafe(48)
        q["code_challenge"] = b64url(hashlib.sha256(verifier.encode()).digest())
        q["code_challenge_method"] = "S256"
    c = ctx.client(user)
    authz = urlsplit(disc["authorization_endpoint"]).path + "?" + urlencode(q)
    kind, value = c.follow(authz, lambda u: u.startswith(redirect_uri.split("?")[0]) and "/if/flow/" not in u)
    if kind == "denied":
        raise Fail(f"access denied: {one_line(value)}")
    if kind != "app":
        raise Fail(f"ended with {kind} instead of a redirect to the application")
    parts = urlsplit(value)
    got = parse_qs(parts.fragment if implicit else parts.query)
    back = value.split("?")[0].split("#")[0]
    if back != redirect_uri.split("?")[0]:
        raise Fail(f"redirected to {back}, not the redirect URI")
    if "error" in got:
        raise Fail(f"authorize error {got['error'][0]}: {got.get('error_description', [''])[0]}")
    if got.get("state", [None])[0] != state:
        raise Fail("state not returned unchanged")
    if not full:
        return "authorized"
    if implicit:
        tok = {"id_token": got.get("id_token", [None])[0], "access_token": got.get("access_token", [None])[0]}
    else:
        code = got.get("code", [None])[0]
        if not code:
            raise Fail("no code in the redirect")
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": client_id}
        if secret is not None:
            form["client_secret"] = secret
        if verifier:
            form["code_verifier"] = verifier
        r = requests.post(disc["token_endpoint"], data=form, timeout=60)
        if r.status_code != 200:
            raise Fail(f"token exchange: HTTP {r.status_code}: {one_line(r.text, 200)}")
        tok = r.json()
    if not tok.get("id_token"):
        raise Fail("no id_token in the token response")
    jwks = requests.get(disc["jwks_uri"], timeout=60).json()
    prov = ctx.api.one("/api/v3/providers/oauth2/", client_id=client_id)
    if prov.get("signing_key"):
        kp = ctx.api.get(f"/api/v3/crypto/certificatekeypairs/{prov['signing_key']}/")
        expected_alg = alg_for_key(kp.get("key_type"), jwks)
    else:
        expected_alg = "HS256"
        if p["signing_key"]:
            raise Fail("the catalog wants a signing key; the provider has none (HS256)")
    # A public client has no secret; authentik signs its HS256 tokens with the (unused)
    # client secret, which the application cannot verify: that is why the catalog gives
    # every public client a signing key.
    _, claims = verify_jwt(tok["id_token"], jwks, expected_alg, hs_secret=secret or prov.get("client_secret"))
    if claims.get("iss") != show["issuer"]:
        raise Fail(f"ID token iss {claims.get('iss')} != {show['issuer']}")
    aud = claims.get("aud")
    if aud != client_id and not (isinstance(aud, list) and client_id in aud):
        raise Fail(f"ID token aud {aud} != client id {client_id}")
    if claims.get("nonce") != nonce:
        raise Fail("ID token nonce differs from the request's")
    if not claims.get("exp", 0) > time.time():
        raise Fail("ID token already expired")
    ui = requests.get(disc["userinfo_endpoint"], headers={"Authorization": f"Bearer {tok['access_token']}"}, timeout=60)
    if ui.status_code != 200:
        raise Fail(f"userinfo: HTTP {ui.status_code}: {ui.headers.get('WWW-Authenticate') or page_error(ui)}")
    info = dict(ui.json())
    seen = dict(info)
    seen.update(claims)
    u = ctx.users[user]
    want_sub = expected_sub(p["sub_mode"], u)
    if claims.get("sub") != want_sub or info.get("sub") != want_sub:
        raise Fail(f"sub is {claims.get('sub')} (userinfo {info.get('sub')}), sub_mode {p['sub_mode']} means {want_sub}")
    reads, needs_verified = reads_claims(cat, integration)
    checked = ["sub"]
    if "email" in scopes:
        if seen.get("email") != u["email"]:
            raise Fail(f"email claim {seen.get('email')!r} != the user's {u['email']}")
        if "email_verified" not in seen:
            raise Fail("no email_verified claim")
        checked.append("email")
        if needs_verified and seen.get("email_verified") is not True:
            raise Fail("email_verified is false; the application refuses unverified emails "
                       "(the catalog says a custom email mapping returning true is needed)")
        checked.append(f"email_verified={str(seen.get('email_verified')).lower()}")
    if "profile" in scopes:
        if seen.get("preferred_username") != u["username"]:
            raise Fail(f"preferred_username {seen.get('preferred_username')!r} != {u['username']}")
        checked.append("preferred_username")
        # authentik's profile mapping sends the groups; role mappings read them
        want = sorted(u["groups"])
        if sorted(seen.get("groups") or []) != want:
            raise Fail(f"groups claim {seen.get('groups')} != the user's groups {want}")
        checked.append("groups")
    for c in sorted(reads - {"groups", "preferred_username", "email_verified"}):
        if c not in seen:
            raise Fail(f"the application reads {c}; it is not in the ID token or userinfo")
        checked.append(c)
    summary = f"{'implicit' if implicit else 'code'}{'+PKCE' if verifier else ''}, {expected_alg} ID token, {', '.join(checked)}"
    if "offline_access" in scopes:
        rt = tok.get("refresh_token")
        if not rt:
            raise Fail("offline_access requested but no refresh_token issued")
        form = {"grant_type": "refresh_token", "refresh_token": rt, "client_id": client_id}
        if secret is not None:
            form["client_secret"] = secret
        r = requests.post(disc["token_endpoint"], data=form, timeout=60)
        if r.status_code != 200:
            raise Fail(f"refresh: HTTP {r.status_code}: {one_line(r.text, 200)}")
        new = r.json()
        if not new.get("access_token") or not new.get("id_token"):
            raise Fail("refresh gave no access_token or id_token")
        verify_jwt(new["id_token"], jwks, expected_alg, hs_secret=secret or prov.get("client_secret"))
        summary += ", refresh"
    if "urn:ietf:params:oauth:grant-type:device_code" in p["grant_types"]:
        raise Fail("the entry uses the device-code grant, which this harness does not drive yet")
    return summary


def check_oauth2(ctx, bp, cat, integration):
    summary = oauth_login(ctx, bp, ALICE, ctx.passwords[ALICE], cat, integration)
    show = bp.show
    auth_uris = [u for u in show["redirect_uris"] if u.get("redirect_uri_type", "authorization") == "authorization"]
    for extra in auth_uris[1:]:
        oauth_login(ctx, bp, ALICE, ctx.passwords[ALICE], cat, integration,
                    redirect_uri=concrete_redirect(extra), full=False)
    if len(auth_uris) > 1:
        summary += f"; {len(auth_uris) - 1} more redirect URI(s) authorized"
    return summary


# ---------------------------------------------------------------------------------------
# SAML


def fact(show, field):
    for f in show.get("authentik_side", []):
        if f["field"] == field:
            return f["value"]
    return None


def saml_login(ctx, bp, user, password, cat):
    show = bp.show
    p = cat["provider"]
    acs = fact(show, "ACS URL")
    audience = fact(show, "Audience")
    issuer = fact(show, "Issuer")
    binding = fact(show, "Service Provider Binding")
    md = requests.get(fact(show, "Metadata URL"), timeout=60)
    if md.status_code != 200:
        raise Fail(f"metadata: HTTP {md.status_code}")
    mdx = etree.fromstring(md.content)
    if mdx.get("entityID") != issuer:
        raise Fail(f"metadata entityID {mdx.get('entityID')} != the issuer show tells the app, {issuer}")
    certs = mdx.xpath("//md:IDPSSODescriptor/md:KeyDescriptor[not(@use) or @use='signing']//ds:X509Certificate/text()", namespaces=NS)
    cert_pem = None
    if certs:
        der = base64.b64decode("".join(certs[0].split()))
        cert_pem = x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM)
    req_id = "_" + uuid.uuid4().hex
    sso = fact(show, "SSO URL (Post)" if binding == "post" else "SSO URL (Redirect)")
    proto = ("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" if binding == "post"
             else "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    authn = (f'<samlp:AuthnRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{req_id}" '
             f'Version="2.0" IssueInstant="{now}" Destination="{sso}" '
             f'AssertionConsumerServiceURL="{acs}" ProtocolBinding="{proto}">'
             f'<saml:Issuer>{audience}</saml:Issuer></samlp:AuthnRequest>')
    relay = secrets.token_urlsafe(8)
    c = ctx.client(user)
    acs_base = acs.split("?")[0]

    def at_acs(u):
        return u.split("?")[0] == acs_base

    if binding == "post":
        kind, value = c.follow(urlsplit(sso).path, at_acs, method="POST",
                               data={"SAMLRequest": base64.b64encode(authn.encode()).decode(), "RelayState": relay})
    else:
        deflated = zlib.compress(authn.encode())[2:-4]
        q = urlencode({"SAMLRequest": base64.b64encode(deflated).decode(), "RelayState": relay})
        kind, value = c.follow(urlsplit(sso).path + "?" + q, at_acs)
    if kind == "denied":
        raise Fail(f"access denied: {one_line(value)}")
    # What reaches the SP, by the binding it listens on (the catalog's sp_binding).
    if kind == "autosubmit":
        if p["sp_binding"] != "post":
            raise Fail(f"the response came as an HTTP-POST form; the SP listens for {p['sp_binding']}")
        if value.get("url") != acs:
            raise Fail(f"the form posts to {value.get('url')}, not the ACS URL {acs}")
        attrs = value.get("attrs", {})
        xml = base64.b64decode(attrs["SAMLResponse"])
        got_relay = attrs.get("RelayState")
    elif kind == "app":
        if p["sp_binding"] != "redirect":
            raise Fail(f"the response came by HTTP-Redirect (GET {urlsplit(value).path}); the SP listens for HTTP-POST")
        qs = parse_qs(urlsplit(value).query)
        xml = zlib.decompress(base64.b64decode(qs["SAMLResponse"][0]), -15)
        got_relay = qs.get("RelayState", [None])[0]
    else:
        raise Fail(f"ended with {kind}")
    if got_relay != relay:
        raise Fail("RelayState not returned")
    return check_saml_response(ctx, xml, cert_pem, show, p, req_id, acs, audience, issuer, user)


def check_saml_response(ctx, xml, cert_pem, show, p, req_id, acs, audience, issuer, user):
    doc = etree.fromstring(xml)
    status = doc.xpath("samlp:Status/samlp:StatusCode/@Value", namespaces=NS)
    if status != ["urn:oasis:names:tc:SAML:2.0:status:Success"]:
        raise Fail(f"status {status}")
    if doc.get("Destination") != acs:
        raise Fail(f"Destination {doc.get('Destination')} != ACS URL {acs}")
    if doc.get("InResponseTo") != req_id:
        raise Fail("InResponseTo differs from the request ID")
    if doc.xpath("string(saml:Issuer)", namespaces=NS) != issuer:
        raise Fail(f"response Issuer {doc.xpath('string(saml:Issuer)', namespaces=NS)} != {issuer!r} (what show tells the app)")
    assertions = doc.xpath("saml:Assertion", namespaces=NS)
    if len(assertions) != 1:
        raise Fail(f"{len(assertions)} assertions")
    a = assertions[0]
    if a.xpath("string(saml:Issuer)", namespaces=NS) != issuer:
        raise Fail(f"assertion Issuer {a.xpath('string(saml:Issuer)', namespaces=NS)} != {issuer!r} (what show tells the app)")
    signed = []
    if doc.find("ds:Signature", NS) is not None:
        signed.append("response")
    if a.find("ds:Signature", NS) is not None:
        signed.append("assertion")
    if p["sign_response"] and "response" not in signed:
        raise Fail("the SP needs a signed response; it is not signed")
    if p["sign_assertion"] and "assertion" not in signed:
        raise Fail("the SP needs a signed assertion; it is not signed")
    if signed:
        if cert_pem is None:
            raise Fail("signed, but the metadata has no signing certificate")
        try:
            if "response" in signed:
                XMLVerifier().verify(etree.tostring(doc), x509_cert=cert_pem, expect_references=1,
                                     ignore_ambiguous_key_info=True)
            if "assertion" in signed:
                XMLVerifier().verify(etree.tostring(a), x509_cert=cert_pem, ignore_ambiguous_key_info=True)
        except Exception as exc:
            raise Fail(f"signature does not verify against the metadata certificate: {one_line(exc, 150)}") from None
    rec = a.xpath("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData/@Recipient", namespaces=NS)
    if rec != [acs]:
        raise Fail(f"Recipient {rec} != ACS URL {acs}")
    aud = a.xpath("saml:Conditions/saml:AudienceRestriction/saml:Audience/text()", namespaces=NS)
    if audience and aud != [audience]:
        raise Fail(f"Audience {aud} != the SP's entity ID {audience}")
    name_id = a.find("saml:Subject/saml:NameID", NS)
    u = ctx.users[user]
    mapping = p.get("name_id_mapping")
    kind = MANAGED_NAMEID.get(mapping or "", None)
    want = {"email": u["email"], "username": u["username"], "pk": str(u["pk"]),
            "upn": u.get("attributes", {}).get("upn", u["email"])}.get(kind) if kind else None
    if mapping and want is None:
        raise Fail(f"unknown NameID mapping {mapping}")
    if want is not None and name_id.text != want:
        raise Fail(f"NameID {name_id.text!r} ({name_id.get('Format')}) != the {kind} the SP matches users by ({want})")
    if mapping is None and not name_id.text:
        raise Fail("empty NameID")
    attrs = {}
    for at in a.xpath("saml:AttributeStatement/saml:Attribute", namespaces=NS):
        attrs[at.get("Name")] = [v.text for v in at.xpath("saml:AttributeValue", namespaces=NS)]
    checks = []
    expect = {
        "goauthentik.io/providers/saml/email": ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", [u["email"]]),
        "goauthentik.io/providers/saml/username": ("http://schemas.goauthentik.io/2021/02/saml/username", [u["username"]]),
        "goauthentik.io/providers/saml/name": ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", [u["name"]]),
        "goauthentik.io/providers/saml/uid": ("http://schemas.goauthentik.io/2021/02/saml/uid", [str(u["pk"])]),
        "goauthentik.io/providers/saml/upn": ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
                                              [u.get("attributes", {}).get("upn", u["email"])]),
        "goauthentik.io/providers/saml/ms-windowsaccountname": (
            "http://schemas.microsoft.com/ws/2008/06/identity/claims/windowsaccountname", [u["username"]]),
        "goauthentik.io/providers/saml/groups": ("http://schemas.xmlsoap.org/claims/Group", sorted(u["groups"])),
    }
    for m in p.get("property_mappings", []):
        if m not in expect:
            continue
        name, values = expect[m]
        got = sorted(attrs.get(name, [])) if m.endswith("groups") else attrs.get(name)
        if got != values:
            raise Fail(f"attribute {name} is {got}, expected {values}")
        checks.append(name.rsplit("/", 1)[-1])
    # The guide's own mappings (the catalog's custom_property_mappings): every attribute is
    # sent, and one whose expression returns a single user field carries that field's value.
    # Entitlement lists are skipped: the lab user holds no application entitlement.
    simple = {"return request.user.email": u["email"], "return request.user.username": u["username"],
              "return request.user.name": u["name"]}
    customs = {c["saml_name"]: c["expression"].strip() for c in p.get("custom_property_mappings", [])}
    for name, expr in customs.items():
        if "app_entitlements" in expr:
            continue
        if name not in attrs:
            raise Fail(f"the guide's attribute {name} is not in the assertion")
        if expr in simple and attrs[name] != [simple[expr]]:
            raise Fail(f"the guide's attribute {name} is {attrs[name]}, expected {[simple[expr]]}")
        checks.append(name.rsplit("/", 1)[-1])
    custom_nid = p.get("name_id_custom_mapping")
    if custom_nid:
        want = simple.get(customs[custom_nid])
        if not name_id.text or (want is not None and name_id.text != want):
            raise Fail(f"NameID {name_id.text!r} is not the guide's {custom_nid} mapping ({want or 'non-empty'})")
        kind = f"custom {custom_nid}"
    policy = p.get("name_id_policy")
    if policy and name_id.get("Format") != policy:
        raise Fail(f"NameID Format {name_id.get('Format')} != the Default NameID Policy {policy}")
    return (f"{p['sp_binding']} binding, signed {'+'.join(signed) or 'nothing'}, "
            f"NameID {name_id.get('Format', '').rsplit(':', 1)[-1]}={'mapped ' + kind if kind else 'default'}, "
            f"attributes {', '.join(checks) or 'none checked'}")


def check_saml(ctx, bp, cat, integration):
    return saml_login(ctx, bp, ALICE, ctx.passwords[ALICE], cat)


# ---------------------------------------------------------------------------------------
# Proxy and LDAP: what an outpost receives, and what it does with it


def check_proxy(ctx, bp, cat, integration, user=ALICE):
    show = bp.show
    p = cat["provider"]
    name = bp.entries("proxyprovider")[0]["identifiers"]["name"]
    cfg = ctx.api.one("/api/v3/outposts/proxy/", name=name)
    problems = []

    def expect(field, want):
        if cfg.get(field) != want:
            problems.append(f"{field} {cfg.get(field)!r} != {want!r}")

    expect("assigned_application_slug", show["slug"])
    expect("mode", p["mode"])
    expect("external_host", fact(show, "External host"))
    if fact(show, "Internal host") is not None:
        expect("internal_host", fact(show, "Internal host"))
        if cfg.get("internal_host") == cfg.get("external_host"):
            problems.append("internal_host equals external_host")
    skip = [s for s in (cfg.get("skip_path_regex") or "").splitlines() if s.strip()]
    for path in p["skip_path_regex"]:
        if path not in skip:
            problems.append(f"skip_path_regex lacks {path}")
    ba = p.get("basic_auth")
    if ba:
        expect("basic_auth_enabled", True)
        expect("basic_auth_user_attribute", ba["user_attribute"])
        expect("basic_auth_password_attribute", ba["password_attribute"])
    else:
        expect("basic_auth_enabled", False)
    if cfg["oidc_configuration"]["issuer"] != f"{LAB_URL}/application/o/{show['slug']}/":
        problems.append(f"oidc issuer {cfg['oidc_configuration']['issuer']}")
    if problems:
        raise Fail("outpost configuration: " + "; ".join(problems))
    # The outpost's own login (internal/outpost/proxyv2/application/application.go):
    # redirect URI = external host + /outpost.goauthentik.io/callback?X-authentik-auth-callback=true,
    # scopes = scopes_to_request, client id/secret from this configuration.
    redirect = cfg["external_host"].rstrip("/") + "/outpost.goauthentik.io/callback?X-authentik-auth-callback=true"
    state = secrets.token_urlsafe(12)
    q = {"client_id": cfg["client_id"], "redirect_uri": redirect, "response_type": "code",
         "scope": " ".join(sorted(cfg["scopes_to_request"])), "state": state}
    c = ctx.client(user)
    kind, value = c.follow("/application/o/authorize/?" + urlencode(q),
                           lambda u: u.startswith(cfg["external_host"].rstrip("/") + "/outpost.goauthentik.io/callback"))
    if kind == "denied":
        raise Fail(f"access denied: {one_line(value)}")
    if kind != "app":
        raise Fail(f"outpost login ended with {kind}")
    got = parse_qs(urlsplit(value).query)
    if got.get("state", [None])[0] != state or "code" not in got:
        raise Fail(f"outpost callback without code/state: {value}")
    r = requests.post(cfg["oidc_configuration"]["token_endpoint"],
                      data={"grant_type": "authorization_code", "code": got["code"][0], "redirect_uri": redirect,
                            "client_id": cfg["client_id"], "client_secret": cfg["client_secret"]}, timeout=60)
    if r.status_code != 200:
        raise Fail(f"outpost token exchange: HTTP {r.status_code}: {one_line(r.text, 200)}")
    tok = r.json()
    _, claims = verify_jwt(tok["id_token"], {}, "HS256", hs_secret=cfg["client_secret"])
    u = ctx.users[user]
    if claims.get("preferred_username") != u["username"]:
        raise Fail(f"outpost ID token preferred_username {claims.get('preferred_username')}")
    proxy_claims = claims.get("ak_proxy") or {}
    if ba and "user_attributes" not in proxy_claims:
        raise Fail("no ak_proxy.user_attributes for HTTP basic credentials")
    return (f"outpost config matches (mode {cfg['mode']}, {len(skip)} unauthenticated path(s)"
            f"{', basic auth' if ba else ''}); outpost OAuth login with its callback, HS256 ID token")


def totp(key_hex, at=None, step=30, digits=6):
    """RFC 6238 code of authentik's TOTP device (hex key, SHA-1, 30 s, 6 digits)."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return str((int.from_bytes(mac[off:off + 4], "big") & 0x7FFFFFFF) % 10 ** digits).zfill(digits)


def outpost_split(cfg, typed):
    """(password, code) the LDAP outpost answers the bind flow with, for the password a
    client sent (internal/outpost/flow/executor.go, CheckPasswordInlineMFA, called only
    with mfa_support): a `;` then 6 digits or 8 letters and digits at the end is the code."""
    if not cfg.get("mfa_support") or ";" not in typed or typed.endswith(";"):
        return typed, None
    password, _, code = typed.rpartition(";")
    if (len(code) == 6 and code.isdigit()) or (len(code) == 8 and code.isalnum()):
        return password, code
    return typed, None


def ldap_bind(ctx, cfg, username, password):
    """What the LDAP outpost does for a bind (internal/outpost/ldap/bind/direct/bind.go):
    the bind flow through the executor with goauthentik.io/outpost/ldap=true, then
    /api/v3/outposts/ldap/PK/check_access/ with the session the flow gave."""
    password, code = outpost_split(cfg, password)
    c = Client(username, password)
    c.code = code
    kind, value = c.run_flow(cfg["bind_flow_slug"], "goauthentik.io/outpost/ldap=true")
    if kind != "redirect":
        raise Fail(f"bind flow for {username} ended with {kind}: {one_line(value)}")
    r = c.s.get(urljoin(LAB_URL, f"/api/v3/outposts/ldap/{cfg['pk']}/check_access/"),
                params={"app_slug": cfg["application_slug"]}, timeout=60)
    if r.status_code != 200:
        raise Fail(f"check_access for {username}: HTTP {r.status_code}: {one_line(r.text, 200)}")
    return r.json()


def check_ldap(ctx, bp, cat, integration, user=ALICE):
    show = bp.show
    p = cat["provider"]
    name = bp.entries("ldapprovider")[0]["identifiers"]["name"]
    cfg = ctx.api.one("/api/v3/outposts/ldap/", name=name)
    problems = []
    for field, want in (("base_dn", fact(show, "Base DN")), ("bind_mode", p["bind_mode"]),
                        ("search_mode", p["search_mode"]), ("mfa_support", p["mfa_support"]),
                        ("bind_flow_slug", p["bind_flow"]), ("application_slug", show["slug"])):
        if cfg.get(field) != want:
            problems.append(f"{field} {cfg.get(field)!r} != {want!r}")
    if problems:
        raise Fail("outpost configuration: " + "; ".join(problems))
    done = [f"outpost config matches (base DN {cfg['base_dn']}, bind {cfg['bind_mode']}, search {cfg['search_mode']})"]
    sa = p.get("service_account")
    if sa:
        var = show.get("secret_env")
        account = fact(show, "Service account")
        access = ldap_bind(ctx, cfg, account, ctx.secrets[var])
        if not access["access"]["passing"]:
            raise Fail(f"service account {account} bound but was refused the application "
                       f"({'it is not in the group the application is restricted to' if bp.entries('policybinding') else 'no binding'})")
        if access["has_search_permission"] != sa["search_full_directory"]:
            raise Fail(f"service account search permission {access['has_search_permission']}, "
                       f"the entry needs {sa['search_full_directory']} (check_access said {one_line(json.dumps(access), 200)})")
        done.append(f"service account bind + {'search' if access['has_search_permission'] else 'no search'}")
    access = ldap_bind(ctx, cfg, user, ctx.passwords[user])
    if not access["access"]["passing"]:
        raise Fail(f"{user} bound but was refused: {access['access'].get('messages')}")
    done.append("user bind")
    return "; ".join(done)


CHECKS = {"oauth2": check_oauth2, "saml": check_saml, "proxy": check_proxy, "ldap": check_ldap}


def check_refused(ctx, bp, cat, integration):
    """The --allow-group variant: alice (in the group) gets in, mallory is refused."""
    kind = cat["provider"]["type"]
    inside = CHECKS[kind](ctx, bp, cat, integration)
    try:
        if kind == "oauth2":
            oauth_login(ctx, bp, MALLORY, ctx.passwords[MALLORY], cat, integration, full=False)
        elif kind == "saml":
            saml_login(ctx, bp, MALLORY, ctx.passwords[MALLORY], cat)
        elif kind == "proxy":
            check_proxy(ctx, bp, cat, integration, user=MALLORY)
        else:
            name = bp.entries("ldapprovider")[0]["identifiers"]["name"]
            cfg = ctx.api.one("/api/v3/outposts/ldap/", name=name)
            access = ldap_bind(ctx, cfg, MALLORY, ctx.passwords[MALLORY])
            if not access["access"]["passing"]:
                raise Fail(f"check_access: passing false {access['access'].get('messages')}")
    except Fail as exc:
        if "access denied" in str(exc) or "passing false" in str(exc):
            return f"member of `{ALLOW_GROUP}` gets in ({inside.split(';')[0]}); outsider refused: {one_line(exc, 120)}"
        raise Fail(f"outsider got something other than a refusal: {exc}") from None
    raise Fail("a user outside the group got in")


# ---------------------------------------------------------------------------------------
# Negative controls: a generated blueprint broken the way an integration rule describes


def sub_once(text, old, new):
    if text.count(old) != 1:
        raise SystemExit(f"negative control: {old!r} occurs {text.count(old)} times")
    return text.replace(old, new)


def set_attr(text, key, new_value):
    """Replace the value of the one provider attribute `key` (`      key: value`, or a long
    value on the next line, `      key:` then the value indented)."""
    pat = re.compile(rf"^(      {re.escape(key)}:)(?: (.*)|\n        (\S*))$", re.M)
    hits = pat.findall(text)
    if len(hits) != 1:
        raise SystemExit(f"negative control: {key} on {len(hits)} lines")
    return pat.sub(lambda m: m.group(1) + " " + new_value(m.group(2) or m.group(3)), text)


def item_lines(lines, i):
    """The lines of the node that starts on line i: it and the lines indented deeper."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    end = i + 1
    while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    return end


def set_or_add_attr(text, key, value, after):
    """Set `      key: value`, adding the line after the `after` attribute when the blueprint
    has none (an entry that leaves the attribute at authentik's default)."""
    # `key: value`, or `key:` with a long value on the next line (80-column layout)
    if re.search(rf"^      {re.escape(key)}:( |\n        \S)", text, re.M):
        return set_attr(text, key, lambda v: value)
    pat = re.compile(rf"^(      {re.escape(after)}:(?: .*|\n        \S*))$", re.M)
    if len(pat.findall(text)) != 1:
        raise SystemExit(f"negative control: {after} on {len(pat.findall(text))} lines")
    return pat.sub(lambda m: m.group(1) + f"\n      {key}: {value}", text)


def drop_node(text, contains):
    """Remove the one list item or attribute whose text holds `contains`, with the lines it
    continues on (a `!Find` written over several lines)."""
    lines = text.split("\n")
    hits = [i for i, l in enumerate(lines) if contains in l]
    if len(hits) != 1:
        raise SystemExit(f"negative control: {contains!r} on {len(hits)} lines")
    indent = lambda l: len(l) - len(l.lstrip(" "))
    head = hits[0]
    stripped = lines[head].lstrip(" ")
    if not (stripped.startswith("- !") or re.match(r"[a-z_]+: ", stripped)):
        # a continuation line: its item or attribute is the nearest line above it that is
        # indented less
        while head > 0 and indent(lines[head - 1]) >= indent(lines[hits[0]]):
            head -= 1
        head -= 1
    end = head + 1
    while end < len(lines) and lines[end].strip() and indent(lines[end]) > indent(lines[head]):
        end += 1
    del lines[head:end]
    return "\n".join(lines)


def drop_entry(text, model):
    """Remove the one entry of `model` (its `  - model:` block and the comment lines just
    above it)."""
    lines = text.split("\n")
    starts = [i for i, l in enumerate(lines) if l == f"  - model: {model}"]
    if len(starts) != 1:
        raise SystemExit(f"negative control: {model} in {len(starts)} entries")
    i = j = starts[0]
    while i > 0 and lines[i - 1].startswith("  #"):
        i -= 1
    j += 1
    while j < len(lines) and not lines[j].startswith("  - model:") and not (
            lines[j].startswith("  #") and j + 1 < len(lines) and lines[j + 1].startswith("  ")):
        j += 1
    del lines[i:j]
    return "\n".join(lines)


def drop_uri(text, url):
    """Remove one redirect URI item (its matching_mode line, url line(s) and type)."""
    lines = text.split("\n")
    for i, l in enumerate(lines):
        if l.strip() == f"url: {url}" or (l.strip() == "url:" and lines[i + 1].strip() == url):
            break
    else:
        raise SystemExit(f"negative control: no redirect URI {url}")
    start = i - 1
    if not lines[start].lstrip().startswith("- matching_mode:"):
        raise SystemExit("negative control: unexpected redirect URI layout")
    del lines[start:item_lines(lines, start)]
    return "\n".join(lines)


# (rule, integration, method, id, what is broken, mutation(text, blueprint) -> text, what the
# application does: "oauth" logs in with the first redirect URI the app sends, "oauth-console"
# with its second, "saml" an SP-initiated login, "proxy" the outpost's configuration and login)
NEGATIVES = [
    ("AKB500", "gravitee", "oauth2", "uri-missing", "the portal's redirect URI /user/login removed (the console's stays)",
     lambda t, b: drop_uri(t, b.show["redirect_uris"][0]["url"]), "oauth"),
    ("AKB500", "grafana", "oauth2", "only-uri-missing", "the only redirect URI removed",
     lambda t, b: re.sub(r"      redirect_uris:\n(        .*\n)+", "      redirect_uris: []\n", t), "oauth"),
    ("AKB500", "grafana", "oauth2", "uri-wrong-path", "redirect URI path /login/generic_oauth changed to /login/oauth",
     lambda t, b: sub_once(t, "/login/generic_oauth\n", "/login/oauth\n"), "oauth"),
    ("AKB500", "grafana", "oauth2", "regex-not-strict", "matching_mode regex instead of strict (URL unchanged)",
     lambda t, b: sub_once(t, "- matching_mode: strict", "- matching_mode: regex"), "oauth"),
    ("AKB500", "mealie", "oauth2", "regex-not-strict-query", "matching_mode regex instead of strict for a URL with `?` (/login?direct=1)",
     lambda t, b: sub_once(t, "- matching_mode: strict\n          url: " + b.show["redirect_uris"][1]["url"] + "\n",
                           "- matching_mode: regex\n          url: " + b.show["redirect_uris"][1]["url"] + "\n"), "oauth-console"),
    ("AKB501", "gravitee", "oauth2", "trailing-slash-removed", "the console's /console/ registered as /console",
     lambda t, b: sub_once(t, "/console/\n", "/console\n"), "oauth-console"),
    ("AKB501", "grafana", "oauth2", "trailing-slash-added", "/login/generic_oauth registered as /login/generic_oauth/",
     lambda t, b: sub_once(t, "/login/generic_oauth\n", "/login/generic_oauth/\n"), "oauth"),
    ("AKB502", "netbird", "oauth2", "confidential-for-public", "client_type confidential for the NetBird dashboard, which sends no secret",
     lambda t, b: sub_once(t, "client_type: public", "client_type: confidential"), "oauth"),
    ("AKB503", "netbird", "oauth2", "sub-mode-changed", "sub_mode hashed_user_id where NetBird expects user_username",
     lambda t, b: sub_once(t, "sub_mode: user_username", "sub_mode: hashed_user_id"), "oauth"),
    ("AKB504", "grafana", "oauth2", "scope-email-missing", "the email scope mapping removed",
     lambda t, b: drop_node(t, "oauth2/scope-email]"), "oauth"),
    ("AKB504", "grafana", "oauth2", "scope-openid-missing", "the openid scope mapping removed",
     lambda t, b: drop_node(t, "oauth2/scope-openid]"), "oauth"),
    ("AKB506", "grafana", "oauth2", "redirect-other-host", "the redirect URI on another host (grafana-staging.company)",
     lambda t, b: sub_once(t, "url: https://grafana.company/", "url: https://grafana-staging.company/"), "oauth"),
    ("AKB508", "kimai", "saml", "acs-url-trailing-slash", "acs_url registered with a trailing slash (/auth/saml/acs/)",
     lambda t, b: set_attr(t, "acs_url", lambda v: v + "/"), "saml"),
    ("AKB508", "kimai", "saml", "audience-wrong", "audience set to the application's base URL",
     lambda t, b: set_attr(t, "audience", lambda v: opt(b.args, "--app-url")), "saml"),
    ("AKB508", "kimai", "saml", "binding-redirect-for-post", "sp_binding redirect where the SP listens for HTTP-POST",
     lambda t, b: sub_once(t, "sp_binding: post", "sp_binding: redirect"), "saml"),
    ("AKB508", "kimai", "saml", "assertion-unsigned", "the response signed instead of the assertion the SP checks",
     lambda t, b: set_attr(set_attr(t, "sign_assertion", lambda v: "false"), "sign_response", lambda v: "true"), "saml"),
    ("AKB508", "kimai", "saml", "name-id-mapping-missing", "the NameID property mapping removed",
     lambda t, b: drop_node(t, "name_id_mapping:"), "saml"),
    ("AKB508", "kimai", "saml", "issuer-is-audience", "issuer set to the SP's entity ID",
     lambda t, b: set_or_add_attr(t, "issuer", fact(b.show, "Audience"), "audience"), "saml"),
    ("AKB505", "grafana", "oauth2", "grant-types-client-credentials", "grant_types [client_credentials] where Grafana uses authorization_code",
     lambda t, b: set_or_add_attr(t, "grant_types", "[client_credentials]", "client_type"), "oauth"),
    ("AKB410", "grafana", "oauth2", "grant-types-empty", "grant_types [] (no grant at all)",
     lambda t, b: set_or_add_attr(t, "grant_types", "[]", "client_type"), "oauth"),
    ("AKB404", "grafana", "oauth2", "strict-with-regex", "the strict redirect URI written as a pattern (/login/generic_oauth.*)",
     lambda t, b: sub_once(t, "/login/generic_oauth\n", "/login/generic_oauth.*\n"), "oauth"),
    ("AKB408", "grafana", "oauth2", "uris-empty", "redirect_uris: [] (no redirect URI at all)",
     lambda t, b: re.sub(r"      redirect_uris:\n(        .*\n)+", "      redirect_uris: []\n", t), "oauth"),
    ("AKB420", "grafana", "oauth2", "application-missing", "the application entry removed (the provider stays)",
     lambda t, b: drop_entry(t, "authentik_core.application"), "oauth"),
    ("AKB509", "paperless-ng", "forward-auth", "mode-proxy-for-forward", "mode proxy where the guide uses forward auth (single application)",
     lambda t, b: sub_once(t, "mode: forward_single", "mode: proxy\n      internal_host: http://paperless:8000"), "proxy"),
    ("AKB509", "uptime-kuma", "proxy", "skip-path-missing", "the unauthenticated path ^/api/push/.* removed",
     lambda t, b: sub_once(t, "        ^/api/push/.*\n", ""), "proxy"),
    ("AKB509", "tautulli", "proxy", "basic-auth-off", "HTTP basic credentials turned off",
     lambda t, b: sub_once(t, "basic_auth_enabled: true", "basic_auth_enabled: false"), "proxy"),
    ("AKB510", "jellyfin", "ldap", "mfa-support-off", "mfa_support false: a user with a TOTP authenticator binds with password;code",
     lambda t, b: sub_once(t, "mfa_support: true", "mfa_support: false"), "ldap-mfa"),
    ("AKB510", "jellyfin", "ldap", "bind-mode-cached", "bind_mode cached where the guide uses direct",
     lambda t, b: sub_once(t, "bind_mode: direct", "bind_mode: cached"), "ldap"),
]


def try_ldap_mfa(ctx, bp):
    """A user with a TOTP authenticator binds the way an outpost with MFA support asks:
    the password with `;` and the code appended. First, as a precondition, the bind flow
    must take her password and code when they are answered separately (what the outpost
    sends with mfa_support on); a failure there is the harness's, not the control's."""
    name = bp.entries("ldapprovider")[0]["identifiers"]["name"]
    cfg = ctx.api.one("/api/v3/outposts/ldap/", name=name)
    c = Client(CAROL, ctx.passwords[CAROL])
    c.code = totp(ctx.totp_key)
    kind, value = c.run_flow(cfg["bind_flow_slug"], "goauthentik.io/outpost/ldap=true")
    if kind != "redirect" or not c.code_asked:
        raise RuntimeError(f"precondition: the bind flow did not ask {CAROL} for her code and take it: {kind} {value}")
    # the next period's code: authentik takes each code once, and one period ahead
    typed = ctx.passwords[CAROL] + ";" + totp(ctx.totp_key, time.time() + 30)
    access = ldap_bind(ctx, cfg, CAROL, typed)
    if not access["access"]["passing"]:
        raise Fail(f"{CAROL} bound but was refused: {access['access'].get('messages')}")
    return f"bound with password;code (outpost mfa_support {cfg['mfa_support']})"


def try_negative(ctx, how, bp, cat, integration):
    if how == "oauth":
        return oauth_login(ctx, bp, ALICE, ctx.passwords[ALICE], cat, integration)
    if how == "oauth-console":
        uris = [u for u in bp.show["redirect_uris"] if u.get("redirect_uri_type", "authorization") == "authorization"]
        return oauth_login(ctx, bp, ALICE, ctx.passwords[ALICE], cat, integration,
                           redirect_uri=concrete_redirect(uris[1]))
    if how == "saml":
        return saml_login(ctx, bp, ALICE, ctx.passwords[ALICE], cat)
    if how == "proxy":
        return check_proxy(ctx, bp, cat, integration)
    if how == "ldap":
        return check_ldap(ctx, bp, cat, integration)
    if how == "ldap-mfa":
        return try_ldap_mfa(ctx, bp)
    raise SystemExit(f"unknown negative control kind {how}")


# ---------------------------------------------------------------------------------------
# The run


class Item:
    """One text to apply and try: a catalog login, its --allow-group variant, or a negative
    control."""

    def __init__(self, kind, bp, integration, cat, method, file, negative=None):
        self.kind, self.bp, self.integration, self.cat = kind, bp, integration, cat
        self.method, self.file, self.negative = method, file, negative
        self.result = self.reason = None


class Ctx:
    """What the checks share: secrets, users, the API, and one browser session per user
    and thread (a user who logged in once goes straight to the authorization flow, as in a
    browser; the first login of each session goes through identification and password)."""

    def __init__(self):
        self.local = threading.local()

    def client(self, user):
        cache = getattr(self.local, "clients", None)
        if cache is None:
            cache = self.local.clients = {}
        if user not in cache:
            cache[user] = Client(user, self.passwords[user])
        return cache[user]

    def forget_sessions(self):
        self.local = threading.local()


def load_catalog(slug):
    with open(os.path.join(ROOT, "catalog", f"{slug}.json"), encoding="utf-8") as f:
        return json.load(f)


def batches(items):
    """Greedy: each item goes into the first batch with none of its objects."""
    out = []
    for it in items:
        keys = it.bp.conflict_keys()
        for b in out:
            if not (b[0] & keys):
                b[0].update(keys)
                b[1].append(it)
                break
        else:
            out.append([set(keys), [it]])
    return [b[1] for b in out]


def run_item(ctx, it):
    kind = it.cat["provider"]["type"]
    if it.kind == "login":
        return CHECKS[kind](ctx, it.bp, it.cat, it.integration)
    if it.kind == "acl":
        return check_refused(ctx, it.bp, it.cat, it.integration)
    return try_negative(ctx, it.negative[6], it.bp, it.cat, it.integration)


def run_one(ctx, it):
    try:
        try:
            it.reason = run_item(ctx, it)
        except requests.ConnectionError:
            # the single server worker dropped a connection under load: try once more
            # with fresh sessions
            time.sleep(2)
            ctx.forget_sessions()
            it.reason = run_item(ctx, it)
        it.result = "pass"
    except Fail as exc:
        it.result, it.reason = "fail", one_line(exc)
    except Exception as exc:  # a harness bug must not hide the other results
        it.result, it.reason = "fail", f"harness error: {one_line(repr(exc), 200)}"
        traceback.print_exc()


def stop_on_term(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    global ROOT
    signal.signal(signal.SIGTERM, stop_on_term)
    signal.signal(signal.SIGINT, stop_on_term)
    ap = argparse.ArgumentParser()
    ap.add_argument("--akbp", default=os.path.join(ROOT, "target", "release", "akbp"))
    ap.add_argument("--lab-dir", default=os.environ.get("LAB_DIR", os.path.expanduser("~/.authentik-lab")))
    ap.add_argument("--only", help="comma-separated integration slugs (the files are not written unless --merge)")
    ap.add_argument("--merge", action="store_true",
                    help="with --only: replace those integrations' rows in the result files, keep the others")
    ap.add_argument("--no-negative", action="store_true", help="skip the negative controls")
    ap.add_argument("--jobs", type=int, default=4, help="logins at once (default 4)")
    ap.add_argument("--dry-run", action="store_true", help="generate and plan the batches only")
    ap.add_argument("--root", help="another checkout whose blueprints/ and catalog/ to use (--only runs only)")
    args = ap.parse_args()
    if args.merge and (not args.only or args.root or args.dry_run):
        sys.exit("--merge writes the results of an --only run into this checkout's files (not with --root or --dry-run)")
    if args.root:
        if not args.only:
            sys.exit("--root is for trying another checkout: give --only too (nothing is written)")
        ROOT = os.path.abspath(args.root)
    only = set(args.only.split(",")) if args.only else None
    started = time.time()
    tmp = tempfile.mkdtemp(prefix="lab-logins-")
    names = sorted(n for n in os.listdir(os.path.join(ROOT, "blueprints")) if n.endswith(".yaml"))
    items, by_method = [], {}
    for name in names:
        hargs = header_args(os.path.join(ROOT, "blueprints", name))
        if only and hargs[0] not in only:
            continue
        bp = Blueprint(args.akbp, lab_args(hargs), tmp, name)
        integration = load_catalog(bp.show["integration"])
        cat = next(m for m in integration["methods"] if m["name"] == bp.show["method"])
        by_method[(bp.show["integration"], bp.show["method"])] = hargs
        items.append(Item("login", bp, integration, cat, bp.show["method"], name))
        acl = Blueprint(args.akbp, lab_args(hargs, ACL_SUFFIX, ["--allow-group", ALLOW_GROUP]), tmp,
                        name.replace(".yaml", "-acl.yaml"))
        items.append(Item("acl", acl, integration, cat, bp.show["method"] + " allow-group", name))
    if not args.no_negative:
        for neg in NEGATIVES:
            rule, slug, method, nid, what, mutate, how = neg
            if only and slug not in only:
                continue
            hargs = by_method.get((slug, method))
            if hargs is None:
                hargs = next((header_args(os.path.join(ROOT, "blueprints", n)) for n in names
                              if header_args(os.path.join(ROOT, "blueprints", n))[0] == slug), None)
            if hargs is None:
                print(f"negative control {rule} {nid}: no blueprint for {slug}", file=sys.stderr)
                continue
            bp = Blueprint(args.akbp, lab_args(hargs, "-" + nid), tmp, f"{slug}-{nid}.yaml")
            if bp.show["method"] != method:
                raise SystemExit(f"negative control {nid}: {slug}'s blueprint is method {bp.show['method']}")
            bp.unbroken_sha = bp.sha
            bp.set_text(mutate(bp.text.decode(), bp).encode())
            if bp.sha == bp.unbroken_sha:
                raise SystemExit(f"negative control {nid} changed nothing")
            integration = load_catalog(slug)
            cat = next(m for m in integration["methods"] if m["name"] == method)
            items.append(Item("negative", bp, integration, cat, method, None, negative=neg))
    plan = batches(items)
    print(f"{len(items)} texts in {len(plan)} batch(es): {[len(b) for b in plan]}", flush=True)
    if args.dry_run:
        for n, b in enumerate(plan[1:], 2):
            print(f"batch {n}: {' '.join(os.path.basename(it.bp.path) for it in b)}")
        return
    ctx = Ctx()
    ctx.secrets = {}
    by_user = {}
    for it in items:
        for username, var in it.bp.password_vars():
            value = by_user.setdefault(username, "lab-" + secrets.token_urlsafe(24))
            if ctx.secrets.setdefault(var, value) != value:
                raise SystemExit(f"{var} is the password of two service accounts")
    for it in items:
        for var in it.bp.env_vars:
            ctx.secrets.setdefault(var, "lab-" + secrets.token_urlsafe(24))
    ctx.passwords = {ALICE: "pw-" + secrets.token_urlsafe(16), MALLORY: "pw-" + secrets.token_urlsafe(16),
                     CAROL: "pw-" + secrets.token_urlsafe(16)}
    lab = Lab(args.lab_dir)
    lock = open("/tmp/lab.lock", "a")  # Python opens it close-on-exec: the server won't hold it
    print("waiting for /tmp/lab.lock ...", flush=True)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        for n, batch in enumerate(plan, 1):
            t0 = time.time()
            lab.reset()
            verdicts, res = lab.apply([it.bp.path for it in batch], ctx.secrets)
            applied = []
            for it in batch:
                v = verdicts.get(os.path.basename(it.bp.path))
                if v is None:
                    raise SystemExit(f"no verdict for {it.bp.path}:\n{res.stderr[-3000:]}")
                if v[0] != "valid":
                    it.result, it.reason = "fail", f"authentik's importer rejected it: {one_line(v[1], 250)}"
                else:
                    applied.append(it)
            users = [(ALICE, ALICE_EMAIL, ALICE_GROUPS, ctx.passwords[ALICE]),
                     (MALLORY, MALLORY_EMAIL, [], ctx.passwords[MALLORY]),
                     (CAROL, CAROL_EMAIL, [], ctx.passwords[CAROL])]
            out = lab.shell(SETUP % {"groups": repr(ALICE_GROUPS), "users": repr(users), "mfa_user": CAROL})
            setup = json.loads(re.search(r"^AKBP-LAB (.*)$", out, re.M).group(1))
            token, ctx.totp_key = setup["token"], setup["totp_key"]
            lab.start()
            ctx.api = Api(token)
            ctx.users = {}
            for u, groups in ((ALICE, ALICE_GROUPS), (MALLORY, [])):
                info = ctx.api.one("/api/v3/core/users/", username=u)
                info["groups"] = groups
                ctx.users[u] = info
            ctx.forget_sessions()
            with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                for it in pool.map(lambda it: (run_one(ctx, it), it)[1], applied):
                    tag = it.negative[0] + " " + it.negative[3] if it.negative else it.method
                    print(f"  {it.bp.show['integration']:28} {tag:34} {it.result}: {it.reason}", flush=True)
            lab.stop()
            print(f"batch {n}/{len(plan)}: {len(batch)} texts in {time.time() - t0:.0f} s", flush=True)
    finally:
        if lab.serving:
            lab.stop()
        lab.reset()
        fcntl.flock(lock, fcntl.LOCK_UN)
    if only and not args.merge:
        print(f"--only: results not written ({time.time() - started:.0f} s)")
        return
    write_results(items, started, only)


def kept_rows(path, slug_col, only):
    """The data rows of an earlier result file whose integration is not in `only`."""
    if not only or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    return [r for r in rows if r.split("\t")[slug_col] not in only]


def write_results(items, started, only=None):
    """Writes both result files; with `only` (an --only --merge run) the rows of the other
    integrations are kept as they were."""
    today = datetime.date.today().isoformat()
    rows = [it for it in items if it.kind != "negative"]
    lines = [f"{it.bp.show['integration']}\t{it.method}\t{it.result}\t{it.reason}\t{it.bp.sha}" for it in rows]
    lines += kept_rows(OUT, 0, only)
    lines.sort(key=lambda r: tuple(r.split("\t")[:2]))
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(f"# {LAB_RELEASE} lab (../shared/lab serve.sh), {today}: every blueprints/ file\n")
        f.write(f"# regenerated with --authentik-url {LAB_URL} --target {TARGET} (and, for the\n")
        f.write(f"# `allow-group` rows, --slug SLUG{ACL_SUFFIX} --allow-group '{ALLOW_GROUP}'), applied, and\n")
        f.write("# used as its application would. Written by tools/lab-logins.py; checked by\n")
        f.write("# tests/lab_logins.rs. A fail needs an entry in tests/lab/logins-accepted.tsv.\n")
        f.write("# integration\tmethod\tresult\treason\tsha256 of the generated text\n")
        for line in lines:
            f.write(line + "\n")
    negs = [it for it in items if it.kind == "negative"]
    order = {(n[1], n[3]): i for i, n in enumerate(NEGATIVES)}
    neg_lines = []
    for it in negs:
        rule, slug, method, nid, what, _, _ = it.negative
        result = "refused" if it.result == "fail" else "accepted"
        neg_lines.append(f"{rule}\t{slug}\t{method}\t{nid}\t{what}\t{result}\t{it.reason}\t{it.bp.unbroken_sha}")
    neg_lines += kept_rows(OUT_NEG, 1, only)
    neg_lines.sort(key=lambda r: order.get((r.split("\t")[1], r.split("\t")[3]), len(order)))
    with open(OUT_NEG, "w", encoding="utf-8") as f:
        f.write(f"# {LAB_RELEASE} lab, {today}: negative controls. Each row's blueprint is generated\n")
        f.write("# like the logins' (--slug SLUG-ID, ID the breakage), then broken as described, applied\n")
        f.write("# and tried; `refused` quotes what authentik (or the application's check) said,\n")
        f.write("# `accepted` means the login still works on this release. sha256 is of the text\n")
        f.write("# before it was broken. Written by tools/lab-logins.py; checked by tests/lab_logins.rs.\n")
        f.write("# rule\tintegration\tmethod\tbreakage\twhat was broken\tresult\twhat was said\tsha256\n")
        for line in neg_lines:
            f.write(line + "\n")
    for kind in ("oauth2", "saml", "proxy", "ldap"):
        for acl in (False, True):
            of = [it for it in rows if it.cat["provider"]["type"] == kind and (it.kind == "acl") == acl]
            ok = sum(1 for it in of if it.result == "pass")
            print(f"{kind:7} {'allow-group' if acl else 'login':12} {ok} of {len(of)} passed")
    refused = sum(1 for it in negs if it.result == "fail")
    print(f"negative controls: {refused} of {len(negs)} refused")
    passed = sum(1 for it in rows if it.result == "pass")
    print(f"{passed} of {len(rows)} passed; {len(negs)} negative controls; "
          f"written {os.path.relpath(OUT, ROOT)}, {os.path.relpath(OUT_NEG, ROOT)} "
          f"({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
