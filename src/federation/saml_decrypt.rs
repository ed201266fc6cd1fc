//! Decryption of a SAML `EncryptedAssertion` (XML Encryption 1.1) with our
//! SP key (SR-123), read namespace-aware with quick-xml: samael 0.0.22's
//! own decryption finds an `EncryptedData`'s `KeyInfo` only when that
//! element declares `xmlns:ds` itself, which no common IdP does.
//!
//! Accepted: key transport `xmlenc#rsa-oaep-mgf1p` (digest SHA-1 or
//! SHA-256) or `xmlenc11#rsa-oaep` (digest and MGF1 SHA-1/256/384/512),
//! content encryption `xmlenc11#aes128-gcm`, `aes192-gcm`, `aes256-gcm`.
//! Refused: `rsa-1_5` (Bleichenbacher's oracle) and every CBC mode
//! (unauthenticated: a padding oracle), also refused earlier by `screen`.
//!
//! The plaintext replaces the `EncryptedAssertion` element in place (so the
//! namespaces in scope are those the IdP encrypted it in); the caller
//! screens the result again and verifies the signatures of what it then
//! consumes. Every failure here is one opaque error for the browser: the
//! detail is for the log only (no decryption oracle).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::md::{Md, MdRef};
use openssl::pkey::{PKey, Private};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::symm::{Cipher, decrypt_aead};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

const SAML: &[u8] = b"urn:oasis:names:tc:SAML:2.0:assertion";
const XENC: &[u8] = b"http://www.w3.org/2001/04/xmlenc#";
const XENC11: &[u8] = b"http://www.w3.org/2009/xmlenc11#";
const DS: &[u8] = b"http://www.w3.org/2000/09/xmldsig#";
const ELEMENT_TYPE: &str = "http://www.w3.org/2001/04/xmlenc#Element";

/// The GCM nonce and tag sizes of XML Encryption 1.1 (§5.2.4).
const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;

/// What an `EncryptedAssertion` carries.
#[derive(Debug, Default)]
struct Parts {
    /// Byte span of the `EncryptedAssertion` element.
    span: Option<(usize, usize)>,
    data_algorithm: Option<String>,
    data_type: Option<String>,
    data_cipher: Option<String>,
    key_algorithm: Option<String>,
    key_digest: Option<String>,
    key_mgf: Option<String>,
    key_cipher: Option<String>,
    encrypted_data: usize,
    encrypted_keys: usize,
    oaep_params: bool,
}

/// An element's name: (namespace, local name).
type Name = (Vec<u8>, Vec<u8>);

fn name_of(ns: &ResolveResult, e: &BytesStart) -> Name {
    let ns = match ns {
        ResolveResult::Bound(n) => n.as_ref().to_vec(),
        _ => Vec::new(),
    };
    (ns, e.local_name().as_ref().to_vec())
}

fn is(name: &Name, ns: &[u8], local: &[u8]) -> bool {
    name.0 == ns && name.1 == local
}

fn attribute(e: &BytesStart, wanted: &[u8]) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|e| format!("attribute: {e}"))?;
        if a.key.as_ref() == wanted {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("attribute: {e}"))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// Whether the root element has a `ds:Signature` child (the response
/// itself is signed), and the parts of the one `EncryptedAssertion`.
fn read(xml: &str) -> Result<(bool, Parts), String> {
    let mut reader = NsReader::from_str(xml);
    let mut parts = Parts::default();
    let mut stack: Vec<Name> = Vec::new();
    let mut inside: Option<usize> = None;
    let mut root_signed = false;
    let mut text = String::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("XML: {e}"))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = name_of(&ns, e);
                if stack.len() == 1 && is(&name, DS, b"Signature") {
                    root_signed = true;
                }
                if is(&name, SAML, b"EncryptedAssertion") {
                    if inside.is_some() || parts.span.is_some() {
                        return Err("more than one EncryptedAssertion".into());
                    }
                    inside = Some(before);
                }
                if inside.is_some() {
                    see(&mut parts, &stack, &name, e)?;
                }
                text.clear();
                if empty {
                    if is(&name, SAML, b"EncryptedAssertion") {
                        return Err("empty EncryptedAssertion".into());
                    }
                } else {
                    stack.push(name);
                }
            }
            Event::Text(t) => {
                let t = t.decode().map_err(|e| format!("XML text: {e}"))?;
                text.push_str(&t);
            }
            Event::GeneralRef(r) => {
                // Only a line break or tab written as a character reference
                // (`&#13;`) may sit in base64 text.
                match r.resolve_char_ref() {
                    Ok(Some(c)) if c.is_ascii_whitespace() => {}
                    _ => return Err("entity reference in the encrypted assertion".into()),
                }
            }
            Event::End(_) => {
                let name = stack.pop().ok_or("unbalanced XML")?;
                if inside.is_some() && is(&name, XENC, b"CipherValue") {
                    let parent = stack.iter().rev().nth(1);
                    let slot = match parent {
                        Some(p) if is(p, XENC, b"EncryptedKey") => &mut parts.key_cipher,
                        Some(p) if is(p, XENC, b"EncryptedData") => &mut parts.data_cipher,
                        _ => return Err("CipherValue outside EncryptedKey/EncryptedData".into()),
                    };
                    if slot.is_some() {
                        return Err("two CipherValues".into());
                    }
                    *slot = Some(std::mem::take(&mut text));
                }
                if is(&name, SAML, b"EncryptedAssertion") {
                    let start = inside.take().ok_or("unbalanced EncryptedAssertion")?;
                    let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                    parts.span = Some((start, end));
                }
                text.clear();
            }
            Event::Eof => break,
            Event::DocType(_) | Event::PI(_) | Event::CData(_) | Event::Comment(_) => {
                return Err("DTD, PI, CDATA or comment".into());
            }
            Event::Decl(_) => {}
        }
    }
    Ok((root_signed, parts))
}

/// Record what an element inside the `EncryptedAssertion` says.
fn see(parts: &mut Parts, stack: &[Name], name: &Name, e: &BytesStart) -> Result<(), String> {
    let parent = stack.last();
    let in_key = stack.iter().any(|n| is(n, XENC, b"EncryptedKey"));
    if is(name, XENC, b"EncryptedData") {
        parts.encrypted_data += 1;
        parts.data_type = attribute(e, b"Type")?;
    } else if is(name, XENC, b"EncryptedKey") {
        parts.encrypted_keys += 1;
    } else if is(name, XENC, b"EncryptionMethod") {
        let algorithm = attribute(e, b"Algorithm")?;
        match parent {
            Some(p) if is(p, XENC, b"EncryptedKey") => parts.key_algorithm = algorithm,
            Some(p) if is(p, XENC, b"EncryptedData") => parts.data_algorithm = algorithm,
            _ => return Err("EncryptionMethod out of place".into()),
        }
    } else if in_key && is(name, DS, b"DigestMethod") {
        parts.key_digest = attribute(e, b"Algorithm")?;
    } else if in_key && is(name, XENC11, b"MGF") {
        parts.key_mgf = attribute(e, b"Algorithm")?;
    } else if in_key && is(name, XENC, b"OAEPparams") {
        parts.oaep_params = true;
    } else if is(name, XENC, b"CipherReference") {
        return Err("CipherReference (only CipherValue is read)".into());
    }
    Ok(())
}

fn digest(uri: Option<&str>) -> Result<&'static MdRef, String> {
    Ok(match uri {
        None | Some("http://www.w3.org/2000/09/xmldsig#sha1") => Md::sha1(),
        Some("http://www.w3.org/2001/04/xmlenc#sha256") => Md::sha256(),
        Some("http://www.w3.org/2001/04/xmldsig-more#sha384") => Md::sha384(),
        Some("http://www.w3.org/2001/04/xmlenc#sha512") => Md::sha512(),
        Some(other) => return Err(format!("OAEP digest {other} not supported")),
    })
}

fn mgf(uri: Option<&str>) -> Result<&'static MdRef, String> {
    Ok(match uri {
        None | Some("http://www.w3.org/2009/xmlenc11#mgf1sha1") => Md::sha1(),
        Some("http://www.w3.org/2009/xmlenc11#mgf1sha256") => Md::sha256(),
        Some("http://www.w3.org/2009/xmlenc11#mgf1sha384") => Md::sha384(),
        Some("http://www.w3.org/2009/xmlenc11#mgf1sha512") => Md::sha512(),
        Some(other) => return Err(format!("OAEP MGF {other} not supported")),
    })
}

fn base64(text: Option<&String>, what: &str) -> Result<Vec<u8>, String> {
    let compact: String = text
        .ok_or_else(|| format!("no {what} CipherValue"))?
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD
        .decode(compact)
        .map_err(|e| format!("{what} CipherValue: {e}"))
}

/// The content key: RSA-OAEP with our SP key.
fn content_key(parts: &Parts, key: &PKey<Private>) -> Result<Vec<u8>, String> {
    let (oaep_md, mgf_md) = match parts.key_algorithm.as_deref() {
        Some("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p") => {
            if parts.key_mgf.is_some() {
                return Err("rsa-oaep-mgf1p takes no MGF".into());
            }
            (digest(parts.key_digest.as_deref())?, Md::sha1())
        }
        Some("http://www.w3.org/2009/xmlenc11#rsa-oaep") => (
            digest(parts.key_digest.as_deref())?,
            mgf(parts.key_mgf.as_deref())?,
        ),
        other => return Err(format!("key transport {other:?} refused")),
    };
    if parts.oaep_params {
        return Err("OAEPparams not supported".into());
    }
    let wrapped = base64(parts.key_cipher.as_ref(), "EncryptedKey")?;
    let fail = |e: openssl::error::ErrorStack| format!("key transport: {e}");
    let mut ctx = PkeyCtx::new(key).map_err(fail)?;
    ctx.decrypt_init().map_err(fail)?;
    ctx.set_rsa_padding(Padding::PKCS1_OAEP).map_err(fail)?;
    ctx.set_rsa_oaep_md(oaep_md).map_err(fail)?;
    ctx.set_rsa_mgf1_md(mgf_md).map_err(fail)?;
    let mut out = Vec::new();
    ctx.decrypt_to_vec(&wrapped, &mut out).map_err(fail)?;
    Ok(out)
}

/// The plaintext: AES-GCM (IV ‖ ciphertext ‖ tag).
fn plaintext(parts: &Parts, key: &[u8]) -> Result<Vec<u8>, String> {
    let cipher = match parts.data_algorithm.as_deref() {
        Some("http://www.w3.org/2009/xmlenc11#aes128-gcm") => Cipher::aes_128_gcm(),
        Some("http://www.w3.org/2009/xmlenc11#aes192-gcm") => Cipher::aes_192_gcm(),
        Some("http://www.w3.org/2009/xmlenc11#aes256-gcm") => Cipher::aes_256_gcm(),
        other => return Err(format!("content encryption {other:?} refused")),
    };
    if key.len() != cipher.key_len() {
        return Err("content key of the wrong length".into());
    }
    let data = base64(parts.data_cipher.as_ref(), "EncryptedData")?;
    if data.len() < GCM_IV + GCM_TAG {
        return Err("EncryptedData too short".into());
    }
    let (iv, rest) = data.split_at(GCM_IV);
    let (body, tag) = rest.split_at(rest.len() - GCM_TAG);
    decrypt_aead(cipher, key, Some(iv), &[], body, tag).map_err(|e| format!("AES-GCM: {e}"))
}

/// What [`decrypt`] found.
#[derive(Debug)]
pub struct Decrypted {
    /// The document with the assertion in clear in place of the
    /// `EncryptedAssertion` (`None` when there was none: `xml` as is).
    pub xml: Option<String>,
    /// Whether the root element (the response) carries a signature.
    pub response_signed: bool,
}

/// Whether `xml` has an `EncryptedAssertion`, and whether its root is
/// signed, without decrypting anything.
pub fn inspect(xml: &str) -> Result<(bool, bool), String> {
    let (signed, parts) = read(xml)?;
    Ok((parts.span.is_some(), signed))
}

/// Decrypt the one `EncryptedAssertion` of `xml` with `key`.
pub fn decrypt(xml: &str, key: &PKey<Private>) -> Result<Decrypted, String> {
    let (response_signed, parts) = read(xml)?;
    let Some((start, end)) = parts.span else {
        return Ok(Decrypted {
            xml: None,
            response_signed,
        });
    };
    if parts.encrypted_data != 1 || parts.encrypted_keys != 1 {
        return Err("exactly one EncryptedData and one EncryptedKey are read".into());
    }
    if parts
        .data_type
        .as_deref()
        .is_some_and(|t| t != ELEMENT_TYPE)
    {
        return Err("EncryptedData of a type other than Element".into());
    }
    let content = content_key(&parts, key)?;
    let clear = plaintext(&parts, &content)?;
    let clear = String::from_utf8(clear).map_err(|_| "plaintext is not UTF-8".to_owned())?;
    let clear = clear.trim();
    // The plaintext is one element, without a declaration of its own.
    if !clear.starts_with('<') || clear.starts_with("<?") || !clear.ends_with('>') {
        return Err("plaintext is not one XML element".into());
    }
    let (head, tail) = (xml.get(..start), xml.get(end..));
    let (Some(head), Some(tail)) = (head, tail) else {
        return Err("EncryptedAssertion span".into());
    };
    Ok(Decrypted {
        xml: Some(format!("{head}{clear}{tail}")),
        response_signed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::rand::rand_bytes;
    use openssl::rsa::Rsa;
    use openssl::symm::encrypt_aead;

    fn encrypted(key: &PKey<Private>, data_alg: &str, key_alg: &str) -> String {
        let mut content = [0u8; 16];
        let mut iv = [0u8; 12];
        rand_bytes(&mut content).unwrap();
        rand_bytes(&mut iv).unwrap();
        let mut tag = [0u8; 16];
        let clear = r#"<saml:Assertion ID="a1"><saml:Issuer>i</saml:Issuer></saml:Assertion>"#;
        let body = encrypt_aead(
            Cipher::aes_128_gcm(),
            &content,
            Some(&iv),
            &[],
            clear.as_bytes(),
            &mut tag,
        )
        .unwrap();
        let mut ctx = PkeyCtx::new(key).unwrap();
        ctx.encrypt_init().unwrap();
        ctx.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
        let mut wrapped = Vec::new();
        ctx.encrypt_to_vec(&content, &mut wrapped).unwrap();
        let data = [iv.as_slice(), &body, &tag].concat();
        format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{data_alg}"/><ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{key_alg}"/><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{}&#13;
</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion></samlp:Response>"#,
            STANDARD.encode(wrapped),
            STANDARD.encode(data)
        )
    }

    #[test]
    fn decrypts_gcm_with_oaep_and_refuses_the_rest() {
        // SR-123
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let gcm = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
        let oaep = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
        let xml = encrypted(&key, gcm, oaep);
        assert_eq!(inspect(&xml).unwrap(), (true, false));
        let out = decrypt(&xml, &key).unwrap().xml.unwrap();
        assert!(out.contains(r#"<saml:Assertion ID="a1">"#), "{out}");
        assert!(!out.contains("EncryptedAssertion"), "{out}");

        let other = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        assert!(decrypt(&xml, &other).is_err(), "another key");
        for (data, transport) in [
            ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", oaep),
            (gcm, "http://www.w3.org/2001/04/xmlenc#rsa-1_5"),
        ] {
            let bad = encrypted(&key, data, transport);
            assert!(decrypt(&bad, &key).is_err(), "{data} {transport}");
        }
        let tampered = xml.replacen("<xenc:CipherValue>", "<xenc:CipherValue>AAAA", 2);
        assert!(decrypt(&tampered, &key).is_err(), "tampered");
        let none = "<samlp:Response><saml:Assertion/></samlp:Response>";
        assert!(decrypt(none, &key).unwrap().xml.is_none());
    }
}
