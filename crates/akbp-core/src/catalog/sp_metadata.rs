//! A service provider's SAML metadata (`--sp-metadata FILE`): the values authentik's
//! "SAML Provider from Metadata" reads from it, as the catalog's parameters.
//!
//! Guides that create the provider from the SP's metadata (Zoho, IAM Identity Center,
//! ONLYOFFICE, Veeam, Amazon Business, PAN-OS) declare what the importer takes as
//! parameters: `entity_id` (the `EntityDescriptor`'s `entityID`, which becomes the
//! audience), `acs_url` (an `AssertionConsumerService` `Location`) and `sls_url` (a
//! `SingleLogoutService` `Location`). authentik's importer
//! (`ServiceProviderMetadataParser`, authentik/providers/saml/processors/metadata_parser.py)
//! takes the first `SPSSODescriptor` and its first `AssertionConsumerService`; here the
//! first one whose binding is the method's `sp_binding` is taken, so a file listing an
//! artifact or redirect endpoint first still yields the POST endpoint the guide uses, and a
//! file without one is refused by name. A document type declaration is refused (no entity
//! expansion), as is anything but one `EntityDescriptor`.

use super::{Integration, Provider, SamlBinding};

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const BINDING_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const BINDING_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// The parameter names a metadata file can fill.
pub const PARAMS: [&str; 3] = ["entity_id", "acs_url", "sls_url"];

/// One endpoint of the SP: its `Location` and `Binding` URN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub location: String,
    pub binding: String,
}

impl Endpoint {
    /// The binding as authentik names it, for the two it supports.
    pub fn saml_binding(&self) -> Option<SamlBinding> {
        match self.binding.as_str() {
            BINDING_POST => Some(SamlBinding::Post),
            BINDING_REDIRECT => Some(SamlBinding::Redirect),
            _ => None,
        }
    }
}

/// What an SP's metadata says, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpMetadata {
    pub entity_id: String,
    pub acs: Vec<Endpoint>,
    pub sls: Vec<Endpoint>,
    pub name_id_formats: Vec<String>,
    /// A `KeyDescriptor` for signing (or without `use`) holds an X.509 certificate.
    pub signing_certificate: bool,
    pub authn_requests_signed: bool,
    pub want_assertions_signed: bool,
}

/// Read SP metadata. The error says what is missing or wrong, for a person to fix.
pub fn parse(xml: &str) -> Result<SpMetadata, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not XML metadata: {e}"))?;
    let root = doc.root_element();
    let entity = if root.has_tag_name((MD, "EntityDescriptor")) {
        root
    } else if root.has_tag_name((MD, "EntitiesDescriptor")) {
        let mut all = root
            .descendants()
            .filter(|n| n.has_tag_name((MD, "EntityDescriptor")));
        match (all.next(), all.next()) {
            (Some(one), None) => one,
            (None, _) => return Err("the EntitiesDescriptor holds no EntityDescriptor".into()),
            (Some(_), Some(_)) => {
                return Err(
                    "the EntitiesDescriptor holds several EntityDescriptors; give the SP's own"
                        .into(),
                )
            }
        }
    } else {
        return Err(format!(
            "the root element is `{}`, not a SAML 2.0 metadata EntityDescriptor ({MD})",
            root.tag_name().name()
        ));
    };
    let entity_id = entity
        .attribute("entityID")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or("the EntityDescriptor has no entityID")?
        .to_string();
    let sp = entity
        .children()
        .find(|n| n.has_tag_name((MD, "SPSSODescriptor")))
        .ok_or("no SPSSODescriptor: this is not a service provider's metadata")?;
    let endpoints = |name: &str| -> Result<Vec<Endpoint>, String> {
        sp.children()
            .filter(|n| n.has_tag_name((MD, name)))
            .map(|n| {
                let attr = |a: &str| {
                    n.attribute(a)
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .ok_or(format!("a {name} has no {a}"))
                };
                Ok(Endpoint {
                    location: attr("Location")?,
                    binding: attr("Binding")?,
                })
            })
            .collect()
    };
    let flag = |a: &str| {
        sp.attribute(a)
            .is_some_and(|v| v.trim() == "true" || v.trim() == "1")
    };
    let signing_certificate = sp
        .children()
        .filter(|n| n.has_tag_name((MD, "KeyDescriptor")))
        .filter(|k| k.attribute("use").is_none_or(|u| u == "signing"))
        .any(|k| {
            k.descendants()
                .any(|n| n.has_tag_name((DS, "X509Certificate")))
        });
    Ok(SpMetadata {
        entity_id,
        acs: endpoints("AssertionConsumerService")?,
        sls: endpoints("SingleLogoutService")?,
        name_id_formats: sp
            .children()
            .filter(|n| n.has_tag_name((MD, "NameIDFormat")))
            .filter_map(|n| n.text())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        signing_certificate,
        authn_requests_signed: flag("AuthnRequestsSigned"),
        want_assertions_signed: flag("WantAssertionsSigned"),
    })
}

/// The `--param` values `md` gives for `method` of `entry` (the default method when
/// `None`): each metadata parameter the method uses, with the endpoint whose binding the
/// method's provider uses. An entry that takes no metadata values is refused.
pub fn params_for(
    entry: &Integration,
    method: Option<&str>,
    md: &SpMetadata,
) -> Result<Vec<(String, String)>, String> {
    let m = match method {
        Some(name) => entry
            .method(name)
            .ok_or_else(|| format!("{} has no method `{name}`", entry.name))?,
        None => entry.default_method(),
    };
    let Provider::Saml(p) = &m.provider else {
        return Err(format!(
            "{}'s method `{}` is not SAML: --sp-metadata has nothing to fill",
            entry.name, m.name
        ));
    };
    let used: Vec<&str> = entry
        .params_of(m)
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| PARAMS.contains(n))
        .collect();
    if used.is_empty() {
        return Err(format!(
            "{}'s guide takes no values from the SP's metadata (its ACS URL and audience are fixed or given with --param)",
            entry.name
        ));
    }
    let pick =
        |list: &[Endpoint], want: SamlBinding, what: &str| -> Result<String, String> {
            list.iter()
                .find(|e| e.saml_binding() == Some(want))
                .map(|e| e.location.clone())
                .ok_or_else(|| {
                    let found: Vec<&str> = list.iter().map(|e| e.binding.as_str()).collect();
                    format!(
                    "the metadata has no {what} with the {} binding the provider uses (found: {})",
                    want.as_str(),
                    if found.is_empty() { "none".to_string() } else { found.join(", ") }
                )
                })
        };
    used.into_iter()
        .map(|name| {
            let value = match name {
                "entity_id" => md.entity_id.clone(),
                "acs_url" => pick(&md.acs, p.sp_binding, "AssertionConsumerService")?,
                _ => pick(
                    &md.sls,
                    p.sls_binding.unwrap_or(SamlBinding::Redirect),
                    "SingleLogoutService",
                )?,
            };
            Ok((name.to_string(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like the metadata ONLYOFFICE and Veeam export: md/ds prefixes, a signing and
    /// an encryption key, an artifact ACS before the POST one, two SLS bindings.
    const SP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://office.example/sso/metadata">
  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIC</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://office.example/sso/slo/post"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://office.example/sso/slo"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService index="0" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://office.example/sso/artifact"/>
    <md:AssertionConsumerService index="1" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://office.example/sso/acs"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"#;

    #[test]
    fn reads_what_the_importer_reads() {
        let md = parse(SP).unwrap();
        assert_eq!(md.entity_id, "https://office.example/sso/metadata");
        assert_eq!(md.acs.len(), 2);
        assert_eq!(md.acs[1].saml_binding(), Some(SamlBinding::Post));
        assert_eq!(md.sls[1].location, "https://office.example/sso/slo");
        assert_eq!(
            md.name_id_formats,
            ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"]
        );
        assert!(md.signing_certificate && md.authn_requests_signed && md.want_assertions_signed);
    }

    #[test]
    fn fills_the_parameters_of_a_metadata_entry() {
        let md = parse(SP).unwrap();
        let office = crate::catalog::find("onlyoffice").unwrap();
        assert_eq!(
            params_for(office, None, &md).unwrap(),
            [
                (
                    "entity_id".to_string(),
                    "https://office.example/sso/metadata".to_string()
                ),
                (
                    "acs_url".to_string(),
                    "https://office.example/sso/acs".to_string()
                ),
                (
                    "sls_url".to_string(),
                    "https://office.example/sso/slo".to_string()
                ),
            ]
        );
        // An entry with fixed URLs takes nothing from a metadata file.
        let posthog = crate::catalog::find("posthog").unwrap();
        assert!(params_for(posthog, None, &md)
            .unwrap_err()
            .contains("takes no values"));
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        for (xml, says) in [
            ("<x/>", "not a SAML 2.0 metadata"),
            ("not xml", "not XML"),
            (
                r#"<!DOCTYPE lol [<!ENTITY a "a">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&a;"/>"#,
                "not XML",
            ),
            (
                r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>"#,
                "no entityID",
            ),
            (
                r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>"#,
                "no SPSSODescriptor",
            ),
        ] {
            let err = parse(xml).unwrap_err();
            assert!(err.contains(says), "{xml}: {err}");
        }
        // Only an artifact ACS: the POST binding Zoho's provider uses is missing.
        let artifact_only = SP.replace(
            r#"<md:AssertionConsumerService index="1" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://office.example/sso/acs"/>"#,
            "",
        );
        let md = parse(&artifact_only).unwrap();
        let zoho = crate::catalog::find("zoho").unwrap();
        let err = params_for(zoho, None, &md).unwrap_err();
        assert!(
            err.contains("no AssertionConsumerService with the post binding"),
            "{err}"
        );
    }
}
