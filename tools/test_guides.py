#!/usr/bin/env python3
"""Self-test of tools/guides.py's reading of guide texts and its drift comparison.

    python3 tools/test_guides.py

The snippets below are written for this test in the shape the integration guides use
(headings, wizard steps, bold field names, backticked values); they are not guide text.
Standard library only.
"""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guides as G  # noqa: E402

OIDC = """---
title: Integrate with Example Notes
---

## Preparation

- `notes.company` is where Example Notes runs.
- Add a **Redirect URI** of type `Strict` `Authorization` as `https://wrong.company/ignored`.

## authentik configuration

### Create a scope mapping

- **Scope name**: `email`

### Create an application and provider in authentik

1. Open the wizard.
    - **Choose a Provider type**: select **OAuth2/OpenID Connect** as the provider type.
    - **Configure the Provider**:
        - Set **Client type** to `Public`.
        - Add a **Redirect URI** of type `Strict` `Authorization` as `https://notes.company/oidc/back`.
        - Add a **Redirect URI** of type `Regex` `Authorization` as `^https://notes\\.company/app/.*$`.
        - Add a **Redirect URI** of type `Strict` `Post Logout` as `https://notes.company/bye`.
        - Set **Logout URI** to `https://notes.company/logout/backchannel`.
        - Add `authentik default OAuth Mapping: OpenID 'offline_access'` to **Selected Scopes**.
        - Set **Subject mode** to **Based on the User's username**.

## Example Notes configuration

- **Redirect URI**: `https://notes.company/not-authentik-side`
"""

LIST = """## authentik configuration

    - **Choose a Provider type**: select **OAuth2/OpenID Connect** as the provider type.
        - Add the redirect URIs for your edition with the type set to `Strict` `Authorization`:
            - Cloud: `https://cloud.example.net/cb`
            - Self-hosted: `https://notes.company/cb`
        - Set **Redirect URIs/Origins (RegEx)**: leave it empty for the worker.

## Other configuration
"""

SAML = """## authentik configuration

### Create property mappings

- **SAML Attribute Name**: `given`

### Create an application and provider in authentik

    - **Choose a Provider type**: select **SAML Provider** as the provider type.
        - Set the **ACS URL** to `https://sheets.company/sso/acs`.
        - Temporarily set the **Audience** to `https://temp.temp`.
        - Set the **SLS URL** to `https://sheets.company/sso/sls`.
        - Set the **SLS Binding** to `Redirect`.
        - Set the **Logout Method** to `Front-channel (Iframe)`.
        - Set the **Service Provider Binding** to `Post`.
        - Set **NameID Property Mapping** to `authentik default SAML Mapping: Email`.
        - Set **Default NameID Policy** to `Email address`.
        - Enable **Sign responses**.

## Reconfigure authentik provider

- Set the **Default relay state** to the value Sheets shows.

## Sheets configuration

- **Issuer**: `https://authentik.company/application/saml/<slug>/metadata/`
"""

PROXY_LDAP = """## authentik configuration

<Tabs>
<TabItem value="proxy">

### Proxy in authentik

    - **Choose a Provider type**: select **Proxy Provider** as the provider type.
        - Set **Mode** to **Forward auth (single application)**.
        - Set **External host** to `https://board.company`.
        - Set **Internal host** to `http://board:8080`.
        - Under **Advanced protocol settings**, set **Unauthenticated Paths** to:

        ```text
        ^/health$
        ^/api/hook/.*
        ```

</TabItem>
<TabItem value="ldap">

### LDAP in authentik

    - **Choose a Provider type**: select **LDAP** as the provider type.
    - Create a service account named `board-bind`.
    - Keep the base DN `DC=ldap,DC=goauthentik,DC=io`.

</TabItem>
</Tabs>
"""


def entry(methods, decisions=(), commit="a" * 40, host="notes.company", path="website/integrations/misc/notes/index.mdx"):
    return {
        "slug": "notes",
        "guide": {"path": path, "commit": commit, "placeholder_host": host,
                  "authentik_placeholder_host": "authentik.company"},
        "methods": [{"name": m["type"], "provider": m} for m in methods],
        "decisions": [{"topic": t, "choice": "c", "why": "w"} for t in decisions],
    }


def oauth2(**kw):
    p = {"type": "oauth2", "client_type": "confidential", "redirect_uris": [], "scopes": ["openid", "email", "profile"],
         "sub_mode": "hashed_user_id", "signing_key": True, "grant_types": ["authorization_code"]}
    p.update(kw)
    return p


class Reading(unittest.TestCase):
    def test_sides_follow_headings(self):
        lines = OIDC.splitlines()
        side = G.headings_side(lines)
        self.assertFalse(side[lines.index("- Add a **Redirect URI** of type `Strict` `Authorization` as `https://wrong.company/ignored`.")])
        self.assertTrue(side[lines.index("- **Scope name**: `email`")])
        self.assertFalse(side[lines.index("- **Redirect URI**: `https://notes.company/not-authentik-side`")])

    def test_wizard_types(self):
        self.assertEqual(G.wizard_types(OIDC)[0], ["oauth2"])
        self.assertEqual(G.wizard_types(SAML)[0], ["saml"])
        self.assertEqual(G.wizard_types(PROXY_LDAP)[0], ["proxy", "ldap"])
        mapping_only = "- Select **SAML Provider Property Mapping** as the type.\n- Select **SCIM Provider** as the provider type.\n"
        self.assertEqual(G.wizard_types(mapping_only), ([], ["scim"]))

    def test_oidc_facts(self):
        f = G.extract(OIDC)
        self.assertEqual(f["redirect_uris"], {
            ("strict", "https://notes.company/oidc/back", "authorization"),
            ("regex", "^https://notes\\.company/app/.*$", "authorization"),
            ("strict", "https://notes.company/bye", "logout"),
        })
        self.assertEqual(f["client_type"], {"public"})
        self.assertEqual(f["scopes"], {"offline_access"})
        self.assertEqual(f["scope_mappings"], {"email"})
        self.assertEqual(f["sub_mode"], {"user_username"})
        self.assertEqual(f["logout_uri"], {"https://notes.company/logout/backchannel"})

    def test_list_continuation_and_empty_redirects(self):
        f = G.extract(LIST)
        self.assertEqual({u for _, u, _ in f["redirect_uris"]}, {"https://cloud.example.net/cb", "https://notes.company/cb"})
        self.assertTrue(f["no_redirect"])

    def test_list_items_name_their_own_type(self):
        text = """## authentik configuration

        - Add the following redirect URIs:
            - `Strict` `Authorization`: `https://notes.company/cb/`
            - `Strict` `Post Logout`: `https://notes.company/out/`
            - Regex: `https://notes\\.company/m/.*`
"""
        f = G.extract(text)
        self.assertEqual(f["redirect_uris"], {
            ("strict", "https://notes.company/cb/", "authorization"),
            ("strict", "https://notes.company/out/", "logout"),
            ("regex", "https://notes\\.company/m/.*", "authorization"),
        })

    def test_list_items_name_their_own_type_and_mode(self):
        text = """## authentik configuration

        - Add three **Redirect URIs**:
            - `Strict` `Authorization` `https://notes.company/cb`
            - `Regex` `Authorization` `https://notes\\.company/m/.*`
            - `Strict` `Post Logout` `https://notes.company/login`
"""
        f = G.extract(text)
        self.assertEqual(f["redirect_uris"], {
            ("strict", "https://notes.company/cb", "authorization"),
            ("regex", "https://notes\\.company/m/.*", "authorization"),
            ("strict", "https://notes.company/login", "logout"),
        })

    def test_toggled_off_signing_is_not_signing(self):
        f = G.extract("## authentik configuration\n\n- Toggle off **Sign assertions**.\n- Toggle on **Sign responses**.\n")
        self.assertFalse(f["sign_assertion"])
        self.assertTrue(f["sign_response"])

    def test_email_verified_swap_is_a_scope_mapping(self):
        f = G.extract("## authentik configuration\n\n- Add `OAuth Mapping: OpenID 'email' with \"email_verified\"` to the **Selected Scopes**.\n")
        self.assertEqual(f["scope_mappings"], {"email (email_verified)"})

    def test_saml_facts(self):
        f = G.extract(SAML)
        self.assertEqual(f["acs_url"], {"https://sheets.company/sso/acs"})
        self.assertIn("audience", f["values_from_app"])
        self.assertEqual(f["sls_url"], {"https://sheets.company/sso/sls"})
        self.assertEqual(f["sls_binding"], {"redirect"})
        self.assertEqual(f["logout_method"], {"front-channel"})
        self.assertEqual(f["sp_binding"], {"post"})
        self.assertEqual(f["name_id_mapping"], {"goauthentik.io/providers/saml/email"})
        self.assertEqual(f["name_id_policy"], {"email address"})
        self.assertTrue(f["sign_response"])
        self.assertFalse(f["sign_assertion"])
        self.assertEqual(f["saml_mappings"], {"given"})
        self.assertTrue(f["relay_state"])
        self.assertEqual(f["issuer"], set(), "the application side's Issuer is not a provider setting")

    def test_proxy_and_ldap_facts(self):
        f = G.extract(PROXY_LDAP)
        self.assertEqual(f["proxy_mode"], {"forward_single"})
        self.assertEqual(f["external_host"], {"https://board.company"})
        self.assertEqual(f["internal_host"], {"http://board:8080"})
        self.assertEqual(f["skip_path_regex"], {"^/health$", "^/api/hook/.*"})
        self.assertEqual(f["base_dn"], {"dc=ldap,dc=goauthentik,dc=io"})
        self.assertEqual(f["service_account"], {"board-bind"})

    def test_norm_url(self):
        n = lambda u: G.norm_url(u, "notes.company")
        self.assertEqual(n("https://notes.company/a"), "{app_url}/a")
        self.assertEqual(n("{app_url}/a"), "{app_url}/a")
        self.assertEqual(n("^https://notes\\.company/app/.*$"), "{app_url}/app/.*")
        self.assertEqual(n("{app_url_regex}/app/.*"), "{app_url}/app/.*")
        self.assertEqual(n("https://authentik.company/application/saml/<slug>/"), "{authentik_url}/application/saml/{*}/")
        self.assertEqual(n("{app_url}/saml/{param:org}/"), n("https://notes.company/saml/<org>/"))
        self.assertEqual(n("https://notes.company.evil/a"), "https://notes.company.evil/a")


class Drift(unittest.TestCase):
    FACTS = G.extract(OIDC)

    def test_matching_entry_has_no_drift(self):
        e = entry([oauth2(client_type="public", sub_mode="user_username",
                          scopes=["openid", "email", "profile", "offline_access"],
                          redirect_uris=[{"matching_mode": "strict", "url": "{app_url}/oidc/back", "redirect_uri_type": "authorization"},
                                         {"matching_mode": "regex", "url": "{app_url_regex}/app/.*", "redirect_uri_type": "authorization"},
                                         {"matching_mode": "strict", "url": "{app_url}/bye", "redirect_uri_type": "logout"}])])
        keys = {k for _, k, _, _ in G.compare(e, self.FACTS, ["oauth2"], "misc/notes")}
        # custom scope mappings and the logout URI have no catalog field: always reported
        self.assertEqual(keys, {"scope_mappings", "logout_uri"})

    def test_each_kind_of_drift_is_named(self):
        e = entry([oauth2(redirect_uris=[{"matching_mode": "strict", "url": "{app_url}/old", "redirect_uri_type": "authorization"}])])
        keys = {k for _, k, _, _ in G.compare(e, self.FACTS, ["oauth2", "saml"], "misc/notes")}
        self.assertTrue({"redirect_uris", "client_type", "scopes", "sub_mode", "methods"} <= keys, keys)

    def test_only_the_type_of_a_redirect_changed(self):
        facts = G.extract("## authentik configuration\n- Add a **Redirect URI** of type `Strict` `Post Logout` as `https://notes.company/bye`.\n")
        e = entry([oauth2(redirect_uris=[{"matching_mode": "strict", "url": "{app_url}/bye", "redirect_uri_type": "authorization"}])])
        self.assertEqual([k for _, k, _, _ in G.compare(e, facts, ["oauth2"], "k")], ["redirect_uri_types"])

    def test_values_the_application_shows_need_params(self):
        saml = {"type": "saml", "acs_url": "https://sheets.company/sso/acs", "audience": "https://sheets.company", "sp_binding": "post",
                "sign_assertion": True, "sign_response": True, "signing_key": True, "property_mappings": [],
                "name_id_mapping": "goauthentik.io/providers/saml/email", "default_relay_state": "x",
                "sls_url": "{app_url}/sso/sls"}
        facts = G.extract(SAML)
        keys = {k for _, k, _, _ in G.compare(entry([saml], host="sheets.company"), facts, ["saml"], "k")}
        self.assertIn("audience", keys)
        saml["audience"] = "{param:entity_id}"
        keys = {k for _, k, _, _ in G.compare(entry([saml], host="sheets.company"), facts, ["saml"], "k")}
        self.assertNotIn("audience", keys)
        self.assertTrue({"sls_binding", "logout_method", "name_id_policy", "property_mappings"} <= keys)

    def test_decisions_explain_only_against_the_newest_text(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "misc", "notes"))
            with open(os.path.join(d, "misc", "notes", "index.mdx"), "w") as f:
                f.write(OIDC)
            with open(os.path.join(d, "misc", "notes", "meta.json"), "w") as f:
                json.dump({"path": "website/integrations/misc/notes/index.mdx", "commit": "b" * 40, "date": None}, f)
            inv = G.inventory(d, "2026-01-01", strict=False)
            stale = entry([oauth2()], decisions=["redirect_uris"], commit="a" * 40)
            fresh = entry([oauth2()], decisions=["redirect_uris", "drift:oauth2.client_type"], commit="b" * 40)
            (_, _, rows_stale), (_, _, rows_fresh) = G.check(d, inv, [stale, fresh])
            by = lambda rows: {r["key"]: r["explained_by"] for r in rows}
            self.assertIsNone(by(rows_stale)["redirect_uris"])
            self.assertIn("guide_commit", by(rows_stale))
            self.assertIsNotNone(by(rows_fresh)["redirect_uris"])
            self.assertIsNotNone(by(rows_fresh)["client_type"])
            self.assertIsNone(by(rows_fresh)["scopes"])


if __name__ == "__main__":
    unittest.main(verbosity=1)
