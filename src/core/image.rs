//! Checks on an image before it is sent: is it an image we can send, and
//! is it small enough. Pure: works on bytes.

/// Guesses an image's media type from its first bytes.
pub fn sniff_image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Largest image sent as is. Providers cap request bodies around 20 MB
/// (base64 adds a third).
pub const MAX_IMAGE_BYTES: usize = 15 * 1024 * 1024;

/// Why a file cannot be sent to the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// Not PNG, JPEG, GIF or WebP.
    #[error("not an image the model can read (PNG, JPEG, GIF or WebP expected)")]
    NotAnImage,
    /// Larger than [`MAX_IMAGE_BYTES`].
    #[error("the image is too large to send ({mb:.1} MB; the limit is {limit_mb} MB)")]
    TooLarge {
        /// Size in MB.
        mb: f64,
        /// The limit in MB.
        limit_mb: usize,
    },
}

/// The media type to send `bytes` as, or why they cannot be sent.
pub fn check_image(bytes: &[u8]) -> Result<&'static str, ImageError> {
    check_start(bytes.len() as u64, bytes)
}

/// The same check from a file's size and its first bytes only, so a file
/// that cannot be sent is refused before it is read or a slot is spent.
pub fn check_start(size: u64, head: &[u8]) -> Result<&'static str, ImageError> {
    if size == 0 {
        return Err(ImageError::Empty);
    }
    let media = sniff_image_type(head).ok_or(ImageError::NotAnImage)?;
    if size > MAX_IMAGE_BYTES as u64 {
        return Err(ImageError::TooLarge {
            mb: size as f64 / (1024.0 * 1024.0),
            limit_mb: MAX_IMAGE_BYTES / (1024 * 1024),
        });
    }
    Ok(media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff_image_type(b"\x89PNG\r\n"), Some("image/png"));
        assert_eq!(sniff_image_type(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(sniff_image_type(b"RIFF1234WEBPVP8"), Some("image/webp"));
        assert_eq!(sniff_image_type(b"%PDF-1.4"), None);
    }

    #[test]
    fn checks() {
        assert_eq!(check_image(b""), Err(ImageError::Empty));
        assert_eq!(check_image(b"hello"), Err(ImageError::NotAnImage));
        assert_eq!(check_image(b"\x89PNG\r\n\x1a\n"), Ok("image/png"));
        let mut big = b"\xff\xd8\xff".to_vec();
        big.resize(50 * 1024 * 1024, 0);
        let e = check_image(&big).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the image is too large to send (50.0 MB; the limit is 15 MB)"
        );
    }
}
