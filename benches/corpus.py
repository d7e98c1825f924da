#!/usr/bin/env python3
"""Write N realistic authentik blueprints (about 2.5 KB each) into a folder, for benches/perf.sh.

The mix cycles through six shapes so that every model family and every tag akbp knows is
exercised: an OAuth2 provider with its application and an access binding; a SAML provider;
a proxy provider; an authentication flow with stages, prompts and stage bindings; an
expression policy bound to an application with !Enumerate and !Condition; and the OAuth2
shape wrapped in a Kubernetes ConfigMap (one file in six). The same N always gives the same
bytes, so runs compare.

    corpus.py DIR N [--untagged]

--untagged writes the same shapes with every tag replaced by a plain value (what
check-jsonschema can read) and no ConfigMaps.
"""

import os
import sys

FIND_FLOW = "!Find [authentik_flows.flow, [slug, {}]]"
FIND_KEY = "!Find [authentik_crypto.certificatekeypair, [name, authentik Self-signed Certificate]]"
FIND_SCOPE = "!Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-{}]]"


def header(i, kind):
    return f"""version: 1
metadata:
  name: bench-{kind}-{i}
  labels:
    bench.example/shape: {kind}
context:
  host: app-{i}.bench.example.com
  team: team-{i % 97}
  enabled: true
entries:
"""


def oauth2(i, tagged):
    flow = lambda s: FIND_FLOW.format(s) if tagged else '"00000000-0000-4000-8000-000000000001"'
    scope = lambda s: FIND_SCOPE.format(s) if tagged else '"00000000-0000-4000-8000-000000000002"'
    url = '!Format ["https://%s/oauth2/callback", !Context host]' if tagged else f"https://app-{i}.bench.example.com/oauth2/callback"
    secret = f"!Env [APP_{i}_CLIENT_SECRET, '']" if tagged else f"secret-placeholder-{i}"
    key = lambda s: f"!KeyOf {s}" if tagged else '"00000000-0000-4000-8000-000000000003"'
    return header(i, "oauth2") + f"""  # The OAuth2 provider and the application that uses it.
  - model: authentik_providers_oauth2.oauth2provider
    id: provider
    identifiers:
      name: app-{i}-provider
    attrs:
      authorization_flow: {flow('default-provider-authorization-implicit-consent')}
      invalidation_flow: {flow('default-provider-invalidation-flow')}
      client_type: confidential
      client_id: app-{i}
      client_secret: {secret}
      grant_types: [authorization_code, refresh_token]
      sub_mode: hashed_user_id
      issuer_mode: per_provider
      access_token_validity: minutes=10
      refresh_token_validity: days=30
      signing_key: {FIND_KEY if tagged else '"00000000-0000-4000-8000-000000000004"'}
      redirect_uris:
        - matching_mode: strict
          url: {url}
        - matching_mode: regex
          url: 'https://app-{i}\\.bench\\.example\\.com/auth/.*'
      property_mappings:
        - {scope('openid')}
        - {scope('email')}
        - {scope('profile')}
        - {scope('offline_access')}
  - model: authentik_core.application
    id: application
    identifiers:
      slug: app-{i}
    attrs:
      name: App {i}
      provider: {key('provider')}
      policy_engine_mode: any
      meta_launch_url: https://app-{i}.bench.example.com/
      meta_description: Benchmark application number {i}, with a description long enough to look real.
      meta_publisher: Bench Inc.
      open_in_new_tab: false
  - model: authentik_core.group
    id: users
    state: created
    identifiers:
      name: app-{i}-users
    attrs:
      attributes:
        team: team-{i % 97}
        cost_center: {1000 + i % 50}
  - model: authentik_policies.policybinding
    identifiers:
      target: {key('application')}
      order: 0
    attrs:
      group: {key('users')}
      negate: false
      timeout: 30
"""


def saml(i, tagged):
    flow = lambda s: FIND_FLOW.format(s) if tagged else '"00000000-0000-4000-8000-000000000001"'
    key = lambda s: f"!KeyOf {s}" if tagged else '"00000000-0000-4000-8000-000000000003"'
    mapping = lambda m: f"!Find [authentik_providers_saml.samlpropertymapping, [managed, goauthentik.io/providers/saml/{m}]]" if tagged else '"00000000-0000-4000-8000-000000000005"'
    return header(i, "saml") + f"""  # A SAML provider for a service provider at app-{i}.
  - model: authentik_providers_saml.samlprovider
    id: provider
    identifiers:
      name: app-{i}-saml
    attrs:
      authorization_flow: {flow('default-provider-authorization-explicit-consent')}
      invalidation_flow: {flow('default-provider-invalidation-flow')}
      acs_url: https://app-{i}.bench.example.com/saml/acs
      audience: https://app-{i}.bench.example.com/saml/metadata
      sp_binding: post
      assertion_valid_not_before: minutes=-5
      assertion_valid_not_on_or_after: minutes=5
      session_valid_not_on_or_after: minutes=86400
      digest_algorithm: http://www.w3.org/2001/04/xmlenc#sha256
      signature_algorithm: http://www.w3.org/2001/04/xmldsig-more#rsa-sha256
      signing_kp: {FIND_KEY if tagged else '"00000000-0000-4000-8000-000000000004"'}
      name_id_mapping: {mapping('email')}
      property_mappings:
        - {mapping('upn')}
        - {mapping('name')}
        - {mapping('email')}
        - {mapping('username')}
        - {mapping('groups')}
  - model: authentik_core.application
    id: application
    identifiers:
      slug: app-{i}-saml
    attrs:
      name: App {i} (SAML)
      provider: {key('provider')}
      meta_launch_url: https://app-{i}.bench.example.com/
      meta_description: SAML benchmark application {i}; the service provider signs its requests.
  - model: authentik_policies.policybinding
    identifiers:
      target: {key('application')}
      order: 10
    attrs:
      group: {'!Find [authentik_core.group, [name, authentik Admins]]' if tagged else '"00000000-0000-4000-8000-000000000006"'}
"""


def proxy(i, tagged):
    flow = lambda s: FIND_FLOW.format(s) if tagged else '"00000000-0000-4000-8000-000000000001"'
    key = lambda s: f"!KeyOf {s}" if tagged else '"00000000-0000-4000-8000-000000000003"'
    host = "!Format [\"https://%s\", !Context host]" if tagged else f"https://app-{i}.bench.example.com"
    return header(i, "proxy") + f"""  # A proxy provider in front of an internal service, and its application.
  - model: authentik_providers_proxy.proxyprovider
    id: provider
    identifiers:
      name: app-{i}-proxy
    attrs:
      authorization_flow: {flow('default-provider-authorization-implicit-consent')}
      invalidation_flow: {flow('default-provider-invalidation-flow')}
      mode: proxy
      external_host: {host}
      internal_host: http://app-{i}.internal:8080
      internal_host_ssl_validation: true
      basic_auth_enabled: false
      intercept_header_auth: true
      access_token_validity: hours=24
      skip_path_regex: |-
        ^/health$
        ^/metrics$
        ^/static/.*
  - model: authentik_core.application
    id: application
    identifiers:
      slug: app-{i}-proxy
    attrs:
      name: App {i} (proxy)
      provider: {key('provider')}
      meta_launch_url: https://app-{i}.bench.example.com/
      meta_description: Proxied benchmark application {i} behind the embedded outpost of this install.
  - model: authentik_core.group
    id: operators
    identifiers:
      name: app-{i}-operators
  - model: authentik_policies.policybinding
    identifiers:
      target: {key('application')}
      order: 0
    attrs:
      group: {key('operators')}
"""


def flow(i, tagged):
    key = lambda s: f"!KeyOf {s}" if tagged else '"00000000-0000-4000-8000-000000000003"'
    cond = "!Condition [AND, !Context enabled, true]" if tagged else "true"
    return header(i, "flow") + f"""  # An authentication flow with an identification, a password and a login stage.
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: bench-login-{i}
    attrs:
      name: Bench login {i}
      title: Welcome to bench {i}
      designation: authentication
      authentication: none
      policy_engine_mode: any
      compatibility_mode: false
      layout: stacked
      denied_action: message_continue
  - model: authentik_stages_prompt.prompt
    id: prompt-username
    identifiers:
      name: bench-{i}-username
    attrs:
      field_key: username
      label: Username
      type: username
      required: true
      placeholder: Username
      order: 0
  - model: authentik_stages_prompt.prompt
    id: prompt-name
    identifiers:
      name: bench-{i}-name
    attrs:
      field_key: name
      label: Name
      type: text
      required: false
      placeholder: Your name
      order: 1
  - model: authentik_stages_prompt.promptstage
    id: prompt-stage
    identifiers:
      name: bench-{i}-prompt
    attrs:
      fields:
        - {key('prompt-username')}
        - {key('prompt-name')}
  - model: authentik_stages_password.passwordstage
    id: password-stage
    identifiers:
      name: bench-{i}-password
    attrs:
      backends:
        - authentik.core.auth.InbuiltBackend
      failed_attempts_before_cancel: 5
  - model: authentik_stages_user_login.userloginstage
    id: login-stage
    identifiers:
      name: bench-{i}-login
    attrs:
      session_duration: hours=12
  - model: authentik_flows.flowstagebinding
    conditions:
      - {cond}
    identifiers:
      target: {key('flow')}
      stage: {key('prompt-stage')}
      order: 10
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: {key('flow')}
      stage: {key('password-stage')}
      order: 20
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: {key('flow')}
      stage: {key('login-stage')}
      order: 30
"""


def policy(i, tagged):
    key = lambda s: f"!KeyOf {s}" if tagged else '"00000000-0000-4000-8000-000000000003"'
    if tagged:
        groups = """!Enumerate [!Context groups, SEQ, !Format ["bench-%s-%s", !Index 0, !Value 0]]"""
        extra = """      meta_icon: !If [!Context enabled, "https://icons.example.com/app.png", null]
      meta_publisher: !AtIndex [!ParseJSON '["Bench", "Other"]', 0]
"""
        ctx = "  groups: [red, green, blue]\n"
    else:
        groups = "[bench-0-red, bench-1-green, bench-2-blue]"
        extra = ""
        ctx = ""
    text = header(i, "policy").replace("entries:\n", ctx + "entries:\n") + f"""  # An expression policy that admits members of the team group, bound to an application.
  - model: authentik_policies_expression.expressionpolicy
    id: policy
    identifiers:
      name: bench-{i}-team-only
    attrs:
      execution_logging: false
      expression: |
        # Admit members of the team group, and everybody on the allow list.
        allowed = {{"alice", "bob", "carol"}}
        if request.user.username in allowed:
            return True
        return ak_is_group_member(request.user, name="team-{i % 97}")
  - model: authentik_core.application
    id: application
    identifiers:
      slug: app-{i}-policy
    attrs:
      name: App {i} (policy)
      meta_launch_url: https://app-{i}.bench.example.com/
{extra}  - model: authentik_policies.policybinding
    identifiers:
      target: {key('application')}
      order: 0
    attrs:
      policy: {key('policy')}
      timeout: 30
      failure_result: false
  - model: authentik_blueprints.metaapplyblueprint
    attrs:
      identifiers:
        name: Default - Authentication flow
      required: false
"""
    if tagged:
        text += f"""  - model: authentik_core.group
    identifiers:
      name: bench-{i}-parent
    attrs:
      attributes:
        groups: {groups}
"""
    return text


def configmap(i):
    inner = oauth2(i, True)
    body = "".join("    " + line + "\n" if line else "\n" for line in inner.splitlines())
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: bench-blueprint-{i}
  namespace: authentik
  labels:
    app.kubernetes.io/part-of: authentik
data:
  app-{i}.yaml: |
{body}"""


SHAPES = [oauth2, saml, proxy, flow, policy]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    untagged = "--untagged" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    out, n = args[0], int(args[1])
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        if not untagged and i % 6 == 5:
            text = configmap(i)
        else:
            text = SHAPES[i % 5](i, not untagged)
        with open(os.path.join(out, f"bp-{i:06}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
