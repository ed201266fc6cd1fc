//! What an uploaded logo is, judged from its bytes alone (never from its
//! file name or the browser's word): PNG, JPEG or WebP. Anything else —
//! SVG (it can carry script), GIF, HTML or text named `.png` — is refused,
//! and what is accepted is served with exactly the type found here.

/// An accepted image type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Png,
    Jpeg,
    WebP,
}

impl ImageType {
    /// The one `Content-Type` it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::WebP => "image/webp",
        }
    }

    /// The type stored as `mime`, if it is one of ours.
    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::WebP]
            .into_iter()
            .find(|t| t.mime() == mime)
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The type of `bytes` by its signature: PNG (signature then the `IHDR`
/// chunk), JPEG (SOI then a marker), WebP (`RIFF` size `WEBP` and a VP8
/// chunk).
pub fn detect(bytes: &[u8]) -> Option<ImageType> {
    if bytes.len() >= 24 && bytes.starts_with(PNG) && bytes.get(12..16) == Some(b"IHDR") {
        return Some(ImageType::Png);
    }
    if bytes.len() >= 4 && bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(ImageType::Jpeg);
    }
    if bytes.len() >= 16
        && bytes.starts_with(b"RIFF")
        && bytes.get(8..12) == Some(b"WEBP")
        && bytes.get(12..15) == Some(b"VP8")
    {
        return Some(ImageType::WebP);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_png_jpeg_and_webp_by_their_bytes() {
        let mut png = PNG.to_vec();
        png.extend_from_slice(&[0, 0, 0, 13]);
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&[0; 13]);
        assert_eq!(detect(&png), Some(ImageType::Png));
        assert_eq!(
            detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]),
            Some(ImageType::Jpeg)
        );
        assert_eq!(
            detect(b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0"),
            Some(ImageType::WebP)
        );
        for refused in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"[..],
            b"GIF89a\x01\0\x01\0",
            b"hello, I am text named logo.png",
            b"<html><script>alert(1)</script>",
            PNG,
            b"",
        ] {
            assert_eq!(detect(refused), None, "{refused:?}");
        }
        assert_eq!(ImageType::from_mime("image/webp"), Some(ImageType::WebP));
        assert_eq!(ImageType::from_mime("image/svg+xml"), None);
    }
}
