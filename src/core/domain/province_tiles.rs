//! A tile map of Thailand: each of the 77 provinces (by its registry id) a
//! square at (column, row) of an 11 × 16 grid, placed by hand to keep
//! neighbours near (the north at the top, the northeast to the right, the
//! south's tail down the left). Data, not drawing: the page draws it.

/// (province id, column, row).
#[rustfmt::skip]
pub static TILES: &[(&str, u8, u8)] = &[
    // The north.
    ("CRI", 3, 0),
    ("MSN", 1, 1), ("CMI", 2, 1), ("PYO", 3, 1), ("NAN", 4, 1),
    ("LPN", 2, 2), ("LPG", 3, 2), ("PRE", 4, 2), ("UTT", 5, 2),
    ("TAK", 1, 3), ("STI", 2, 3), ("PLK", 3, 3), ("PCT", 4, 3), ("PNB", 5, 3),
    ("KPT", 1, 4), ("NSN", 2, 4), ("CNT", 3, 4), ("LRI", 4, 4),
    ("UTI", 1, 5),
    // The northeast.
    ("NKI", 7, 1), ("BKN", 8, 1),
    ("LEI", 6, 2), ("UDN", 7, 2), ("SNK", 8, 2), ("NPM", 9, 2),
    ("NBP", 6, 3), ("KKN", 7, 3), ("KSN", 8, 3), ("MDH", 9, 3),
    ("CPM", 6, 4), ("MKM", 7, 4), ("RET", 8, 4), ("YST", 9, 4), ("ACR", 10, 4),
    ("NMA", 6, 5), ("BRM", 7, 5), ("SRN", 8, 5), ("SSK", 9, 5), ("UBN", 10, 5),
    // The centre, the east and the west.
    ("SBR", 2, 5), ("ATG", 3, 5), ("SRI", 4, 5), ("NYK", 5, 5),
    ("KRI", 1, 6), ("SPB", 2, 6), ("AYA", 3, 6), ("PTE", 4, 6), ("PRI", 5, 6), ("SKW", 6, 6),
    ("RBR", 1, 7), ("NPT", 2, 7), ("NBI", 3, 7), ("BKK", 4, 7), ("CCO", 5, 7),
    ("PBI", 1, 8), ("SKM", 2, 8), ("SKN", 3, 8), ("SPK", 4, 8), ("CBI", 5, 8),
    ("PKN", 1, 9), ("RYG", 5, 9), ("CTI", 6, 9), ("TRT", 7, 9),
    // The south.
    ("CPN", 1, 10),
    ("RNG", 0, 11), ("SNI", 1, 11),
    ("PNA", 0, 12), ("KBI", 1, 12), ("NST", 2, 12),
    ("PKT", 0, 13), ("TRG", 1, 13), ("PLG", 2, 13),
    ("STN", 1, 14), ("SKA", 2, 14), ("PTN", 3, 14),
    ("YLA", 3, 15), ("NWT", 4, 15),
];

/// Columns and rows of the grid.
pub const GRID: (u8, u8) = (11, 16);

/// Province `id`'s tile.
pub fn tile(id: &str) -> Option<(u8, u8)> {
    TILES.iter().find(|t| t.0 == id).map(|t| (t.1, t.2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::registry::Registry;
    use std::collections::BTreeSet;

    #[test]
    fn every_province_has_one_tile_of_its_own_inside_the_grid() {
        let reg = Registry::builtin();
        assert_eq!(TILES.len(), reg.provinces.len());
        for p in &reg.provinces {
            assert!(tile(&p.id).is_some(), "{} has no tile", p.id);
        }
        let places: BTreeSet<(u8, u8)> = TILES.iter().map(|t| (t.1, t.2)).collect();
        assert_eq!(places.len(), TILES.len(), "two provinces on one tile");
        assert!(TILES.iter().all(|t| t.1 < GRID.0 && t.2 < GRID.1));
    }
}
