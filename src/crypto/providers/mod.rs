//! Key providers other than the local file (S10): PKCS#11 tokens and AWS
//! KMS, and [`logged::Logged`], which logs every use of any provider.

pub mod aws_kms;
pub mod logged;
pub mod pkcs11;
pub mod sigv4;

/// The data key id in a wrapping context (`data-key:<id>:<purpose>`).
pub fn data_key_of(context: &str) -> Option<&str> {
    context.strip_prefix("data-key:")?.split(':').next()
}

/// The provider kind of a master key id (`local`, `pkcs11`, `aws-kms`).
pub fn kind_of(id: &str) -> &str {
    id.split(':').next().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_and_ids_are_read() {
        assert_eq!(data_key_of("data-key:dk-1:data"), Some("dk-1"));
        assert_eq!(data_key_of("other"), None);
        assert_eq!(kind_of("pkcs11:token/key"), "pkcs11");
        assert_eq!(kind_of("aws-kms:arn:aws:kms:eu-west-1:1:key/x"), "aws-kms");
    }
}
