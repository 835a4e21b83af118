//! Content hashes of source images (SHA-256, lowercase hex).

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The first 16 bytes of the SHA-256 of two strings, each after its
/// length: a short name for a pair (a document's id and revision) that no
/// other pair has, even one chosen to (unlike a fast hash's).
pub fn pair_digest(a: &str, b: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    for part in [a, b] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let mut out = [0; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    out
}

/// The first 16 bytes of the SHA-256 of `text`: a short name for it that
/// no other text has (a document's id, kept a hundred thousand times).
pub fn digest16(text: &str) -> [u8; 16] {
    let mut out = [0; 16];
    out.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
    out
}

/// SHA-256 fed piece by piece (a large file read in slices).
#[derive(Default, Clone)]
pub struct Hasher(Sha256);

impl Hasher {
    /// Adds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    /// The hash of everything added, as 64 lowercase hex digits.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Bytes hashed between two pauses of [`sha256_hex_sliced`]: about 15 ms
/// of work in the browser. Smaller slices keep each ballot's bytes alive
/// longer (256 KB doubled the memory peak); larger ones make long tasks.
pub const SLICE: usize = 512 * 1024;

/// [`sha256_hex`] in slices, calling `pause` between them so a browser can
/// draw the page while a large scan is hashed (in one go, a 4 MB scan held
/// the page for about 150 ms).
pub async fn sha256_hex_sliced<F, P>(bytes: &[u8], mut pause: P) -> String
where
    P: FnMut() -> F,
    F: std::future::Future<Output = ()>,
{
    let mut h = Sha256::new();
    for chunk in bytes.chunks(SLICE) {
        h.update(chunk);
        if chunk.len() == SLICE {
            pause().await;
        }
    }
    hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_digest16_is_the_sha256s_first_half() {
        use super::{digest16, sha256_hex};
        let id = "form:ab12:p3";
        let hex: String = digest16(id).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, sha256_hex(id.as_bytes())[..32]);
        assert_ne!(digest16("form:a"), digest16("form:b"));
    }

    #[test]
    fn a_pair_digest_tells_where_one_string_ends() {
        use super::pair_digest;
        assert_ne!(pair_digest("ab", "c"), pair_digest("a", "bc"));
        assert_ne!(pair_digest("a", "b"), pair_digest("b", "a"));
        assert_eq!(pair_digest("form:1", "1-a"), pair_digest("form:1", "1-a"));
    }

    #[test]
    fn known_vector() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sliced_is_the_same_hash() {
        let big: Vec<u8> = (0..(super::SLICE * 3 + 17))
            .map(|i| (i % 251) as u8)
            .collect();
        let mut pauses = 0;
        let sliced = crate::core::engine::testing::FakeTime::new().run(super::sha256_hex_sliced(
            &big,
            || {
                pauses += 1;
                std::future::ready(())
            },
        ));
        assert_eq!(sliced, super::sha256_hex(&big));
        assert_eq!(pauses, 3);
        let mut h = super::Hasher::default();
        big.chunks(1000).for_each(|c| h.update(c));
        assert_eq!(h.finish(), super::sha256_hex(&big));
    }
}
