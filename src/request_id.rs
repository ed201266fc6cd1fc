//! Request ids: an incoming `X-Request-Id` is kept when it is short and made
//! of safe characters (no log injection), otherwise one is generated. The id
//! of the request being served is available to error rendering through a
//! task-local.

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The header carrying the id both ways.
pub const HEADER: &str = "x-request-id";

/// Keep a sane incoming id or make a new one.
pub fn choose(incoming: Option<&str>) -> String {
    match incoming {
        Some(id)
            if !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) =>
        {
            id.to_owned()
        }
        // A v4 UUID from the thread-local CSPRNG (no system call per request).
        _ => {
            let mut bytes = [0u8; 16];
            rand::Rng::fill_bytes(&mut rand::rng(), &mut bytes);
            uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .to_string()
        }
    }
}

/// Run `fut` with `id` as the current request id.
pub async fn scope<F: std::future::Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// The id of the request being served, or `-` outside a request.
pub fn current() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_sane_ids_and_replaces_others() {
        assert_eq!(choose(Some("abc-123_x.y")), "abc-123_x.y");
        for bad in ["", "with space", "new\nline", &"x".repeat(65), "<script>"] {
            let id = choose(Some(bad));
            assert_ne!(id, bad);
            assert_eq!(id.len(), 36);
        }
        assert_eq!(choose(None).len(), 36);
    }
}
