//! One file uploaded with a `multipart/form-data` form (SR-104): the body
//! is read with a hard limit enforced while reading — a declared
//! `Content-Length` over it is refused before a byte is read, a streamed
//! body as soon as it passes the limit — and then split into its parts.
//! Only what an upload form sends is understood: a few text fields and
//! one file; anything else is refused as malformed. [`read_body`] reads a
//! raw body (the admin API's uploads) under the same limit.

use actix_web::HttpRequest;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::web::Payload;

/// At most this many parts.
const MAX_PARTS: usize = 8;
/// At most this many bytes of headers per part.
const MAX_PART_HEADERS: usize = 1024;

/// Why a body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// Over the limit (refused without reading the rest).
    TooLarge,
    /// Not a multipart form of the expected shape.
    Malformed,
}

/// A read form: its text fields and its (first) file.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    /// The file part: its field name and bytes.
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    /// The text field `name` ("" when missing).
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The `boundary` of a `multipart/form-data` content type.
fn boundary(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    let mut params = value.split(';').map(str::trim);
    if !params.next()?.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let raw = params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then_some(v.trim())
    })?;
    let b = raw.trim_matches('"');
    let ok = (1..=70).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c));
    ok.then(|| b.to_owned())
}

/// Read the form of `req` from `payload`, refusing more than `limit` bytes.
pub async fn read_form(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<Upload, UploadError> {
    let boundary = boundary(req).ok_or(UploadError::Malformed)?;
    let body = read_body(req, payload, limit).await?;
    parse(&body, &boundary).ok_or(UploadError::Malformed)
}

/// Read the body of `req` from `payload`, refusing more than `limit`
/// bytes: a declared length before reading, a streamed body as soon as it
/// passes the limit.
pub async fn read_body(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<actix_web::web::Bytes, UploadError> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(UploadError::TooLarge);
    }
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(_)) => Err(UploadError::Malformed),
        Err(_) => Err(UploadError::TooLarge),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `name="…"` and `filename="…"` of a part's `Content-Disposition`.
fn disposition(headers: &str) -> Option<(String, bool)> {
    let line = headers.lines().find(|l| {
        l.split(':')
            .next()
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut params = value.split(';').map(str::trim);
    if !params.next()?.eq_ignore_ascii_case("form-data") {
        return None;
    }
    let mut name = None;
    let mut file = false;
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v.trim().trim_matches('"').to_owned()),
            "filename" => file = true,
            _ => {}
        }
    }
    Some((name?, file))
}

/// The parts of a multipart body with `boundary`.
fn parse(body: &[u8], boundary: &str) -> Option<Upload> {
    let delimiter = format!("--{boundary}");
    let next_part = format!("\r\n--{boundary}");
    let start = find(body, delimiter.as_bytes())?;
    let mut rest = body.get(start + delimiter.len()..)?;
    let mut upload = Upload::default();
    for _ in 0..=MAX_PARTS {
        if rest.starts_with(b"--") {
            return Some(upload);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(
            rest.get(..rest.len().min(MAX_PART_HEADERS + 4))?,
            b"\r\n\r\n",
        )?;
        let headers = std::str::from_utf8(rest.get(..head_end)?).ok()?;
        let content_start = head_end + 4;
        let content_len = find(rest.get(content_start..)?, next_part.as_bytes())?;
        let content = rest.get(content_start..content_start + content_len)?;
        let (name, is_file) = disposition(headers)?;
        if is_file {
            if upload.file.is_none() {
                upload.file = Some((name, content.to_vec()));
            }
        } else {
            let text = std::str::from_utf8(content).ok()?;
            upload.fields.push((name, text.to_owned()));
        }
        rest = rest.get(content_start + content_len + next_part.len()..)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, filename, content) in parts {
            out.extend_from_slice(b"--XyZ\r\n");
            let disposition = match filename {
                Some(f) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        out
    }

    #[test]
    fn reads_fields_and_one_file() {
        let png = b"\x89PNG\r\n\x1a\n\r\n--Xy not the end";
        let raw = body(&[("csrf_token", None, b"abc"), ("logo", Some("a.png"), png)]);
        let upload = parse(&raw, "XyZ").unwrap();
        assert_eq!(upload.field("csrf_token"), "abc");
        assert_eq!(upload.field("other"), "");
        let (name, bytes) = upload.file.unwrap();
        assert_eq!((name.as_str(), bytes.as_slice()), ("logo", &png[..]));
    }

    #[test]
    fn refuses_what_is_not_a_form() {
        assert!(parse(b"hello", "XyZ").is_none());
        assert!(parse(b"--XyZ\r\nno headers end", "XyZ").is_none());
        let unterminated = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
        assert!(parse(unterminated, "XyZ").is_none());
        let many: Vec<(&str, Option<&str>, &[u8])> =
            (0..20).map(|_| ("a", None, &b"1"[..])).collect();
        assert!(parse(&body(&many), "XyZ").is_none());
        assert!(parse(&body(&[]), "XyZ").unwrap().file.is_none());
    }
}
