#!/usr/bin/env python3
"""Inventory of authentik's integration guides at one commit: the catalog's denominator.

Reads website/integrations/<category>/<app>/index.md(x) from a git mirror of
goauthentik/authentik at a pinned commit, classifies each guide by the authentik-side
provider type(s) it documents, and writes guides/guides.json (and guides/GUIDES.md,
a readable table of the same data).

    python3 tools/guides.py [--repo PATH] [--commit SHA]

Classification: the wizard sentence "select **X** as the provider type" where the guide
uses it, otherwise the provider names the guide mentions (OVERRIDES below records every
guide where the automatic reading is wrong, each with what the guide actually says).
Each guide is counted once, under its path at the pinned commit. Guides that document no
authentik-side provider of the four catalog types (OAuth2/OIDC, SAML, proxy, LDAP), or
that are drafts or broken, are left out with their reason in LEFT_OUT.
"""

import argparse
import json
import os
import re
import subprocess
import sys

REPO = "/work/.mirror/SAY-5+authentik/repo"
COMMIT = "addbf5a2f613c16a80dbdbc39523cfda1abd0add"
ROOT = "website/integrations"
TYPES = ["oauth2", "saml", "proxy", "ldap"]

# Provider types read by hand where the automatic signals are wrong or ambiguous.
OVERRIDES = {
    # SharePoint SE: an OAuth2/OpenID provider created from the provider form (not the
    # wizard); the LDAP outpost is an optional LDAPCP enhancement against an existing one.
    "chat-communication-collaboration/sharepoint-se": ["oauth2"],
    # Jellyfin: the OIDC section relies on a third-party SSO plugin and an OAuth2 provider;
    # the LDAP section uses an LDAP outpost.
    "media/jellyfin": ["ldap", "oauth2"],
    # Organizr: a proxy provider on the embedded outpost (Auth Proxy headers) and, in the
    # same setup, Organizr's LDAP backend bound to an LDAP outpost.
    "dashboards/organizr": ["proxy", "ldap"],
    # Paperless-ng: proxy provider in forward-auth mode with the embedded outpost.
    "documentation/paperless-ng": ["proxy"],
    # AWS Classic: a SAML tab and an OIDC tab whose wizard line has no bold provider name.
    "cloud-providers/aws-classic": ["saml", "oauth2"],
    # Snipe-IT: SAML provider (the LDAP section uses an LDAP provider too).
    "documentation/snipe-it": ["saml", "ldap"],
}

# Guides outside the denominator, each with its reason.
LEFT_OUT = {
    "platforms/cloudflare": "no authentik-side provider: configures Cloudflare's SSO connector and relies on the cloudflare-access guide for the authentik side",
}

# Guides in the denominator that the catalog does not cover (yet), per provider type, with the
# reason. They stay in the denominator: these are limits of the catalog, not of the guide.
GAPS = {
    "chat-communication-collaboration/sharepoint-se": {"oauth2": "needs two custom scope mappings (SPopenid: nbf, oid, upn; SPprofile: roles) and minimum token validities the catalog cannot carry yet"},
    "cloud-providers/aws-classic": {"oauth2": "the OIDC tab sets the redirect URI 'to match the AWS resource', with no value; AWS console login uses the SAML tab"},
    "device-management/apple": {"oauth2": "needs a Shared Signals Framework backchannel provider and custom ssf.read/ssf.manage scopes; the catalog has no SSF provider type"},
    # SAML guides whose service-provider values only the application shows at setup time
    # (the guide registers https://temp.temp or a metadata import first), or that the
    # catalog cannot template yet.
    "cloud-providers/aws": {"saml": "the provider is created from AWS's SP metadata file; the ACS URL and entity ID are per account and not in the guide"},
    "documentation/glpi": {"saml": "not written yet: the ACS and SLO URLs are shown by the samlSSO plugin and the guide gives no values; `--param` values shown by the application would carry them"},
    "documentation/appflowy": {"saml": "the guide gives AppFlowy's own SAML issuer as `authentik` while the Audience is AppFlowy's metadata URL; which entity ID AppFlowy sends cannot be settled from the guide"},
    "chat-communication-collaboration/onlyoffice": {"saml": "the provider is created from ONLYOFFICE's SP metadata; the ACS URL and entity ID are not in the guide"},
    "infrastructure/veeam-enterprise-manager": {"saml": "the provider is created from Veeam's SP metadata; the ACS URL and entity ID are not in the guide"},
    "miscellaneous/amazon-business": {"saml": "the provider is created from Amazon's SP metadata file; the ACS URL and entity ID are not in the guide"},
    "networking/omada-controller": {"saml": "the ACS URL depends on cloud or controller IP, and the issuer and relay state come from Omada after setup"},
    "platforms/zoho": {"saml": "the provider is created from Zoho's regional SP metadata; the ACS URL and entity ID are not in the guide"},
    "security/skyhigh": {"saml": "two providers (dashboard and secure web gateway); the dashboard's ACS URL and audience are shown by Skyhigh after setup"},
}

SIGNALS = {
    "oauth2": re.compile(r"OAuth2/OpenID|OAuth2 provider|OAuth2/OIDC", re.I),
    "saml": re.compile(r"SAML provider", re.I),
    "proxy": re.compile(r"Proxy provider|forward[ _-]auth", re.I),
    "ldap": re.compile(r"LDAP provider|LDAP outpost", re.I),
}
# The wizard step: "**Choose a Provider type**: select **SAML Provider** ..." or
# "select **X** as the provider type".
WIZARD = re.compile(r"(?:provider type\*{0,2}:?\s*(?:select|choose)\s+|select\s+)\*\*([^*]+)\*\*(?:\.| as the provider type)", re.I)


def wizard_type(name):
    n = name.lower()
    if "oauth2" in n or "openid" in n:
        return "oauth2"
    if "saml" in n:
        return "saml"
    if "proxy" in n:
        return "proxy"
    if "ldap" in n:
        return "ldap"
    if "scim" in n:
        return "scim"
    if "rac" in n:
        return "rac"
    return None


def git(*args, repo):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def classify(key, text):
    if key in OVERRIDES:
        return list(OVERRIDES[key]), "read by hand"
    found = []
    for m in WIZARD.finditer(text):
        t = wizard_type(m.group(1))
        if t in TYPES and t not in found:
            found.append(t)
    if found:
        return found, "wizard provider type"
    for t in TYPES:
        if SIGNALS[t].search(text):
            found.append(t)
    return found, "provider names in the text"


def title_of(text, fallback):
    m = re.search(r"^title:\s*(.+)$", text, re.M)
    return m.group(1).strip().strip("\"'") if m else fallback


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=REPO)
    ap.add_argument("--commit", default=COMMIT)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "guides"))
    a = ap.parse_args()
    date = git("show", "-s", "--format=%cI", a.commit, repo=a.repo).strip()
    paths = [
        p
        for p in git("ls-tree", "-r", "--name-only", a.commit, ROOT, repo=a.repo).splitlines()
        if re.fullmatch(ROOT + r"/[^/]+/[^/]+/index\.mdx?", p)
    ]
    guides = []
    for p in sorted(paths):
        category, app = p.split("/")[2:4]
        key = f"{category}/{app}"
        text = git("show", f"{a.commit}:{p}", repo=a.repo)
        types, how = classify(key, text)
        g = {"path": p, "category": category, "app": app, "title": title_of(text, app), "types": types, "classified_by": how}
        if key in GAPS:
            g["gaps"] = GAPS[key]
        if key in LEFT_OUT:
            g["left_out"] = LEFT_OUT[key]
        elif not types:
            g["left_out"] = "no authentik-side OAuth2, SAML, proxy or LDAP provider"
            others = sorted({wizard_type(m.group(1)) for m in WIZARD.finditer(text)} - {None})
            if others:
                g["left_out"] += " (documents only: " + ", ".join(others) + ")"
        guides.append(g)
    unknown = set(OVERRIDES) | set(LEFT_OUT) | set(GAPS)
    unknown -= {f"{g['category']}/{g['app']}" for g in guides}
    if unknown:
        sys.exit(f"OVERRIDES/LEFT_OUT name guides not at {a.commit}: {sorted(unknown)}")
    inv = {
        "repository": "goauthentik/authentik",
        "commit": a.commit,
        "date": date,
        "root": ROOT,
        "guides": guides,
    }
    with open(os.path.join(a.out, "guides.json"), "w") as f:
        json.dump(inv, f, indent=1)
        f.write("\n")
    with open(os.path.join(a.out, "GUIDES.md"), "w") as f:
        f.write(render_md(inv))


def render_md(inv):
    guides = inv["guides"]
    lines = [
        "# authentik integration guides: the catalog's denominator",
        "",
        f"Generated by `tools/guides.py` from {inv['repository']} at `{inv['commit']}` ({inv['date']}).",
        f"{len(guides)} guides, each counted once under its path at that commit.",
        "",
        "| type | guides in scope |",
        "|---|---|",
    ]
    for t in TYPES:
        n = sum(1 for g in guides if t in g["types"] and "left_out" not in g)
        lines.append(f"| {t} | {n} |")
    lines += ["", "## Left out", "", "| guide | reason |", "|---|---|"]
    for g in guides:
        if "left_out" in g:
            lines.append(f"| `{g['category']}/{g['app']}` | {g['left_out']} |")
    lines += ["", "## All guides", "", "| guide | title | provider types | classified by |", "|---|---|---|---|"]
    for g in guides:
        types = ", ".join(g["types"]) or "-"
        lines.append(f"| `{g['category']}/{g['app']}` | {g['title']} | {types} | {g['classified_by']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
