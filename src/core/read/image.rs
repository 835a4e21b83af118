//! Checks on an image before it is sent: is it an image we can send, and
//! is it small enough. Pure: works on bytes.

/// Whether a file found in a picked folder may be a ballot (an image or
/// a PDF, by its type or its name's ending); thumbnails databases and
/// notes are skipped.
pub fn may_be_ballot(name: &str, mime: &str) -> bool {
    const ENDINGS: [&str; 6] = [".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf"];
    let name = name.to_ascii_lowercase();
    mime.starts_with("image/")
        || mime == "application/pdf"
        || ENDINGS.iter().any(|e| name.ends_with(e))
}

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

/// Largest file accepted when images are prepared (downscaled and
/// re-encoded) before sending.
pub const MAX_SOURCE_BYTES: usize = 50 * 1024 * 1024;

/// Below this many pixels on the long edge a scan is hard to read: the
/// record says so.
pub const SMALL_LONG_EDGE: u32 = 1000;

/// Whether `bytes` start like an iPhone's HEIC/HEIF photo (an ISO-BMFF
/// `ftyp` box with a HEIF brand).
pub fn is_heic(bytes: &[u8]) -> bool {
    matches!(bytes.get(4..12), Some([b'f', b't', b'y', b'p', brand @ ..])
        if [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"].iter().any(|b| &b[..] == brand))
}

/// The size to send a `width` × `height` image at: the long edge at most
/// `long_edge` pixels, the aspect kept, never larger than it is.
pub fn target_size(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge || long == 0 {
        return (width, height);
    }
    let scale = |v: u32| {
        ((u64::from(v) * u64::from(long_edge) + u64::from(long) / 2) / u64::from(long)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// Why a file cannot be sent to the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// Not PNG, JPEG, GIF or WebP.
    #[error("not an image the model can read (PNG, JPEG, GIF or WebP expected)")]
    NotAnImage,
    /// An iPhone HEIC photo, which browsers other than Safari cannot decode.
    #[error("an iPhone HEIC photo, which this browser cannot read: export it as JPEG (on the iPhone: Settings → Camera → Formats → Most Compatible, or share the photo to Files as JPEG)")]
    Heic,
    /// Larger than [`MAX_IMAGE_BYTES`].
    #[error("the image is too large to send ({mb:.1} MB; the limit is {limit_mb} MB)")]
    TooLarge {
        /// Size in MB.
        mb: f64,
        /// The limit in MB.
        limit_mb: usize,
    },
}

impl ImageError {
    /// How a ballot whose file is refused so ends.
    pub fn kind(&self) -> crate::core::engine::progress::FailureKind {
        use crate::core::engine::progress::FailureKind;
        match self {
            ImageError::Empty => FailureKind::EmptyFile,
            ImageError::NotAnImage => FailureKind::NotAnImage,
            ImageError::Heic => FailureKind::Heic,
            ImageError::TooLarge { .. } => FailureKind::TooLarge,
        }
    }
}

/// The media type to send `bytes` as, or why they cannot be sent.
pub fn check_image(bytes: &[u8]) -> Result<&'static str, ImageError> {
    check_start(bytes.len() as u64, bytes)
}

/// The same check from a file's size and its first bytes only, so a file
/// that cannot be sent is refused before it is read or a slot is spent.
pub fn check_start(size: u64, head: &[u8]) -> Result<&'static str, ImageError> {
    check_start_within(size, head, MAX_IMAGE_BYTES)
}

/// Whether an image held elsewhere (its bytes not in this memory) is small
/// enough to send.
pub fn check_size(size: u64) -> Result<(), ImageError> {
    if size == 0 {
        return Err(ImageError::Empty);
    }
    if size > MAX_IMAGE_BYTES as u64 {
        return Err(ImageError::TooLarge {
            mb: size as f64 / (1024.0 * 1024.0),
            limit_mb: MAX_IMAGE_BYTES / (1024 * 1024),
        });
    }
    Ok(())
}

/// [`check_start`] with another size limit (a file that will be prepared
/// before sending may be larger than what is sent).
pub fn check_start_within(
    size: u64,
    head: &[u8],
    limit: usize,
) -> Result<&'static str, ImageError> {
    if size == 0 {
        return Err(ImageError::Empty);
    }
    if is_heic(head) {
        return Err(ImageError::Heic);
    }
    let media = sniff_image_type(head).ok_or(ImageError::NotAnImage)?;
    if size > limit as u64 {
        return Err(ImageError::TooLarge {
            mb: size as f64 / (1024.0 * 1024.0),
            limit_mb: limit / (1024 * 1024),
        });
    }
    Ok(media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_keeps_images_and_pdfs_by_type_or_name() {
        for (name, mime, want) in [
            ("scan.JPG", "", true),
            ("หน่วย 3.pdf", "", true),
            ("photo", "image/heic", true),
            ("page", "application/pdf", true),
            ("Thumbs.db", "", false),
            ("notes.txt", "text/plain", false),
        ] {
            assert_eq!(may_be_ballot(name, mime), want, "{name} {mime}");
        }
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_image_type(b"\x89PNG\r\n"), Some("image/png"));
        assert_eq!(sniff_image_type(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(sniff_image_type(b"RIFF1234WEBPVP8"), Some("image/webp"));
        assert_eq!(sniff_image_type(b"%PDF-1.4"), None);
    }

    #[test]
    fn target_sizes_keep_the_aspect_and_never_upscale() {
        let cases = [
            ((2480, 3509, 2048), (1447, 2048)),
            ((3509, 2480, 2048), (2048, 1447)),
            ((800, 600, 2048), (800, 600)),
            ((2048, 10, 1024), (1024, 5)),
            ((100_000, 1, 2048), (2048, 1)),
            ((0, 0, 2048), (0, 0)),
            ((u32::MAX, u32::MAX, 2048), (2048, 2048)),
        ];
        for ((w, h, n), want) in cases {
            assert_eq!(target_size(w, h, n), want, "{w}x{h} at {n}");
        }
    }

    #[test]
    fn heic_is_named_with_what_to_do() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(is_heic(heic));
        let e = check_image(heic).unwrap_err();
        assert_eq!(e, ImageError::Heic);
        assert!(e.to_string().contains("JPEG"));
        assert!(!is_heic(b"\0\0\0\x18ftypisom"), "an MP4 is not a photo");
        assert_eq!(
            check_start_within(20 * 1024 * 1024, b"\xff\xd8\xff", MAX_SOURCE_BYTES),
            Ok("image/jpeg"),
            "prepared images may come from larger files"
        );
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
