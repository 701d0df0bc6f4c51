//! What the CSV does not say outright: which province a procedure belongs to (from its
//! publisher) and which levels carry it out (from its agencies' names).

use super::model::{Level, Scope};
use crate::text::{display_form, fold_key};

/// Provinces this app serves, folded: Tây Ninh, and Long An which merged into it on 2025-07-01.
pub const SERVED_PROVINCES: &[&str] = &["tay ninh", "long an"];

/// The province a publisher names (`UBND tỉnh Lạng Sơn`, `… Thành phố Hà Nội`,
/// `Sở Xây dựng - tỉnh Quảng Ngãi`), or national for ministries and national bodies.
pub fn scope_of(publisher: &str) -> Scope {
    let display = display_form(publisher);
    // Lower-case one character at a time, remembering where each came from, so a match found
    // in the lower-case text maps back to the right place in the original.
    let lowered: Vec<(usize, char)> = display
        .char_indices()
        .map(|(at, c)| (at, crate::text::letters::lower(c)))
        .collect();
    for marker in ["thành phố ", "tỉnh "] {
        let marker: Vec<char> = marker.chars().collect();
        let found = lowered
            .windows(marker.len())
            .position(|window| window.iter().map(|(_, c)| *c).eq(marker.iter().copied()));
        let Some(start) = found else { continue };
        let after = lowered
            .get(start + marker.len())
            .map_or(display.len(), |(at, _)| *at);
        let name = display[after..]
            .trim()
            .trim_end_matches(['.', ',', ';'])
            .trim();
        if !name.is_empty() {
            return Scope::Province(name.to_string());
        }
    }
    Scope::National
}

/// True when the app shows this procedure without the all-provinces switch.
pub fn is_served(scope: &Scope) -> bool {
    match scope {
        Scope::National => true,
        Scope::Province(name) => SERVED_PROVINCES.contains(&fold_key(name).as_str()),
    }
}

/// Levels suggested by agency names; empty when none is recognisable.
pub fn infer_levels(agencies: &[String]) -> Vec<Level> {
    let mut levels = Vec::new();
    for agency in agencies {
        let folded = fold_key(agency);
        let padded = format!(" {folded} ");
        if padded.contains(" cap xa ") || padded.contains(" ubnd xa ") {
            levels.push(Level::Commune);
        }
        if padded.contains(" cap tinh ") || folded.starts_with("so ") || padded.contains(" tinh ") {
            levels.push(Level::Province);
        }
        if folded.starts_with("bo ")
            || folded.starts_with("cuc ")
            || folded.starts_with("tong cuc ")
        {
            levels.push(Level::Ministry);
        }
    }
    levels.sort();
    levels.dedup();
    levels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ministries_and_national_bodies_are_national() {
        for publisher in [
            "Bộ Tư pháp",
            "Ngân hàng Nhà nước Việt Nam",
            "Tập đoàn Điện lực Việt Nam",
            "",
        ] {
            assert_eq!(scope_of(publisher), Scope::National, "{publisher}");
        }
    }

    #[test]
    fn provincial_publishers_name_their_province() {
        assert_eq!(
            scope_of("UBND tỉnh Lạng Sơn"),
            Scope::Province("Lạng Sơn".into())
        );
        assert_eq!(
            scope_of("UBND Thành phố Hà Nội"),
            Scope::Province("Hà Nội".into())
        );
        assert_eq!(
            scope_of("Trung tâm phục vụ hành chính công Thành phố Hà Nội"),
            Scope::Province("Hà Nội".into())
        );
        assert_eq!(
            scope_of("Sở Xây dựng - tỉnh Quảng Ngãi"),
            Scope::Province("Quảng Ngãi".into())
        );
    }

    #[test]
    fn tay_ninh_and_former_long_an_are_served_and_others_are_not() {
        assert!(is_served(&Scope::National));
        assert!(is_served(&scope_of("UBND tỉnh Tây Ninh")));
        assert!(is_served(&Scope::Province("Long An".into())));
        assert!(!is_served(&scope_of("UBND tỉnh Đắk Lắk")));
    }

    #[test]
    fn levels_are_inferred_from_agency_names() {
        let agencies = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            infer_levels(&agencies(&["Ủy ban nhân dân cấp xã"])),
            [Level::Commune]
        );
        assert_eq!(
            infer_levels(&agencies(&["Sở Y tế", "Bộ Y tế"])),
            [Level::Province, Level::Ministry]
        );
        assert_eq!(
            infer_levels(&agencies(&["Công an cấp Xã", "Ủy ban nhân dân cấp tỉnh"])),
            [Level::Commune, Level::Province]
        );
        assert!(infer_levels(&agencies(&["Thuế cơ sở"])).is_empty());
    }
}
