#!/usr/bin/env python3
"""Inventory of authentik's integration guides (the catalog's denominator) and drift check.

    python3 tools/guides.py --guides DIR [--out guides/] [--check] [--drift-md FILE]

DIR is laid out like website/integrations of goauthentik/authentik: DIR/<category>/<app>/
holds index.mdx (or index.md), the newest known text of that guide. A sparse checkout of
the repository works, and so does a cache of guide texts. Beside each text an optional
sidecar meta.json gives where the text came from: {"path", "commit", "date"} (date may be
null when only the commit is known). Without a sidecar, the commit and date come from
`git log` when DIR is inside a git work tree; otherwise they stay null.

A folder whose text was deliberately not read (a copy of another guide) may hold only a
meta.json; it must then be listed in LEFT_OUT. A meta.json may also carry
"earlier_reading": {title, types, kinds, classified_by}, what an earlier run read from the
same commit: the inventory then uses it for a folder without a text (marked so in
`classified_by`), while the drift check reports an entry whose guide has no text as not
compared. "excerpt": true marks a text that holds the front matter and the authentik-side
sections only (verbatim; the sections the drift check reads), recorded as "text": "excerpt".

Writes guides/guides.json (one record per guide folder: path, commit, date, provider types,
left-out reason, gaps) and guides/GUIDES.md (the same as tables, with the denominator, its
date and the catalog's coverage per type).

With --check, every catalog entry (catalog/*.json) is compared with the newest text of its
guide: redirect URIs (matching mode, authorization or post-logout type), client type,
scopes and custom scope mappings, subject mode, logout URI, grant types, ACS URL, audience,
issuer, SLS URL and binding, service-provider binding, NameID mapping and policy, signing
toggles, custom SAML mappings, values the application shows (temp.temp), proxy mode and
hosts, unauthenticated paths, basic auth, LDAP base DN and service account, the provider
types offered, and renamed or removed guides. Reading the guide is heuristic; a difference
that is deliberate is explained in the entry's `decisions` by a topic naming the drift key
(`redirect_uris`, `saml.issuer`, `drift:scopes`, ...). The check prints every difference,
explained or not, writes them to --drift-md, and exits 1 when any is unexplained.

Standard library only; tools/test_guides.py tests the extractor on synthetic snippets.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys

ROOT = "website/integrations"
TYPES = ["oauth2", "saml", "proxy", "ldap"]
HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)

# Provider types read by hand where the automatic reading is wrong or ambiguous, with what
# the guide actually documents.
OVERRIDES = {
    # SharePoint SE: an OAuth2/OpenID provider created from the provider form; the LDAP outpost
    # is an optional LDAPCP enhancement against an existing one.
    "chat-communication-collaboration/sharepoint-se": ["oauth2"],
    # Jellyfin: an OIDC section (SSO plugin) and an LDAP section.
    "media/jellyfin": ["ldap", "oauth2"],
    # Organizr: OIDC (default), a proxy provider (Auth Proxy headers) and Organizr's LDAP backend.
    "dashboards/organizr": ["oauth2", "proxy", "ldap"],
    # Paperless-ng: proxy provider in forward-auth mode.
    "documentation/paperless-ng": ["proxy"],
    # AWS Classic: a SAML tab and an OIDC tab whose wizard line names no provider in bold.
    "cloud-providers/aws-classic": ["saml", "oauth2"],
    # Snipe-IT: SAML provider, and an LDAP section with an LDAP provider.
    "documentation/snipe-it": ["saml", "ldap"],
    # OpenObserve: Dex in front; an OIDC tab (default) and an LDAP tab.
    "monitoring/openobserve": ["oauth2", "ldap"],
    # Cisco Modeling Labs: the LDAP provider is created by following the generic LDAP page.
    "networking/cisco-modeling-labs": ["ldap"],
    # OPNsense: the LDAP provider is created by following the generic LDAP page.
    "networking/opnsense": ["ldap"],
    # Zoho: "SAML Provider from Metadata".
    "platforms/zoho": ["saml"],
    # SonarQube: the authentik side is given only as Terraform (authentik_provider_saml).
    "development/sonar-qube": ["saml"],
}

# Provider kinds outside the four catalog types that a guide documents (recorded, not targeted).
KIND_NAMES = [
    ("scim", re.compile(r"SCIM Provider", re.I)),
    ("ws-federation", re.compile(r"WS-Federation Provider", re.I)),
    ("rac", re.compile(r"\bRAC Provider|Remote Access Control", re.I)),
    ("radius", re.compile(r"RADIUS Provider", re.I)),
    ("ssf", re.compile(r"Shared Signals Framework|SSF Provider", re.I)),
]

# Folders outside the denominator, each with its reason.
LEFT_OUT = {
    "platforms/cloudflare": "no authentik-side provider: configures Cloudflare's dashboard SSO connector and relies on the cloudflare-access guide for the authentik side",
    "chat-communication-collaboration/mattermost-team-edition": "an older copy of the Mattermost guide; the current text is chat-communication-collaboration/mattermost (Team Edition OIDC and Enterprise SAML)",
    "chat-communication-collaboration/zendesk": "a copy of the Zendesk guide; counted once as infrastructure/zendesk",
    "miscellaneous/zendesk": "a copy of the Zendesk guide; counted once as infrastructure/zendesk (not read)",
    "development/docker": "a copy of the Docker guide; counted once as platforms/docker-platforms",
    "development/docker-hub": "a copy of the Docker Hub guide; counted once as platforms/docker-platforms",
    "platforms/docker": "a copy of the Docker guide; counted once as platforms/docker-platforms (not read)",
    "platforms/docker-hub-desktop": "a copy of the Docker guide; counted once as platforms/docker-platforms (not read)",
    "platforms/servicenow": "the newest text is the unfilled guide template: no provider type and no settings",
    "security/bitwarden-scim": "an unfinished draft (steps stop mid-sentence) documenting only a SCIM provider",
    "platforms/microsoft-ws-federation": "documents only a WS-Federation provider (authentik 2026.8, enterprise), which the 2026.2 schemas and the lab do not have",
}

# Guides renamed or merged since the catalog was written: old folder -> successor folder.
RENAMED = {
    "development/github-organization": "development/ghec",
    "development/github-enterprise-cloud": "development/ghec",
    "development/github-enterprise-emu": "development/ghec-emu",
    "development/github-enterprise-server": "development/ghes",
    "media/jellyseerr": "media/seerr",
    "platforms/microsoft": "platforms/microsoft-saml",
    "chat-communication-collaboration/mattermost-team-edition": "chat-communication-collaboration/mattermost",
}

# Guides in the denominator that the catalog does not cover (yet), per provider type, with the
# reason. They stay in the denominator: these are limits of the catalog, not of the guide.
GAPS = {
    "chat-communication-collaboration/sharepoint-se": {"oauth2": "needs two custom scope mappings that replace openid and profile (nbf, oid, upn; roles) and minimum code and token validities; the catalog has fields for neither"},
    "cloud-providers/aws-classic": {"oauth2": "the OIDC section is AWS web-identity federation: no redirect URI and no browser login, while a catalog OAuth2 provider needs at least one redirect URI (the SAML section is covered)"},
    "device-management/apple": {"oauth2": "needs a Shared Signals Framework backchannel provider and custom ssf.read/ssf.manage scopes; the catalog has no SSF provider type"},
    "platforms/aisix-ai-gateway": {"oauth2": "machine-to-machine: client-credentials grant only and no redirect URI, which a catalog OAuth2 provider cannot express yet (it needs at least one redirect URI)"},
    "platforms/anthropic-workload-identity-federation": {"oauth2": "machine-to-machine: client-credentials grant only and no redirect URI, which a catalog OAuth2 provider cannot express yet (it needs at least one redirect URI)"},
    "infrastructure/postgresql": {"oauth2": "a public client that uses only the device-code grant and no redirect URI, which a catalog OAuth2 provider cannot express yet (it needs at least one redirect URI)"},
    "documentation/appflowy": {"saml": "the guide gives AppFlowy's own SAML issuer as `authentik` while the Audience is AppFlowy's metadata URL; which entity ID AppFlowy sends cannot be settled from the guide"},
}

# ---------------------------------------------------------------------------------------------
# Reading a guide text


def headings_side(lines):
    """For each line, whether it belongs to the authentik side of the guide: the nearest heading
    naming authentik says yes, the nearest heading naming another configuration says no, other
    headings inherit from their parent."""
    stack = []  # (level, verdict or None)
    out = []
    for line in lines:
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            level, title = len(m.group(1)), m.group(2).lower()
            while stack and stack[-1][0] >= level:
                stack.pop()
            if "authentik" in title and "verification" not in title:
                verdict = True
            elif re.search(r"configuration|verification|preparation|resources|troubleshoot|setup|settings|what is", title):
                verdict = False
            else:
                verdict = None
            stack.append((level, verdict))
        side = False
        for _, v in reversed(stack):
            if v is not None:
                side = v
                break
        out.append(side)
    return out


BACKTICK = re.compile(r"`([^`\n]+)`")


def urls_in(line):
    return [u for u in BACKTICK.findall(line) if re.match(r"^\^?[a-z][a-z0-9+.-]*://", u, re.I)]


def provider_name_type(name):
    n = name.lower()
    if "mapping" in n:
        return None
    for key, t in (("oauth2", "oauth2"), ("openid", "oauth2"), ("saml", "saml"), ("proxy", "proxy"),
                   ("ldap", "ldap"), ("scim", "scim"), ("ws-fed", "ws-federation"), ("rac", "rac"),
                   ("radius", "radius")):
        if key in n:
            return t
    return None


def wizard_types(text):
    """Provider types from the wizard step: a line naming the provider type that selects a
    bold name ('**Choose a Provider type**: select **SAML Provider**', 'select **LDAP** as the
    provider type'). Other kinds (SCIM, WS-Federation, RAC, RADIUS, SSF) are recorded apart."""
    found, kinds = [], []
    for line in text.splitlines():
        if "provider" not in line.lower():
            continue
        for m in re.finditer(r"(?:select|choose)\s+\*\*([^*\n]+)\*\*", line, re.I):
            t = provider_name_type(m.group(1))
            if t in TYPES and t not in found:
                found.append(t)
            elif t and t not in TYPES and t not in kinds:
                kinds.append(t)
    for k, rx in KIND_NAMES:
        if rx.search(text) and k not in kinds:
            kinds.append(k)
    return found, kinds


SIGNALS = {
    "oauth2": re.compile(r"OAuth2/OpenID|OAuth2 provider|OAuth2/OIDC", re.I),
    "saml": re.compile(r"SAML provider", re.I),
    "proxy": re.compile(r"Proxy provider|forward[ _-]auth", re.I),
    "ldap": re.compile(r"LDAP provider|LDAP outpost", re.I),
}


def classify(key, text):
    wiz, kinds = wizard_types(text)
    if key in OVERRIDES:
        return list(OVERRIDES[key]), kinds, "read by hand"
    if wiz:
        return wiz, kinds, "wizard provider type"
    found = [t for t in TYPES if SIGNALS[t].search(text)]
    return found, kinds, "provider names in the text"


# The guide's words for SAMLProvider.logout_method and default_name_id_policy, as the catalog
# writes them (authentik's values).
LOGOUT_METHODS = {"front-channel": "frontchannel_iframe", "frontchannel": "frontchannel_iframe",
                  "back-channel": "backchannel", "backchannel": "backchannel"}
NAMEID_POLICIES = {
    "email": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "x509": "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
    "windows": "urn:oasis:names:tc:SAML:2.0:nameid-format:WindowsDomainQualifiedName",
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
}

NAMEID = {
    "email": "goauthentik.io/providers/saml/email",
    "username": "goauthentik.io/providers/saml/username",
    "upn": "goauthentik.io/providers/saml/upn",
    "name": "goauthentik.io/providers/saml/name",
    "user id": "goauthentik.io/providers/saml/uid",
    "uid": "goauthentik.io/providers/saml/uid",
    "windowsaccountname": "goauthentik.io/providers/saml/ms-windowsaccountname",
}
SUBMODE = [
    (r"hashed user id", "hashed_user_id"),
    (r"user'?s? username", "user_username"),
    (r"user'?s? e-?mail", "user_email"),
    (r"user'?s? upn", "user_upn"),
    (r"user'?s? uuid", "user_uuid"),
    (r"user'?s? id\b", "user_id"),
]


def field_value(line, name):
    """The value given for a bold field: '**Name**: `v`', 'Set **Name** to `v`', '**Name** to **v**'."""
    m = re.search(r"\*\*" + name + r"\*\*\s*(?::|to|as|is)?\s*(?:to\s+)?(?:the\s+)?(`[^`]+`|\*\*[^*]+\*\*)", line, re.I)
    if not m:
        return None
    return m.group(1).strip("`*").strip()


def extract(text):
    """Facts the guide's authentik side states. Values are kept as the guide writes them;
    `norm_url` maps the guide's placeholders. Returns a dict of sets/values."""
    lines = text.splitlines()
    side = headings_side(lines)
    f = {
        "redirect_uris": set(), "redirect_from_app": False, "logout_uri": set(),
        "client_type": set(), "scopes": set(), "scope_mappings": set(), "sub_mode": set(),
        "grant_types": set(), "no_redirect": False,
        "acs_url": set(), "audience": set(), "issuer": set(), "sls_url": set(), "sls_binding": set(),
        "logout_method": set(), "sp_binding": set(), "name_id_mapping": set(), "name_id_policy": set(),
        "sign_assertion": False, "sign_response": False, "saml_mappings": set(), "relay_state": False,
        "sp_metadata": False, "values_from_app": set(),
        "proxy_mode": set(), "external_host": set(), "internal_host": set(), "skip_path_regex": set(),
        "basic_auth": False,
        "base_dn": set(), "service_account": set(),
    }
    ctx = None  # (indent, mode, type) while a redirect-URI list continues
    in_code, code_for = False, None
    pending_code = None
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        if re.match(r"^\s*```", line):
            if in_code:
                in_code, code_for = False, None
            else:
                in_code, code_for = True, pending_code
            pending_code = None
            continue
        if in_code:
            if code_for == "skip" and side[i]:
                v = line.strip()
                if v:
                    f["skip_path_regex"].add(v)
            continue
        if not side[i]:
            ctx = None
            continue
        low = line.lower()
        indent = len(line) - len(line.lstrip())
        # --- redirect URIs
        if ctx and indent > ctx[0] and line.lstrip().startswith("-"):
            # An item may name its own mode and type ("- `Strict` `Post Logout`: `url`").
            mode = "regex" if re.search(r"`regex`|^\s*-\s*regex\b", low) else "strict" if re.search(r"`strict`|^\s*-\s*strict\b", low) else ctx[1]
            rtype = "logout" if re.search(r"post[ -]?logout", low) else "authorization" if "`authorization`" in low else ctx[2]
            for u in urls_in(line):
                f["redirect_uris"].add((mode, u, rtype))
            continue
        ctx = None
        if re.search(r"redirect uri", low) and not re.search(r"logout uri\*\*", low):
            mode = "regex" if re.search(r"`regex`|\bregex\b(?!\))", low) and "redirect uris/origins (regex)" not in low else "strict"
            rtype = "logout" if re.search(r"post[ -]?logout", low) else "authorization"
            us = urls_in(line)
            if "redirect uris/origins (regex)" in low and re.search(r"empty|leave", low):
                f["no_redirect"] = True
            for u in us:
                if "temp.temp" in u:
                    f["redirect_from_app"] = True
                else:
                    f["redirect_uris"].add((mode, u, rtype))
            if not us and line.rstrip().endswith(":"):
                ctx = (indent, mode, rtype)
            elif not us and re.search(r"cop(y|ied)|shown|generated|from (the )?[A-Z]|value from|provided by", line):
                f["redirect_from_app"] = True
        if re.search(r"\*\*logout uri\*\*", low):
            for u in urls_in(line):
                f["logout_uri"].add(u)
        # --- OAuth2 settings
        v = field_value(line, r"client type")
        if v:
            f["client_type"].add(v.lower())
        if "offline_access" in low:
            f["scopes"].add("offline_access")
        if re.search(r"openid 'entitlements'|`entitlements`|oauth mapping: application entitlements", low):
            f["scopes"].add("entitlements")
        if "goauthentik.io/api" in low:
            f["scopes"].add("goauthentik.io/api")
        # A guide that swaps the managed email mapping for one sending email_verified: true.
        if "email_verified" in low and re.search(r"selected scopes|scope mapping", low):
            f["scope_mappings"].add("email (email_verified)")
        if re.search(r"\*\*scope name\*\*", low):
            sv = field_value(line, r"scope name")
            if sv:
                f["scope_mappings"].add(sv)
        if re.search(r"subject mode", low):
            for rx, mode in SUBMODE:
                if re.search(rx, low):
                    f["sub_mode"].add(mode)
                    break
        if re.search(r"client credentials", low) and re.search(r"grant", low):
            f["grant_types"].add("client_credentials")
        # --- SAML settings
        for key, name in (("acs_url", r"acs url"), ("audience", r"audience"), ("issuer", r"issuer"),
                          ("sls_url", r"sls url")):
            if re.search(r"\*\*" + name + r"\*\*", low):
                us = urls_in(line) or [x for x in BACKTICK.findall(line) if ":" in x or "." in x or key == "audience"]
                vals = [u for u in us if "temp.temp" not in u]
                if any("temp.temp" in u for u in us) or (not us and re.search(r"from [A-Z]|from the application|value from|provided|shown|set to the \*\*", line)):
                    f["values_from_app"].add(key)
                for u in vals:
                    f[key].add(u)
        for key, name in (("sls_binding", r"sls binding"), ("logout_method", r"logout method"),
                          ("sp_binding", r"service provider binding")):
            val = field_value(line, name)
            if val:
                f[key].add(val.lower().split()[0].strip("()"))
        if re.search(r"nameid property mapping", low):
            m = re.search(r"authentik default SAML Mapping: ([A-Za-z ]+?)`", line)
            if m:
                f["name_id_mapping"].add(NAMEID.get(m.group(1).strip().lower(), "custom"))
            else:
                bt = BACKTICK.findall(line)
                if bt:
                    f["name_id_mapping"].add("custom:" + bt[0])
        if re.search(r"default nameid policy", low):
            val = field_value(line, r"default nameid policy")
            if val:
                f["name_id_policy"].add(val.lower())
        off = re.search(r"toggle off|turn off|disable|clear|uncheck", low)
        if re.search(r"sign assertions?\b", low) and re.search(r"enable|toggle|select|on\b|and \*\*sign", low) and not off:
            f["sign_assertion"] = True
        if re.search(r"sign responses?\b", low) and re.search(r"enable|toggle|select|\bon\b", low) and not off:
            f["sign_response"] = True
        if re.search(r"\*\*saml attribute name\*\*", low):
            val = field_value(line, r"saml attribute name")
            if val:
                f["saml_mappings"].add(val)
        if "default relay state" in low:
            f["relay_state"] = True
        if "saml provider from metadata" in low:
            f["sp_metadata"] = True
        # --- proxy
        if re.search(r"forward auth \(single application\)", low):
            f["proxy_mode"].add("forward_single")
        elif re.search(r"forward auth \(domain level\)", low):
            f["proxy_mode"].add("forward_domain")
        elif re.search(r"\*\*mode\*\*", low) and re.search(r"\*\*proxy\*\*|`proxy`", low):
            f["proxy_mode"].add("proxy")
        if re.search(r"\*\*external host\*\*", low):
            f["external_host"].update(urls_in(line))
        if re.search(r"\*\*internal host\*\*", low):
            f["internal_host"].update(urls_in(line))
        if re.search(r"unauthenticated paths|skip path regex", low):
            for v in BACKTICK.findall(line):
                if v.startswith("^"):
                    f["skip_path_regex"].add(v)
            pending_code = "skip"
        if re.search(r"http-basic|basic authentication", low) and re.search(r"send|enable", low):
            f["basic_auth"] = True
        # --- LDAP
        for v in BACKTICK.findall(line):
            if re.match(r"^(dc|DC)=[^,]+(,\s*(dc|DC)=[^,]+)+$", v):
                f["base_dn"].add(v.lower().replace(" ", ""))
        if re.search(r"service account", low):
            for v in BACKTICK.findall(line):
                if re.fullmatch(r"[a-z][a-z0-9._-]{2,40}", v) and v not in ("ldap", "true", "false"):
                    f["service_account"].add(v)
    if not any(t == "authorization" for _, _, t in f["redirect_uris"]) and f["redirect_from_app"]:
        f["values_from_app"].add("redirect_uris")
    return f


# ---------------------------------------------------------------------------------------------
# Comparing an entry with its guide


def norm_url(u, app_host, ak_host="authentik.company"):
    """A guide URL in the catalog's template words: the app placeholder host becomes {app_url},
    authentik's becomes {authentik_url}, <angle> placeholders become {*}; the catalog's own
    {param:...}/{slug} become {*} too, so both sides compare alike."""
    if u is None:
        return None
    u = u.replace("\\_", "_").replace("\\.", ".")
    u = re.sub(r"\{param:[^}]+\}|\{slug\}|<[^>]+>", "{*}", u)
    u = re.sub(r"^(\^?)https?://" + re.escape(ak_host) + r"(?=[/:]|$)", r"\1{authentik_url}", u)
    if app_host:
        u = re.sub(r"^(\^?)https?://" + re.escape(app_host) + r"(?=[/:?]|$)", r"\1{app_url}", u)
    u = re.sub(r"^\^", "", u)
    u = re.sub(r"\$$", "", u)
    if "{app_url_regex}" in u:
        u = u.replace("{app_url_regex}", "{app_url}")
    u = u.replace("\\", "")
    return u


def entry_methods(entry):
    return [(m.get("name", m["provider"]["type"]), m["provider"]) for m in entry.get("methods", [])]


def explained(entry, key, ptype):
    for d in entry.get("decisions", []):
        t = d["topic"]
        if t in (key, f"{ptype}.{key}", f"drift:{key}", f"drift:{ptype}.{key}") or t.startswith(f"drift:{key}:"):
            return d
    return None


def compare(entry, guide_facts, guide_types, guide_key):
    """Differences between an entry and its guide: list of (ptype, key, guide_side, entry_side)."""
    out = []
    app_host = entry["guide"]["placeholder_host"]
    ak = entry["guide"].get("authentik_placeholder_host", "authentik.company")
    g = guide_facts
    n = lambda u: norm_url(u, app_host, ak)
    methods = entry_methods(entry)
    etypes = sorted({p["type"] for _, p in methods})
    for t in guide_types:
        if t not in etypes:
            out.append((t, "methods", f"guide documents {t}", f"entry offers {', '.join(etypes)}"))
    for t in etypes:
        if guide_types and t not in guide_types:
            out.append((t, "methods", f"guide documents {', '.join(guide_types)}", f"entry offers {t}"))
    for name, p in methods:
        t = p["type"]
        if t == "oauth2":
            want = {(m, n(u), ty) for m, u, ty in g["redirect_uris"]}
            # A guide with variants (two OIDC plugins, each with its callback) is one method
            # per variant: the URIs of every OAuth2 method together answer the guide's.
            have = set()
            for _, q in methods:
                if q["type"] == "oauth2":
                    have |= {(r["matching_mode"], n(r["url"]), r.get("redirect_uri_type", "authorization")) for r in q["redirect_uris"]}
                    have |= {(r["matching_mode"], n(r["url"]), "logout") for r in q.get("post_logout_redirect_uris", [])}
            if g["redirect_from_app"] and not want:
                if not any("{*}" in u for _, u, _ in have):
                    out.append((t, "redirect_uris", "a URI the application shows", sorted(have)))
            elif want and want != have:
                wu = {(m, u) for m, u, ty in want}
                hu = {(m, u) for m, u, ty in have}
                if wu == hu:
                    out.append((t, "redirect_uri_types", sorted(want), sorted(have)))
                elif {u for _, u in wu} == {u for _, u in hu}:
                    out.append((t, "matching_mode", sorted(want), sorted(have)))
                else:
                    out.append((t, "redirect_uris", sorted(want - have), sorted(have - want)))
            if g["no_redirect"] and p["redirect_uris"]:
                out.append((t, "redirect_uris", "none (machine-to-machine)", sorted(have)))
            if g["client_type"] and p["client_type"] not in g["client_type"]:
                out.append((t, "client_type", sorted(g["client_type"]), p["client_type"]))
            miss = sorted(s for s in g["scopes"] if s not in p["scopes"])
            if miss:
                out.append((t, "scopes", miss, p["scopes"]))
            if g["scope_mappings"]:
                out.append((t, "scope_mappings", sorted(g["scope_mappings"]), p.get("extra_property_mappings", [])))
            if g["sub_mode"] and p["sub_mode"] not in g["sub_mode"]:
                out.append((t, "sub_mode", sorted(g["sub_mode"]), p["sub_mode"]))
            if g["logout_uri"]:
                out.append((t, "logout_uri", sorted(n(u) for u in g["logout_uri"]), "not in the catalog schema"))
            if g["grant_types"] - set(p["grant_types"]):
                out.append((t, "grant_types", sorted(g["grant_types"]), p["grant_types"]))
        elif t == "saml":
            for key in ("acs_url", "audience", "issuer", "sls_url"):
                have = p.get(key)
                hv = n(have) if have else None
                if key in g["values_from_app"]:
                    if not (have and "{*}" in hv):
                        out.append((t, key, "a value the application shows", have))
                    continue
                want = {n(u) for u in g[key]}
                if want and hv not in want:
                    out.append((t, key, sorted(want), have))
                elif not want and have and key in ("issuer", "sls_url"):
                    out.append((t, key, "not set by the guide", have))
            if g["sp_binding"] and p["sp_binding"] not in g["sp_binding"]:
                out.append((t, "sp_binding", sorted(g["sp_binding"]), p["sp_binding"]))
            if g["sls_binding"] and p.get("sls_binding") not in g["sls_binding"]:
                out.append((t, "sls_binding", sorted(g["sls_binding"]), p.get("sls_binding")))
            lm = {LOGOUT_METHODS.get(v, v) for v in g["logout_method"]}
            if lm and p.get("logout_method") not in lm:
                out.append((t, "logout_method", sorted(lm), p.get("logout_method")))
            nid = g["name_id_mapping"]
            custom = {c["saml_name"]: c for c in p.get("custom_property_mappings", [])}
            have_nid = p.get("name_id_mapping")
            if p.get("name_id_custom_mapping"):
                have_nid = "custom:" + p["name_id_custom_mapping"]
            if nid and have_nid not in nid and not (have_nid or "").startswith("custom:"):
                out.append((t, "name_id_mapping", sorted(nid), have_nid))
            elif nid and have_nid and have_nid.startswith("custom:") and not any(x.startswith("custom") for x in nid):
                out.append((t, "name_id_mapping", sorted(nid), have_nid))
            pol = {NAMEID_POLICIES.get(v.split()[0], v) for v in g["name_id_policy"] if v}
            if pol and p.get("name_id_policy") not in pol:
                out.append((t, "name_id_policy", sorted(pol), p.get("name_id_policy")))
            if g["sign_assertion"] and not p["sign_assertion"]:
                out.append((t, "sign_assertion", True, False))
            if g["sign_response"] and not p["sign_response"]:
                out.append((t, "sign_response", True, False))
            if g["saml_mappings"] and set(g["saml_mappings"]) != set(custom):
                out.append((t, "property_mappings", "custom: " + ", ".join(sorted(g["saml_mappings"])),
                            "custom: " + ", ".join(sorted(custom)) if custom else "managed mappings only"))
            if g["relay_state"] and not p.get("default_relay_state"):
                out.append((t, "default_relay_state", "set by the guide", None))
            if g["sp_metadata"] and not ("{param:" in p["acs_url"] and "{param:" in p["audience"]):
                out.append((t, "sp_metadata", "provider created from the SP's metadata", "templated fields"))
        elif t == "proxy":
            if g["proxy_mode"] and p["mode"] not in g["proxy_mode"]:
                out.append((t, "mode", sorted(g["proxy_mode"]), p["mode"]))
            ext = {n(u) for u in g["external_host"]}
            if ext and n(p["external_host"]) not in ext:
                out.append((t, "external_host", sorted(ext), p["external_host"]))
            inh = {n(u) for u in g["internal_host"]}
            if inh and p.get("internal_host") and n(p["internal_host"]) not in inh:
                out.append((t, "internal_host", sorted(inh), p.get("internal_host")))
            sk = {s.replace("\\.", ".") for s in g["skip_path_regex"]}
            hs = {s.replace("\\.", ".") for s in p.get("skip_path_regex", [])}
            if sk and sk != hs:
                out.append((t, "skip_path_regex", sorted(sk - hs), sorted(hs - sk)))
            if bool(g["basic_auth"]) != bool(p.get("basic_auth")):
                out.append((t, "basic_auth", g["basic_auth"], bool(p.get("basic_auth"))))
        elif t == "ldap":
            if g["base_dn"] and p["base_dn"].lower().replace(" ", "") not in g["base_dn"]:
                out.append((t, "base_dn", sorted(g["base_dn"]), p["base_dn"]))
            sa = (p.get("service_account") or {}).get("username")
            if g["service_account"] and sa and sa not in g["service_account"]:
                out.append((t, "service_account", sorted(g["service_account"]), sa))
    # one report per (type, key)
    seen, uniq = set(), []
    for d in out:
        k = (d[0], d[1])
        if k not in seen:
            seen.add(k)
            uniq.append(d)
    return uniq


# ---------------------------------------------------------------------------------------------
# Inventory


def git_meta(path):
    try:
        top = subprocess.run(["git", "-C", os.path.dirname(path), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
        out = subprocess.run(["git", "-C", top, "log", "-1", "--format=%H %cI", "--", os.path.relpath(path, top)],
                             capture_output=True, text=True, check=True).stdout.split()
        return (out[0], out[1]) if len(out) == 2 else (None, None)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None, None


def title_of(text, fallback):
    m = re.search(r"^title:\s*(.+)$", text, re.M)
    return m.group(1).strip().strip("\"'") if m else fallback


def load(dirpath):
    """Every guide folder under DIR: {key: record} with the text under '_text'."""
    guides = {}
    for category in sorted(os.listdir(dirpath)):
        cdir = os.path.join(dirpath, category)
        if category.startswith((".", "_")) or not os.path.isdir(cdir):
            continue
        for app in sorted(os.listdir(cdir)):
            adir = os.path.join(cdir, app)
            if not os.path.isdir(adir):
                continue
            key = f"{category}/{app}"
            text, fname = None, None
            for f in ("index.mdx", "index.md"):
                if os.path.exists(os.path.join(adir, f)):
                    fname = f
                    with open(os.path.join(adir, f), encoding="utf-8") as fh:
                        text = fh.read()
                    break
            meta = {}
            if os.path.exists(os.path.join(adir, "meta.json")):
                with open(os.path.join(adir, "meta.json"), encoding="utf-8") as fh:
                    meta = json.load(fh)
            if text is None and not meta:
                continue
            path = meta.get("path") or f"{ROOT}/{key}/{fname}"
            commit, date = meta.get("commit"), meta.get("date")
            if not meta and fname:
                commit, date = git_meta(os.path.join(adir, fname))
            guides[key] = {"path": path, "category": category, "app": app, "commit": commit,
                           "date": date, "_text": text, "_earlier": meta.get("earlier_reading")}
            if text is not None and meta.get("excerpt"):
                guides[key]["text"] = "excerpt"
            if meta.get("date_source"):
                guides[key]["date_source"] = meta["date_source"]
    return guides


def inventory(dirpath, read_date, strict=True):
    """The inventory of DIR; `strict` requires every folder the tables above name to exist
    (off for partial trees such as the self-test's)."""
    guides = load(dirpath)
    if strict:
        for key in list(LEFT_OUT) + list(OVERRIDES) + list(GAPS) + list(RENAMED.values()):
            if key not in guides:
                sys.exit(f"tools/guides.py names {key}, which is not under {dirpath}")
    out = []
    for key, g in sorted(guides.items()):
        text = g.pop("_text")
        earlier = g.pop("_earlier")
        if text is None and earlier:
            g.update({"title": earlier["title"], "types": list(earlier["types"]),
                      "classified_by": f"{earlier['classified_by']} (an earlier reading of the same commit; text not in DIR)"})
            if earlier.get("kinds"):
                g["kinds"] = list(earlier["kinds"])
        elif text is None:
            g.update({"title": g["app"], "types": [], "classified_by": "not read"})
        else:
            types, kinds, how = classify(key, text)
            g.update({"title": title_of(text, g["app"]), "types": types, "classified_by": how})
            if kinds:
                g["kinds"] = kinds
        if key in GAPS:
            g["gaps"] = GAPS[key]
        if key in LEFT_OUT:
            g["left_out"] = LEFT_OUT[key]
        elif not g["types"]:
            g["left_out"] = "no authentik-side OAuth2, SAML, proxy or LDAP provider" + (
                " (documents only: " + ", ".join(g.get("kinds", [])) + ")" if g.get("kinds") else "")
        succ = [old for old, new in RENAMED.items() if new == key]
        if succ:
            g["successor_of"] = succ
        out.append(g)
    return {
        "repository": "goauthentik/authentik",
        "root": ROOT,
        "date": read_date,
        "note": "each guide's newest text known on `date`; `commit` is the commit of that text, `date` its commit date where known (null: later than 2026-04-20, date not recorded by the source)",
        "renamed": RENAMED,
        "guides": out,
    }


def catalog_entries(catdir):
    out = []
    for f in sorted(os.listdir(catdir)):
        if f.endswith(".json"):
            with open(os.path.join(catdir, f), encoding="utf-8") as fh:
                out.append(json.load(fh))
    return out


def folder_of(path):
    """category/app of a guide path, following RENAMED to the successor."""
    key = "/".join(path.split("/")[2:4])
    return RENAMED.get(key, key)


def coverage(inv, entries):
    keys = {f"{g['category']}/{g['app']}": g for g in inv["guides"]}
    covered = {}
    for e in entries:
        for _, p in entry_methods(e):
            covered.setdefault(folder_of(e["guide"]["path"]), set()).add(p["type"])
    per = {}
    for t in TYPES:
        scope = [k for k, g in keys.items() if t in g["types"] and "left_out" not in g]
        done = [k for k in scope if t in covered.get(k, set())]
        per[t] = (len(scope), len(done), [k for k in scope if k not in done])
    stray = sorted({e["slug"] for e in entries if folder_of(e["guide"]["path"]) not in keys})
    return per, stray


def render_md(inv, entries):
    guides = inv["guides"]
    per, stray = coverage(inv, entries)
    counted = [g for g in guides if "left_out" not in g]
    lines = [
        "# authentik integration guides: the catalog's denominator",
        "",
        f"Generated by `tools/guides.py` from the newest text of each guide folder under `{inv['root']}` "
        f"of {inv['repository']} known on {inv['date']} ({len(guides)} folders, {len(counted)} counted once each; "
        "per-guide commits below).",
        "",
        "| type | guides in scope | in the catalog | coverage |",
        "|---|---|---|---|",
    ]
    for t in TYPES:
        total, done, _ = per[t]
        pct = 100.0 * done / total if total else 100.0
        lines.append(f"| {t} | {total} | {done} | {pct:.0f}% |")
    kinds = {}
    for g in guides:
        for k in g.get("kinds", []):
            kinds.setdefault(k, []).append(f"{g['category']}/{g['app']}")
    if kinds:
        lines += ["", "Other provider kinds the guides document (recorded, not targeted):", ""]
        for k, v in sorted(kinds.items()):
            lines.append(f"- {k} ({len(v)}): " + ", ".join(f"`{x}`" for x in v))
    lines += ["", "## Left out", "", "| guide | reason |", "|---|---|"]
    for g in guides:
        if "left_out" in g:
            lines.append(f"| `{g['category']}/{g['app']}` | {g['left_out']} |")
    lines += ["", "## Renamed or merged", "", "| old folder | successor |", "|---|---|"]
    for old, new in sorted(inv["renamed"].items()):
        lines.append(f"| `{old}` | `{new}` |")
    lines += ["", "## Not in the catalog (counted)", ""]
    for t in TYPES:
        for key in per[t][2]:
            g = next(x for x in guides if f"{x['category']}/{x['app']}" == key)
            why = (g.get("gaps") or {}).get(t, "not written yet")
            lines.append(f"- {t} `{key}`: {why}")
    lines += ["", "## All guides", "", "| guide | title | provider types | other kinds | commit | date |", "|---|---|---|---|---|---|"]
    for g in guides:
        types = ", ".join(g["types"]) or "-"
        lines.append(f"| `{g['category']}/{g['app']}` | {g['title']} | {types} | {', '.join(g.get('kinds', [])) or '-'} | "
                     f"`{(g['commit'] or '-')[:12]}` | {(g['date'] or '-')[:10]} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Drift check


def check(dirpath, inv, entries):
    texts = {}
    by_key = {f"{g['category']}/{g['app']}": g for g in inv["guides"]}
    report = []
    for e in entries:
        path = e["guide"]["path"]
        key = "/".join(path.split("/")[2:4])
        items = []
        g = by_key.get(RENAMED.get(key, key))
        if key in RENAMED:
            items.append(("-", "guide", f"renamed: successor {RENAMED[key]}", key))
        elif g is None:
            items.append(("-", "guide", "removed or moved", path))
        elif "left_out" in g:
            items.append(("-", "guide", f"left out: {g['left_out']}", path))
        if g is not None and key not in RENAMED and g["path"] != path:
            items.append(("-", "guide_path", g["path"], path))
        if g is not None and g.get("commit") and e["guide"].get("commit") != g["commit"]:
            items.append(("-", "guide_commit", g["commit"], e["guide"].get("commit")))
        if g is not None:
            k2 = f"{g['category']}/{g['app']}"
            if k2 not in texts:
                texts[k2] = None
                for f in ("index.mdx", "index.md"):
                    p = os.path.join(dirpath, k2, f)
                    if os.path.exists(p):
                        with open(p, encoding="utf-8") as fh:
                            texts[k2] = fh.read()
                        break
            if texts[k2] is not None:
                items += compare(e, extract(texts[k2]), g["types"], k2)
            else:
                items.append(("-", "guide_text", f"not in {dirpath}: not compared", g["path"]))
        # A decision explains drift only when the entry was reviewed against the newest text:
        # decisions written for an older text say nothing about what changed since.
        current = g is not None and key not in RENAMED and g.get("commit") == e["guide"].get("commit")
        rows = []
        for ptype, dkey, gv, ev in items:
            d = explained(e, dkey, ptype) if current else None
            rows.append({"type": ptype, "key": dkey, "guide": gv, "entry": ev,
                         "explained_by": (d["topic"] + ": " + d["choice"]) if d else None})
        report.append((e["slug"], path, rows))
    return report


def render_drift(report, read_date):
    unexplained = sum(1 for _, _, rows in report for r in rows if not r["explained_by"])
    explained_n = sum(1 for _, _, rows in report for r in rows if r["explained_by"])
    lines = [
        "# Drift: catalog entries against the newest guide texts",
        "",
        f"Generated by `tools/guides.py --check` on {datetime.date.today().isoformat()} against the guide texts known on {read_date}.",
        f"{len(report)} entries; {explained_n} differences explained by an entry decision, {unexplained} unexplained.",
        "Reading a guide is heuristic: an explained difference is one the entry's `decisions` name (topic = drift key).",
        "",
        "| entry | type | drift key | guide | entry | explained by |",
        "|---|---|---|---|---|---|",
    ]
    fmt = lambda v: str(v).replace("|", "\\|").replace("\n", " ")[:160]
    for slug, path, rows in report:
        for r in rows:
            lines.append(f"| `{slug}` | {r['type']} | {r['key']} | {fmt(r['guide'])} | {fmt(r['entry'])} | "
                         f"{fmt(r['explained_by']) if r['explained_by'] else '**unexplained**'} |")
    return "\n".join(lines) + "\n", unexplained


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--guides", required=True, help="folder laid out like website/integrations")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "guides"))
    ap.add_argument("--catalog", default=os.path.join(REPO_ROOT, "catalog"))
    ap.add_argument("--date", default=None, help="the day the texts were read (default: newest sidecar 'read' or today)")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--drift-md", default=None)
    a = ap.parse_args()
    read_date = a.date or datetime.date.today().isoformat()
    inv = inventory(a.guides, read_date)
    entries = catalog_entries(a.catalog)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "guides.json"), "w") as f:
        json.dump(inv, f, indent=1)
        f.write("\n")
    with open(os.path.join(a.out, "GUIDES.md"), "w") as f:
        f.write(render_md(inv, entries))
    if a.check:
        report = check(a.guides, inv, entries)
        md, unexplained = render_drift(report, read_date)
        if a.drift_md:
            with open(a.drift_md, "w") as f:
                f.write(md)
        for slug, _, rows in report:
            for r in rows:
                tag = "explained" if r["explained_by"] else "UNEXPLAINED"
                print(f"{tag}\t{slug}\t{r['type']}\t{r['key']}\tguide={r['guide']}\tentry={r['entry']}")
        print(f"{unexplained} unexplained", file=sys.stderr)
        sys.exit(1 if unexplained else 0)


if __name__ == "__main__":
    main()
