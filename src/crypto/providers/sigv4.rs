//! AWS Signature Version 4 (HMAC-SHA256) for the few JSON API calls the
//! KMS key provider makes: a POST to `/` without a query string.

use zeroize::Zeroizing;

use crate::crypto::token::{hmac_sha256, sha256_hex};

/// Long-term or temporary AWS credentials.
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Zeroizing<String>,
    /// Sent as `X-Amz-Security-Token` (and signed) with temporary credentials.
    pub session_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// What is signed: the method, the path (already URI-encoded, no query),
/// the headers (names in any case; `host` and `x-amz-date` among them) and
/// the body.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [(String, String)],
    pub payload: &'a [u8],
}

/// `YYYYMMDDTHHMMSSZ` for `now`.
pub fn amz_date(now: chrono::DateTime<chrono::Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The `Authorization` header value for `request`, signed at `amz_date`
/// (which must also be the request's `x-amz-date` header) for `region` and
/// `service`.
pub fn authorization(
    credentials: &Credentials,
    region: &str,
    service: &str,
    amz_date: &str,
    request: &Request<'_>,
) -> String {
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let (canonical, signed_headers) = canonical_request(request);
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let secret = Zeroizing::new(format!("AWS4{}", credentials.secret_access_key.as_str()));
    let k_date = Zeroizing::new(hmac_sha256(secret.as_bytes(), date.as_bytes()));
    let k_region = Zeroizing::new(hmac_sha256(&*k_date, region.as_bytes()));
    let k_service = Zeroizing::new(hmac_sha256(&*k_region, service.as_bytes()));
    let k_signing = Zeroizing::new(hmac_sha256(&*k_service, b"aws4_request"));
    let signature = hex::encode(hmac_sha256(&*k_signing, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    )
}

/// The canonical request and the signed header list.
fn canonical_request(request: &Request<'_>) -> (String, String) {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            (name.to_ascii_lowercase(), value)
        })
        .collect();
    headers.sort();
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        request.path,
        sha256_hex(request.payload)
    );
    (canonical, signed_headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example credentials of AWS's Signature Version 4 test suite.
    fn suite_credentials() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: Zeroizing::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into()),
            session_token: None,
        }
    }

    fn suite_headers() -> Vec<(String, String)> {
        vec![
            ("Host".into(), "example.amazonaws.com".into()),
            ("X-Amz-Date".into(), "20150830T123600Z".into()),
        ]
    }

    #[test]
    fn get_vanilla_of_the_aws_test_suite() {
        let headers = suite_headers();
        let request = Request {
            method: "GET",
            path: "/",
            headers: &headers,
            payload: b"",
        };
        let (canonical, _) = canonical_request(&request);
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        assert_eq!(
            authorization(
                &suite_credentials(),
                "us-east-1",
                "service",
                "20150830T123600Z",
                &request
            ),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn post_vanilla_of_the_aws_test_suite() {
        let headers = suite_headers();
        let request = Request {
            method: "POST",
            path: "/",
            headers: &headers,
            payload: b"",
        };
        assert!(
            authorization(
                &suite_credentials(),
                "us-east-1",
                "service",
                "20150830T123600Z",
                &request
            )
            .ends_with(
                "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
            )
        );
    }

    #[test]
    fn amz_date_is_basic_iso8601() {
        let at = chrono::DateTime::from_timestamp(1_440_938_160, 0).unwrap();
        assert_eq!(amz_date(at), "20150830T123600Z");
    }
}
