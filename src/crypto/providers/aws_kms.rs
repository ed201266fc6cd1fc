//! AWS KMS as the master key (S10): data keys are wrapped by KMS `Encrypt`
//! and unwrapped by `Decrypt` (naming the key, so that a ciphertext of
//! another key is refused), through the KMS JSON API signed with SigV4.
//! The encryption context binds each wrapped key to its data key id and
//! purpose.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::crypto::KeyProvider;
use crate::crypto::providers::sigv4::{self, Credentials};
use crate::error::AppError;

/// Where and how to reach KMS.
#[derive(Debug)]
pub struct KmsClient {
    endpoint: url::Url,
    host: String,
    region: String,
    credentials: Credentials,
    timeout: Duration,
}

/// A refusal or failure of one KMS call: the AWS error code (such as
/// `AccessDeniedException`, `InvalidCiphertextException`) or what went
/// wrong on the way, and the message (for the log).
#[derive(Debug, Clone)]
pub struct KmsError {
    pub code: String,
    pub message: String,
}

impl KmsClient {
    /// `endpoint`: `None` for `https://kms.<region>.amazonaws.com/`. Plain
    /// http is accepted only for a loopback endpoint (a local test server).
    pub fn new(
        region: &str,
        endpoint: Option<&str>,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Self, String> {
        if region.is_empty() {
            return Err("the region must be set".into());
        }
        let endpoint = match endpoint {
            Some(url) => url::Url::parse(url).map_err(|e| format!("endpoint {url:?}: {e}"))?,
            None => url::Url::parse(&format!("https://kms.{region}.amazonaws.com/"))
                .map_err(|e| format!("region {region:?}: {e}"))?,
        };
        check_endpoint(&endpoint)?;
        let host = match (endpoint.host_str(), endpoint.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(format!("endpoint {endpoint} has no host")),
        };
        Ok(Self {
            endpoint,
            host,
            region: region.to_owned(),
            credentials,
            timeout,
        })
    }

    /// One signed JSON API call (`target` such as `TrentService.Encrypt`).
    /// Blocking: runs on its own thread with its own small runtime, so it
    /// may be called from the blocking pool and from plain threads alike.
    pub fn call(&self, target: &str, body: &Value) -> Result<Value, KmsError> {
        let payload = body.to_string().into_bytes();
        let date = sigv4::amz_date(chrono::Utc::now());
        let mut headers = vec![
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            ),
            ("host".to_owned(), self.host.clone()),
            ("x-amz-date".to_owned(), date.clone()),
            ("x-amz-target".to_owned(), target.to_owned()),
        ];
        if let Some(token) = &self.credentials.session_token {
            headers.push(("x-amz-security-token".to_owned(), token.to_string()));
        }
        let authorization = sigv4::authorization(
            &self.credentials,
            &self.region,
            "kms",
            &date,
            &sigv4::Request {
                method: "POST",
                path: "/",
                headers: &headers,
                payload: &payload,
            },
        );
        headers.push(("authorization".to_owned(), authorization));
        std::thread::scope(|scope| {
            scope
                .spawn(|| self.send(headers, payload))
                .join()
                .unwrap_or_else(|_| Err(failure("InternalFailure", "the KMS call panicked")))
        })
    }

    fn send(&self, headers: Vec<(String, String)>, payload: Vec<u8>) -> Result<Value, KmsError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failure("InternalFailure", &e.to_string()))?;
        runtime.block_on(async {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(self.timeout)
                .connect_timeout(self.timeout)
                .build()
                .map_err(|e| failure("InternalFailure", &e.to_string()))?;
            let mut request = client.post(self.endpoint.clone()).body(payload);
            for (name, value) in headers.iter().filter(|(name, _)| name != "host") {
                request = request.header(name.as_str(), value.as_str());
            }
            let response = request.send().await.map_err(|e| {
                let code = if e.is_timeout() {
                    "Timeout"
                } else {
                    "ConnectionFailed"
                };
                failure(code, &e.to_string())
            })?;
            let status = response.status();
            // The body of a Decrypt answer holds a data key: wiped after use.
            let text = Zeroizing::new(
                response
                    .text()
                    .await
                    .map_err(|e| failure("ConnectionFailed", &e.to_string()))?,
            );
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status.is_success() {
                return Ok(body);
            }
            let code = body
                .get("__type")
                .and_then(Value::as_str)
                .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
                .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
            let message = body
                .get("message")
                .or_else(|| body.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            Err(KmsError { code, message })
        })
    }
}

fn failure(code: &str, message: &str) -> KmsError {
    KmsError {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// https, or http to a loopback address (a local KMS-compatible server).
fn check_endpoint(endpoint: &url::Url) -> Result<(), String> {
    let loopback = match endpoint.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match endpoint.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(format!(
                "endpoint {endpoint} must use https (plain http only on loopback)"
            ));
        }
    }
    if !endpoint.username().is_empty() || endpoint.password().is_some() {
        return Err("endpoint must not contain credentials".into());
    }
    if endpoint.query().is_some() || endpoint.path() != "/" {
        return Err(format!(
            "endpoint {endpoint} must be a bare origin such as https://kms.eu-west-1.amazonaws.com"
        ));
    }
    Ok(())
}

/// The master key is a KMS key.
#[derive(Debug)]
pub struct AwsKmsKeyProvider {
    id: String,
    key_id: String,
    client: KmsClient,
}

impl AwsKmsKeyProvider {
    /// `key_id`: the key ARN (best: stable and unambiguous), key id or alias.
    pub fn new(key_id: &str, client: KmsClient) -> Result<Self, String> {
        if key_id.is_empty() {
            return Err("the key id must be set".into());
        }
        Ok(Self {
            id: format!("aws-kms:{key_id}"),
            key_id: key_id.to_owned(),
            client,
        })
    }

    fn refused(&self, what: &str, context: &str, e: &KmsError) -> AppError {
        tracing::error!(
            kms_key = %self.key_id,
            code = %e.code,
            message = %e.message,
            "KMS refused to {what} a data key"
        );
        AppError::Config(format!(
            "cannot {what} data key {} with KMS key {}: {}",
            crate::crypto::providers::data_key_of(context).unwrap_or("?"),
            self.key_id,
            e.code
        ))
    }
}

impl KeyProvider for AwsKmsKeyProvider {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, data_key: &[u8], context: &str) -> Result<Vec<u8>, AppError> {
        let plaintext = Zeroizing::new(STANDARD.encode(data_key));
        let body = json!({
            "KeyId": self.key_id,
            "Plaintext": plaintext.as_str(),
            "EncryptionContext": { "ostiary": context },
        });
        let answer = self
            .client
            .call("TrentService.Encrypt", &body)
            .map_err(|e| self.refused("wrap", context, &e))?;
        answer
            .get("CiphertextBlob")
            .and_then(Value::as_str)
            .and_then(|blob| STANDARD.decode(blob).ok())
            .ok_or_else(|| {
                self.refused(
                    "wrap",
                    context,
                    &failure("MalformedResponse", "no CiphertextBlob"),
                )
            })
    }

    fn unwrap(&self, wrapped: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
        let body = json!({
            "KeyId": self.key_id,
            "CiphertextBlob": STANDARD.encode(wrapped),
            "EncryptionContext": { "ostiary": context },
        });
        let mut answer = self
            .client
            .call("TrentService.Decrypt", &body)
            .map_err(|e| self.refused("unwrap", context, &e))?;
        let Some(Value::String(text)) = answer.get_mut("Plaintext").map(Value::take) else {
            return Err(self.refused(
                "unwrap",
                context,
                &failure("MalformedResponse", "no Plaintext"),
            ));
        };
        let text = Zeroizing::new(text);
        STANDARD
            .decode(text.as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| {
                self.refused(
                    "unwrap",
                    context,
                    &failure("MalformedResponse", "Plaintext is not base64"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: Zeroizing::new("secret".into()),
            session_token: None,
        }
    }

    #[test]
    fn endpoints_must_be_https_except_on_loopback() {
        let t = Duration::from_secs(1);
        assert!(KmsClient::new("eu-west-1", None, credentials(), t).is_ok());
        assert!(
            KmsClient::new("eu-west-1", Some("http://127.0.0.1:5000"), credentials(), t).is_ok()
        );
        assert!(
            KmsClient::new(
                "eu-west-1",
                Some("http://localhost:5000/"),
                credentials(),
                t
            )
            .is_ok()
        );
        for bad in [
            "http://kms.example.com",
            "ftp://127.0.0.1",
            "https://u:p@kms.example.com",
            "https://kms.example.com/path",
        ] {
            assert!(
                KmsClient::new("eu-west-1", Some(bad), credentials(), t).is_err(),
                "{bad}"
            );
        }
        assert!(KmsClient::new("", None, credentials(), t).is_err());
    }

    #[test]
    fn an_unreachable_kms_is_a_precise_error() {
        let client = KmsClient::new(
            "eu-west-1",
            Some("http://127.0.0.1:9"),
            credentials(),
            Duration::from_secs(2),
        )
        .unwrap();
        let provider = AwsKmsKeyProvider::new("alias/ostiary", client).unwrap();
        assert_eq!(provider.id(), "aws-kms:alias/ostiary");
        let err = provider
            .unwrap(b"blob", "data-key:dk-1:data")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "cannot unwrap data key dk-1 with KMS key alias/ostiary: ConnectionFailed"
            ),
            "{err}"
        );
    }
}
